"""examples/voice_local.py runs offline and prints the transcription and the reply."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "voice_local.py"


async def test_the_example_hears_the_question_and_speaks_the_answer(
    capsys: pytest.CaptureFixture[str],
) -> None:
    spec = importlib.util.spec_from_file_location("voice_local_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    await module.main()

    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "     user: how is the weather tomorrow"
    assert lines[1] == f"assistant: {module.ANSWER}"
    assert lines[2].startswith("    audio: ") and "s of speech played" in lines[2]
