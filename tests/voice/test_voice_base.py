"""Shared voice types: capability flags, sessions, chunks and transcription results."""

from __future__ import annotations

import types
from datetime import UTC

import pytest

import roomkit.voice as voice
from roomkit.models.enums import VoiceSessionState
from roomkit.voice import (
    AudioChunk,
    TranscriptionResult,
    VoiceCapability,
    VoiceSession,
    join_audio_chunks,
)


def test_capability_flags_are_distinct_and_combine() -> None:
    flags = [
        VoiceCapability.INTERRUPTION,
        VoiceCapability.PARTIAL_STT,
        VoiceCapability.VAD_SILENCE,
        VoiceCapability.VAD_AUDIO_LEVEL,
        VoiceCapability.BARGE_IN,
    ]
    assert VoiceCapability.NONE.value == 0
    assert len({flag.value for flag in flags}) == len(flags)
    combined = VoiceCapability.INTERRUPTION | VoiceCapability.BARGE_IN
    assert VoiceCapability.BARGE_IN in combined
    assert VoiceCapability.PARTIAL_STT not in combined
    assert VoiceCapability.INTERRUPTION not in VoiceCapability.NONE


def test_session_state_is_the_models_enum() -> None:
    assert voice.VoiceSessionState is VoiceSessionState


def test_session_defaults() -> None:
    session = VoiceSession(id="s1", room_id="r1", participant_id="p1", channel_id="c1")
    other = VoiceSession(id="s2", room_id="r1", participant_id="p1", channel_id="c1")
    assert session.state is VoiceSessionState.CONNECTING
    assert session.created_at.tzinfo is UTC
    assert session.metadata == {}
    session.metadata["input_sample_rate"] = 48000
    assert other.metadata == {}


def test_chunk_defaults() -> None:
    chunk = AudioChunk(data=b"")
    assert (chunk.sample_rate, chunk.channels, chunk.format) == (16000, 1, "pcm_s16le")
    assert chunk.timestamp_ms is None
    assert chunk.is_final is False


@pytest.mark.parametrize(
    ("chunk", "expected"),
    [
        (AudioChunk(data=b"\x00" * 32000), 1000.0),
        (AudioChunk(data=b"\x00" * 320, sample_rate=8000), 20.0),
        (AudioChunk(data=b"\x00" * 3200, channels=2), 50.0),
        (AudioChunk(data=b"\x00" * 160, sample_rate=8000, format="mulaw"), 20.0),
        (AudioChunk(data=b"\x00" * 64, format="pcm_f32le"), 1.0),
        (AudioChunk(data=b""), 0.0),
    ],
)
def test_chunk_duration(chunk: AudioChunk, expected: float) -> None:
    assert chunk.duration_ms == pytest.approx(expected)


@pytest.mark.parametrize(
    "chunk",
    [
        AudioChunk(data=b"\x00" * 10, format="opus"),
        AudioChunk(data=b"\x00" * 10, sample_rate=0),
        AudioChunk(data=b"\x00" * 10, channels=0),
    ],
)
def test_chunk_duration_unknown(chunk: AudioChunk) -> None:
    assert chunk.duration_ms is None


def test_transcription_result_defaults() -> None:
    result = TranscriptionResult(text="hi")
    assert result.is_final is True
    assert result.confidence is None
    assert result.language is None


def test_join_audio_chunks_concatenates_into_one_final_chunk() -> None:
    chunks = [
        AudioChunk(data=b"ab", sample_rate=8000, timestamp_ms=40),
        AudioChunk(data=b"cd", sample_rate=8000, timestamp_ms=41),
    ]
    joined = join_audio_chunks(chunks)
    assert joined == AudioChunk(data=b"abcd", sample_rate=8000, timestamp_ms=40, is_final=True)


def test_join_audio_chunks_rejects_empty_and_mixed_formats() -> None:
    with pytest.raises(ValueError, match="empty"):
        join_audio_chunks([])
    with pytest.raises(ValueError, match="differ"):
        join_audio_chunks([AudioChunk(data=b"a"), AudioChunk(data=b"b", sample_rate=8000)])


def test_voice_all_matches_exports() -> None:
    public = {
        name
        for name, value in vars(voice).items()
        if not name.startswith("_")
        and name != "annotations"  # the `from __future__` feature flag
        and not isinstance(value, types.ModuleType)
    }
    assert sorted(voice.__all__) == sorted(public)
