"""The VoiceBackend contract: the audio transport between participants and a room.

A backend owns the live connections (WebRTC, WebSocket, telephony), detects speech
boundaries with whatever VAD it has, and plays audio back. It reports what it hears
through registered callbacks; ``capabilities`` says which optional ones it fires.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from typing import Any

from roomkit.voice._callbacks import call_each
from roomkit.voice.base import (
    AudioChunk,
    BargeInCallback,
    PartialTranscriptionCallback,
    SpeechEndCallback,
    SpeechStartCallback,
    VADAudioLevelCallback,
    VADSilenceCallback,
    VoiceCapability,
    VoiceSession,
)

__all__ = ["VoiceBackend"]

logger = logging.getLogger("roomkit.voice.backends")


class _CallbackList[C]:
    """A per-instance list of callbacks, created empty on first access.

    A non-data descriptor: once made, the list lives in the instance's ``__dict__`` under
    the same name, so later reads are plain attribute reads.
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    def __get__(self, instance: object | None, owner: type | None = None) -> list[C]:
        if instance is None:  # read on the class (introspection, autospec): nothing kept
            return []
        callbacks: list[C] = instance.__dict__.setdefault(self._name, [])
        return callbacks


class VoiceBackend(ABC):
    """Audio transport: sessions, speech detection callbacks and audio playback.

    The base keeps the registered callbacks in lists and offers ``_fire_*`` helpers
    that call them in registration order; a failing callback is logged and does not
    stop the others. Subclasses' ``on_speech_start``/``on_speech_end`` usually append to
    ``_speech_start_callbacks`` and ``_speech_end_callbacks``; each instance gets its
    own lists on first use, so subclasses need no particular ``__init__``.
    """

    _speech_start_callbacks: _CallbackList[SpeechStartCallback] = _CallbackList()
    _speech_end_callbacks: _CallbackList[SpeechEndCallback] = _CallbackList()
    _partial_transcription_callbacks: _CallbackList[PartialTranscriptionCallback] = _CallbackList()
    _vad_silence_callbacks: _CallbackList[VADSilenceCallback] = _CallbackList()
    _vad_audio_level_callbacks: _CallbackList[VADAudioLevelCallback] = _CallbackList()
    _barge_in_callbacks: _CallbackList[BargeInCallback] = _CallbackList()

    @property
    @abstractmethod
    def name(self) -> str:
        """Short backend name used in logs."""

    @property
    def capabilities(self) -> VoiceCapability:
        """Optional features this backend supports (none by default)."""
        return VoiceCapability.NONE

    @abstractmethod
    async def connect(
        self,
        room_id: str,
        participant_id: str,
        channel_id: str,
        *,
        metadata: dict[str, Any] | None = None,
    ) -> VoiceSession:
        """Open a voice session for a participant of a room."""

    @abstractmethod
    async def disconnect(self, session: VoiceSession) -> None:
        """End a voice session and release its connection."""

    @abstractmethod
    def on_speech_start(self, callback: SpeechStartCallback) -> None:
        """Register a callback for when a participant starts speaking."""

    @abstractmethod
    def on_speech_end(self, callback: SpeechEndCallback) -> None:
        """Register a callback for when a participant stops speaking (with the audio)."""

    @abstractmethod
    async def send_audio(
        self, session: VoiceSession, audio: bytes | AsyncIterator[AudioChunk]
    ) -> None:
        """Play raw audio, or a stream of chunks, to the session's participant."""

    async def send_transcription(
        self, session: VoiceSession, text: str, role: str = "user"
    ) -> None:
        """Show a transcript line to the participant, if the transport can (no-op default)."""
        return None

    async def cancel_audio(self, session: VoiceSession) -> bool:
        """Stop audio being played to the session; True if something was cancelled."""
        return False

    def is_playing(self, session: VoiceSession) -> bool:
        """Whether audio is being played to the session right now."""
        return False

    def on_partial_transcription(self, callback: PartialTranscriptionCallback) -> None:
        """Register a callback for interim transcriptions (``PARTIAL_STT``)."""
        self._partial_transcription_callbacks.append(callback)

    def on_vad_silence(self, callback: VADSilenceCallback) -> None:
        """Register a callback for silence after speech (``VAD_SILENCE``)."""
        self._vad_silence_callbacks.append(callback)

    def on_vad_audio_level(self, callback: VADAudioLevelCallback) -> None:
        """Register a callback for audio level reports (``VAD_AUDIO_LEVEL``)."""
        self._vad_audio_level_callbacks.append(callback)

    def on_barge_in(self, callback: BargeInCallback) -> None:
        """Register a callback for the user speaking over playback (``BARGE_IN``)."""
        self._barge_in_callbacks.append(callback)

    async def close(self) -> None:
        """Release everything the backend holds (nothing by default)."""
        return None

    async def _fire_speech_start(self, session: VoiceSession) -> None:
        """Call every speech-start callback."""
        await call_each(logger, "voice speech_start", self._speech_start_callbacks, session)

    async def _fire_speech_end(self, session: VoiceSession, audio: bytes) -> None:
        """Call every speech-end callback with the utterance's audio."""
        await call_each(logger, "voice speech_end", self._speech_end_callbacks, session, audio)

    async def _fire_partial_transcription(
        self, session: VoiceSession, text: str, confidence: float, is_stable: bool
    ) -> None:
        """Call every partial-transcription callback."""
        await call_each(
            logger,
            "voice partial_transcription",
            self._partial_transcription_callbacks,
            session,
            text,
            confidence,
            is_stable,
        )

    async def _fire_vad_silence(self, session: VoiceSession, silence_duration_ms: int) -> None:
        """Call every VAD-silence callback."""
        await call_each(
            logger, "voice vad_silence", self._vad_silence_callbacks, session, silence_duration_ms
        )

    async def _fire_vad_audio_level(
        self, session: VoiceSession, level_db: float, is_speech: bool
    ) -> None:
        """Call every audio-level callback."""
        await call_each(
            logger,
            "voice vad_audio_level",
            self._vad_audio_level_callbacks,
            session,
            level_db,
            is_speech,
        )

    async def _fire_barge_in(self, session: VoiceSession) -> None:
        """Call every barge-in callback."""
        await call_each(logger, "voice barge_in", self._barge_in_callbacks, session)
