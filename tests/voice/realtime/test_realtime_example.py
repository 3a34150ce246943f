"""examples/realtime_voice.py runs offline over loopback and prints the call and the room."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "realtime_voice.py"


async def test_the_example_holds_a_call_and_prints_the_timeline(
    capsys: pytest.CaptureFixture[str],
) -> None:
    spec = importlib.util.spec_from_file_location("realtime_voice_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    await module.main()

    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        "caller heard 0.5 s of audio and: session_started, user_speaking, user_speaking, "
        "transcript, speaking, transcript, speaking"
    )
    assert lines[1] == "model was given: [supervisor] Mention the umbrella offer."
    assert lines[2] == 'tool result: {"city": "Paris", "forecast": "sunny", "celsius": 22}'
    assert lines[3] == f"supervisor saw: {module.QUESTION} | {module.ANSWER}"
    assert lines[4:] == [
        "timeline:",
        f"  [phone] caller: {module.QUESTION}",
        "  [supervisor] lead: Mention the umbrella offer.",
        f"  [phone] model: {module.ANSWER}",
    ]
