"""Realtime voice events: what a provider or a transport reports during a session.

A :class:`~roomkit.voice.realtime.provider.RealtimeVoiceProvider` reports audio, the
participant starting and stopping to speak, transcripts, tool calls, the model's spoken
responses starting and ending, and errors; a
:class:`~roomkit.voice.realtime.transport.RealtimeAudioTransport` reports the client's
audio and its going away. Each kind of event reaches the coroutines registered for it,
with the session first; these are their signatures.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from roomkit.voice.realtime.base import RealtimeRole, RealtimeSession

__all__ = [
    "RealtimeAudioCallback",
    "RealtimeClientDisconnectedCallback",
    "RealtimeErrorCallback",
    "RealtimeResponseCallback",
    "RealtimeSpeechCallback",
    "RealtimeToolCallCallback",
    "RealtimeTranscriptionCallback",
]

RealtimeAudioCallback = Callable[[RealtimeSession, bytes], Awaitable[None]]
"""Called with ``(session, pcm16_bytes)`` for each slice of audio."""

RealtimeTranscriptionCallback = Callable[
    [RealtimeSession, str, RealtimeRole, bool], Awaitable[None]
]
"""Called with ``(session, text, role, is_final)`` for user and model transcripts."""

RealtimeSpeechCallback = Callable[[RealtimeSession], Awaitable[None]]
"""Called when the provider's VAD hears the participant start or stop speaking."""

RealtimeToolCallCallback = Callable[[RealtimeSession, str, str, dict[str, Any]], Awaitable[None]]
"""Called with ``(session, call_id, name, arguments)`` when the model calls a tool."""

RealtimeResponseCallback = Callable[[RealtimeSession], Awaitable[None]]
"""Called when the model starts or finishes a spoken response."""

RealtimeErrorCallback = Callable[[RealtimeSession, str, str], Awaitable[None]]
"""Called with ``(session, code, message)`` when the provider reports an error."""

RealtimeClientDisconnectedCallback = Callable[[RealtimeSession], Awaitable[None]]
"""Called when the participant's audio connection goes away."""
