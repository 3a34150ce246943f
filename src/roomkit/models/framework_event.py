"""Framework events: what the orchestrator reports to ``kit.on(...)`` handlers."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from roomkit.models._util import UTCDateTime, utcnow

__all__ = ["FrameworkEvent"]


class FrameworkEvent(BaseModel):
    """A notification about something the framework did (room created, delivery failed...)."""

    type: str
    room_id: str | None = None
    channel_id: str | None = None
    event_id: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)
    timestamp: UTCDateTime = Field(default_factory=utcnow)
