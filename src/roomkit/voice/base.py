"""Types shared by every part of the voice stack: sessions, audio chunks, callbacks.

Backends (audio transport), STT and TTS providers all speak in these terms, so a
backend never needs to know which speech vendor sits behind it and vice versa.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Flag, auto
from typing import Any

from roomkit.models._util import utcnow
from roomkit.models.enums import VoiceSessionState

__all__ = [
    "AudioChunk",
    "BargeInCallback",
    "PartialTranscriptionCallback",
    "SpeechEndCallback",
    "SpeechStartCallback",
    "TranscriptionResult",
    "VADAudioLevelCallback",
    "VADSilenceCallback",
    "VoiceCapability",
    "VoiceSession",
    "VoiceSessionState",
    "join_audio_chunks",
]

_BYTES_PER_SAMPLE: dict[str, int] = {
    "pcm_s16le": 2,
    "pcm_f32le": 4,
    "mulaw": 1,
    "alaw": 1,
}


class VoiceCapability(Flag):
    """Optional features a voice backend declares; combine them with ``|``."""

    NONE = 0
    INTERRUPTION = auto()
    """Audio being played can be cancelled (``cancel_audio``)."""
    PARTIAL_STT = auto()
    """Interim transcriptions are reported while the user speaks."""
    VAD_SILENCE = auto()
    """Silence after speech is reported."""
    VAD_AUDIO_LEVEL = auto()
    """The input level is reported periodically."""
    BARGE_IN = auto()
    """The user speaking over played audio is detected."""


@dataclass
class VoiceSession:
    """One participant's live audio connection to a room through a voice channel."""

    id: str
    room_id: str
    participant_id: str
    channel_id: str
    state: VoiceSessionState = VoiceSessionState.CONNECTING
    created_at: datetime = field(default_factory=utcnow)
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class AudioChunk:
    """A slice of raw audio travelling through a stream."""

    data: bytes
    sample_rate: int = 16000
    channels: int = 1
    format: str = "pcm_s16le"
    timestamp_ms: int | None = None
    is_final: bool = False

    @property
    def duration_ms(self) -> float | None:
        """Playback length in milliseconds, or ``None`` when the format is not raw PCM-like.

        Known sample formats: ``pcm_s16le``, ``pcm_f32le``, ``mulaw`` and ``alaw``.
        """
        width = _BYTES_PER_SAMPLE.get(self.format)
        if width is None or self.sample_rate <= 0 or self.channels <= 0:
            return None
        frames = len(self.data) / (width * self.channels)
        return frames * 1000.0 / self.sample_rate


@dataclass
class TranscriptionResult:
    """Text recognised from audio; interim results have ``is_final=False``."""

    text: str
    is_final: bool = True
    confidence: float | None = None
    language: str | None = None


def join_audio_chunks(chunks: Sequence[AudioChunk]) -> AudioChunk:
    """Concatenate chunks of one audio format into a single final chunk.

    Raises ``ValueError`` when the list is empty or the chunks disagree on sample rate,
    channel count or format (their bytes could not be played back as one clip).
    """
    if not chunks:
        raise ValueError("cannot join an empty list of audio chunks")
    first = chunks[0]
    shape = (first.sample_rate, first.channels, first.format)
    for chunk in chunks[1:]:
        if (chunk.sample_rate, chunk.channels, chunk.format) != shape:
            raise ValueError(
                f"audio chunks differ in format: {shape} vs "
                f"{(chunk.sample_rate, chunk.channels, chunk.format)}"
            )
    return AudioChunk(
        data=b"".join(chunk.data for chunk in chunks),
        sample_rate=first.sample_rate,
        channels=first.channels,
        format=first.format,
        timestamp_ms=first.timestamp_ms,
        is_final=True,
    )


SpeechStartCallback = Callable[[VoiceSession], Awaitable[None]]
"""Called when voice activity detection hears the user start speaking."""

SpeechEndCallback = Callable[[VoiceSession, bytes], Awaitable[None]]
"""Called when the user stops speaking, with the utterance's raw audio."""

PartialTranscriptionCallback = Callable[[VoiceSession, str, float, bool], Awaitable[None]]
"""Called with ``(session, text, confidence, is_stable)`` for interim transcriptions."""

VADSilenceCallback = Callable[[VoiceSession, int], Awaitable[None]]
"""Called with ``(session, silence_duration_ms)`` when silence follows speech."""

VADAudioLevelCallback = Callable[[VoiceSession, float, bool], Awaitable[None]]
"""Called with ``(session, level_db, is_speech)`` on each audio level report."""

BargeInCallback = Callable[[VoiceSession], Awaitable[None]]
"""Called when the user starts speaking while audio is being played to them."""
