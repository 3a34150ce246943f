"""Voice event payloads handed to hooks."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from roomkit.voice import (
    BargeInEvent,
    PartialTranscriptionEvent,
    TTSCancelledEvent,
    VADAudioLevelEvent,
    VADSilenceEvent,
    VoiceSession,
)

SESSION = VoiceSession(id="s1", room_id="room-9", participant_id="p1", channel_id="voice")


def _events() -> list[object]:
    return [
        BargeInEvent(SESSION, interrupted_text="Hello there", audio_position_ms=350),
        TTSCancelledEvent(SESSION, reason="barge_in", text="Hello", audio_position_ms=120),
        PartialTranscriptionEvent(SESSION, text="hel", confidence=0.4, is_stable=False),
        VADSilenceEvent(SESSION, silence_duration_ms=700),
        VADAudioLevelEvent(SESSION, level_db=-32.5, is_speech=True),
    ]


@pytest.mark.parametrize("event", _events(), ids=lambda e: type(e).__name__)
def test_event_exposes_room_of_its_session(event: object) -> None:
    assert event.room_id == "room-9"  # type: ignore[attr-defined]


@pytest.mark.parametrize("event", _events(), ids=lambda e: type(e).__name__)
def test_event_is_frozen_and_timestamped(event: object) -> None:
    timestamp = event.timestamp  # type: ignore[attr-defined]
    assert timestamp.tzinfo is UTC
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.timestamp = datetime.now(UTC)  # type: ignore[attr-defined]


def test_explicit_timestamp_is_kept() -> None:
    moment = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    event = VADSilenceEvent(SESSION, 250, moment)
    assert event.timestamp == moment
    assert event.silence_duration_ms == 250


def test_room_id_is_not_a_dataclass_field() -> None:
    names = [field.name for field in dataclasses.fields(BargeInEvent)]
    assert names == ["session", "interrupted_text", "audio_position_ms", "timestamp"]
