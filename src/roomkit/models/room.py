"""Rooms and their inactivity timers."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from roomkit.models._util import UTCDateTime, new_id, utcnow
from roomkit.models.enums import RoomStatus

__all__ = ["Room", "RoomTimers"]


class RoomTimers(BaseModel):
    """Inactivity thresholds after which a room is paused or closed."""

    inactive_after_seconds: float | None = Field(default=None, gt=0)
    closed_after_seconds: float | None = Field(default=None, gt=0)
    last_activity_at: UTCDateTime | None = None


class Room(BaseModel):
    """A conversation space shared by every channel attached to it."""

    id: str = Field(default_factory=new_id)
    organization_id: str | None = None
    status: RoomStatus = RoomStatus.ACTIVE
    created_at: UTCDateTime = Field(default_factory=utcnow)
    updated_at: UTCDateTime = Field(default_factory=utcnow)
    closed_at: UTCDateTime | None = None
    timers: RoomTimers = Field(default_factory=RoomTimers)
    metadata: dict[str, Any] = Field(default_factory=dict)
    event_count: int = Field(default=0, ge=0)
    latest_index: int = Field(default=-1, ge=-1)
    """Index of the newest stored event; ``-1`` while the room has none."""
