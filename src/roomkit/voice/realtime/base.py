"""Types shared by the realtime (speech-to-speech) voice stack: sessions and callbacks.

A realtime session joins one participant's audio connection (a
:class:`~roomkit.voice.realtime.transport.RealtimeAudioTransport`) to one live session
of a speech-to-speech model (a
:class:`~roomkit.voice.realtime.provider.RealtimeVoiceProvider`). The provider does its
own voice activity detection, so audio passes through RoomKit untouched.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from roomkit.models._util import new_id, utcnow

__all__ = [
    "RealtimeAudioCallback",
    "RealtimeClientDisconnectedCallback",
    "RealtimeErrorCallback",
    "RealtimeResponseCallback",
    "RealtimeRole",
    "RealtimeSession",
    "RealtimeSessionState",
    "RealtimeSpeechCallback",
    "RealtimeToolCallCallback",
    "RealtimeTranscriptionCallback",
]

RealtimeRole = Literal["user", "assistant"]
"""Who said a transcribed line: the participant or the model."""


class RealtimeSessionState(StrEnum):
    """Lifecycle of a realtime voice session."""

    CONNECTING = "connecting"
    ACTIVE = "active"
    ENDED = "ended"


@dataclass
class RealtimeSession:
    """One participant talking with a speech-to-speech model inside a room."""

    room_id: str
    participant_id: str
    channel_id: str
    id: str = field(default_factory=new_id)
    state: RealtimeSessionState = RealtimeSessionState.CONNECTING
    provider_session_id: str | None = None
    created_at: datetime = field(default_factory=utcnow)
    metadata: dict[str, Any] = field(default_factory=dict)


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
