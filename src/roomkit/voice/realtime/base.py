"""Types shared by the realtime (speech-to-speech) voice stack: the session and its state.

A realtime session joins one participant's audio connection (a
:class:`~roomkit.voice.realtime.transport.RealtimeAudioTransport`) to one live session
of a speech-to-speech model (a
:class:`~roomkit.voice.realtime.provider.RealtimeVoiceProvider`). The provider does its
own voice activity detection, so audio passes through RoomKit untouched. What either
side reports during a session is in :mod:`roomkit.voice.realtime.events`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from roomkit.models._util import new_id, utcnow

__all__ = ["RealtimeRole", "RealtimeSession", "RealtimeSessionState"]

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
