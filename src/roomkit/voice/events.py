"""Payloads handed to the voice hooks (barge-in, cancelled speech, VAD, partial STT).

Every event carries the :class:`VoiceSession` it happened in and exposes its
``room_id`` so the hook engine can find the room's hooks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from roomkit.models._util import utcnow
from roomkit.voice.base import AudioChunk, VoiceSession

__all__ = [
    "BargeInEvent",
    "PartialTranscriptionEvent",
    "SpeechEndEvent",
    "SpeechStartEvent",
    "TTSCancelReason",
    "TTSCancelledEvent",
    "VADAudioLevelEvent",
    "VADSilenceEvent",
]

TTSCancelReason = Literal["barge_in", "explicit", "disconnect", "error"]
"""Why synthesized speech stopped before its end."""


class _SessionEvent:
    """Gives a voice event the ``room_id`` of its session."""

    session: VoiceSession

    @property
    def room_id(self) -> str:
        """Id of the room the session belongs to."""
        return self.session.room_id


@dataclass(frozen=True)
class SpeechStartEvent(_SessionEvent):
    """Voice activity detection heard the participant start speaking."""

    session: VoiceSession
    timestamp: datetime = field(default_factory=utcnow)


@dataclass(frozen=True)
class SpeechEndEvent(_SessionEvent):
    """The participant finished an utterance; ``audio`` holds what they said."""

    session: VoiceSession
    audio: AudioChunk
    timestamp: datetime = field(default_factory=utcnow)


@dataclass(frozen=True)
class BargeInEvent(_SessionEvent):
    """The user spoke while synthesized audio was still playing."""

    session: VoiceSession
    interrupted_text: str
    audio_position_ms: int
    timestamp: datetime = field(default_factory=utcnow)


@dataclass(frozen=True)
class TTSCancelledEvent(_SessionEvent):
    """Playback of synthesized speech was stopped early."""

    session: VoiceSession
    reason: TTSCancelReason
    text: str
    audio_position_ms: int
    timestamp: datetime = field(default_factory=utcnow)


@dataclass(frozen=True)
class PartialTranscriptionEvent(_SessionEvent):
    """An interim transcription of speech still in progress."""

    session: VoiceSession
    text: str
    confidence: float
    is_stable: bool
    timestamp: datetime = field(default_factory=utcnow)


@dataclass(frozen=True)
class VADSilenceEvent(_SessionEvent):
    """Silence was detected after the user spoke."""

    session: VoiceSession
    silence_duration_ms: int
    timestamp: datetime = field(default_factory=utcnow)


@dataclass(frozen=True)
class VADAudioLevelEvent(_SessionEvent):
    """A periodic measurement of the input audio level."""

    session: VoiceSession
    level_db: float
    is_speech: bool
    timestamp: datetime = field(default_factory=utcnow)
