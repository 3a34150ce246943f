"""examples/fastrtc_voice.py --check: served on loopback, it hears the question and answers."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytest.importorskip("fastrtc", reason="needs the fastrtc extra: pip install 'roomkit[fastrtc]'")

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "fastrtc_voice.py"


async def test_the_check_mode_hears_the_question_and_speaks_the_answer(
    capsys: pytest.CaptureFixture[str],
) -> None:
    spec = importlib.util.spec_from_file_location("fastrtc_voice_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    await module.check()

    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "     user: how is the weather tomorrow"
    assert lines[1] == f"assistant: {module.ANSWER}"
    assert lines[2].startswith("    audio: ") and "s of speech received" in lines[2]
    seconds = float(lines[2].split()[1])
    assert seconds > 1.0
    assert "dBFS" in lines[2]
