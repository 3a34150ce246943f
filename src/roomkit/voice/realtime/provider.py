"""The RealtimeVoiceProvider contract: a speech-to-speech model session.

A provider opens one live session per :class:`RealtimeSession` with a vendor's
speech-to-speech API (OpenAI Realtime, Gemini Live), streams the participant's audio to
it and reports what comes back through registered callbacks: the model's audio,
transcripts of both sides, speech boundaries from the vendor's own VAD, tool calls,
response boundaries and errors. Audio is 16-bit little-endian mono PCM both ways, at the
rates given to :meth:`RealtimeVoiceProvider.connect`.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

from roomkit.models.ai import AITool
from roomkit.voice._callbacks import call_each
from roomkit.voice.realtime.base import RealtimeRole, RealtimeSession
from roomkit.voice.realtime.events import (
    RealtimeAudioCallback,
    RealtimeErrorCallback,
    RealtimeResponseCallback,
    RealtimeSpeechCallback,
    RealtimeToolCallCallback,
    RealtimeTranscriptionCallback,
)

__all__ = ["RealtimeVoiceProvider"]

logger = logging.getLogger("roomkit.voice.realtime.provider")


class RealtimeVoiceProvider(ABC):
    """A speech-to-speech AI service: connect, stream audio, receive audio and events.

    The base keeps registered callbacks in lists and offers ``_fire_*`` helpers that
    call them in registration order; a failing callback is logged and does not stop the
    others. Subclasses must call ``super().__init__()``.

    A provider that loses a session for good (the vendor closed it and it cannot be
    resumed) sets ``session.state`` to ``ENDED`` and reports it through ``on_error``;
    the realtime voice channel then ends the session on its side.
    """

    def __init__(self) -> None:
        self._audio_callbacks: list[RealtimeAudioCallback] = []
        self._transcription_callbacks: list[RealtimeTranscriptionCallback] = []
        self._speech_start_callbacks: list[RealtimeSpeechCallback] = []
        self._speech_end_callbacks: list[RealtimeSpeechCallback] = []
        self._tool_call_callbacks: list[RealtimeToolCallCallback] = []
        self._response_start_callbacks: list[RealtimeResponseCallback] = []
        self._response_end_callbacks: list[RealtimeResponseCallback] = []
        self._error_callbacks: list[RealtimeErrorCallback] = []

    @property
    @abstractmethod
    def name(self) -> str:
        """Short provider name used in logs and event metadata."""

    @property
    def interrupts_on_speech(self) -> bool:
        """Whether the vendor cuts its own response when its VAD hears the participant.

        The provider-wide answer, for a session opened with the defaults; the channel
        asks :meth:`interrupts_on_speech_for` of each session. False by default.
        """
        return False

    def interrupts_on_speech_for(self, session: RealtimeSession) -> bool:
        """Whether the vendor cuts its own response in ``session`` when the participant talks.

        When true, the realtime voice channel does not call :meth:`interrupt` on a
        barge-in (it still clears the audio queued for the client), so the provider
        does the local side of the cut itself. Vendors decide it per session (server
        VAD on or off, per-session options): override this to answer from the
        session's settings. By default it is :attr:`interrupts_on_speech`.
        """
        return self.interrupts_on_speech

    @abstractmethod
    async def connect(
        self,
        session: RealtimeSession,
        *,
        system_prompt: str | None = None,
        voice: str | None = None,
        tools: Sequence[AITool] | None = None,
        temperature: float | None = None,
        input_sample_rate: int = 16000,
        output_sample_rate: int = 24000,
        server_vad: bool = True,
        provider_config: dict[str, Any] | None = None,
    ) -> None:
        """Open the vendor session for ``session`` and configure it; returns once it is live."""

    @abstractmethod
    async def send_audio(self, session: RealtimeSession, audio: bytes) -> None:
        """Stream a slice of the participant's PCM16 audio to the model."""

    @abstractmethod
    async def inject_text(
        self, session: RealtimeSession, text: str, *, role: RealtimeRole = "user"
    ) -> None:
        """Add a text turn to the conversation (e.g. a message from another channel)."""

    @abstractmethod
    async def submit_tool_result(
        self, session: RealtimeSession, call_id: str, result: str
    ) -> None:
        """Answer a tool call the model made; the model then continues speaking."""

    @abstractmethod
    async def interrupt(self, session: RealtimeSession) -> None:
        """Stop the model's current response (the participant talked over it)."""

    @abstractmethod
    async def disconnect(self, session: RealtimeSession) -> None:
        """Close the vendor session; no callbacks fire for it afterwards."""

    async def close(self) -> None:
        """Release everything the provider holds (nothing by default)."""
        return None

    def on_audio(self, callback: RealtimeAudioCallback) -> None:
        """Register a callback for audio produced by the model."""
        self._audio_callbacks.append(callback)

    def on_transcription(self, callback: RealtimeTranscriptionCallback) -> None:
        """Register a callback for transcripts (``role`` tells whose speech it was)."""
        self._transcription_callbacks.append(callback)

    def on_speech_start(self, callback: RealtimeSpeechCallback) -> None:
        """Register a callback for the vendor's VAD hearing the participant start."""
        self._speech_start_callbacks.append(callback)

    def on_speech_end(self, callback: RealtimeSpeechCallback) -> None:
        """Register a callback for the vendor's VAD hearing the participant stop."""
        self._speech_end_callbacks.append(callback)

    def on_tool_call(self, callback: RealtimeToolCallCallback) -> None:
        """Register a callback for tool calls made by the model."""
        self._tool_call_callbacks.append(callback)

    def on_response_start(self, callback: RealtimeResponseCallback) -> None:
        """Register a callback for the model starting a response."""
        self._response_start_callbacks.append(callback)

    def on_response_end(self, callback: RealtimeResponseCallback) -> None:
        """Register a callback for the model finishing (or abandoning) a response."""
        self._response_end_callbacks.append(callback)

    def on_error(self, callback: RealtimeErrorCallback) -> None:
        """Register a callback for errors reported by the vendor."""
        self._error_callbacks.append(callback)

    async def _fire_audio(self, session: RealtimeSession, audio: bytes) -> None:
        """Call every audio callback."""
        await call_each(logger, "realtime audio", self._audio_callbacks, session, audio)

    async def _fire_transcription(
        self, session: RealtimeSession, text: str, role: RealtimeRole, is_final: bool
    ) -> None:
        """Call every transcription callback."""
        await call_each(
            logger,
            "realtime transcription",
            self._transcription_callbacks,
            session,
            text,
            role,
            is_final,
        )

    async def _fire_speech_start(self, session: RealtimeSession) -> None:
        """Call every speech-start callback."""
        await call_each(logger, "realtime speech_start", self._speech_start_callbacks, session)

    async def _fire_speech_end(self, session: RealtimeSession) -> None:
        """Call every speech-end callback."""
        await call_each(logger, "realtime speech_end", self._speech_end_callbacks, session)

    async def _fire_tool_call(
        self, session: RealtimeSession, call_id: str, name: str, arguments: dict[str, Any]
    ) -> None:
        """Call every tool-call callback."""
        await call_each(
            logger,
            "realtime tool_call",
            self._tool_call_callbacks,
            session,
            call_id,
            name,
            arguments,
        )

    async def _fire_response_start(self, session: RealtimeSession) -> None:
        """Call every response-start callback."""
        await call_each(logger, "realtime response_start", self._response_start_callbacks, session)

    async def _fire_response_end(self, session: RealtimeSession) -> None:
        """Call every response-end callback."""
        await call_each(logger, "realtime response_end", self._response_end_callbacks, session)

    async def _fire_error(self, session: RealtimeSession, code: str, message: str) -> None:
        """Call every error callback."""
        await call_each(logger, "realtime error", self._error_callbacks, session, code, message)
