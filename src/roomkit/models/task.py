"""Side effects that outlive a message: follow-up tasks and observations."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from roomkit.models._util import UTCDateTime, new_id, utcnow
from roomkit.models.enums import TaskStatus

__all__ = ["Observation", "Task"]


class Task(BaseModel):
    """A work item for a human or a system, created by a hook or an intelligence channel."""

    id: str = Field(default_factory=new_id)
    room_id: str
    title: str
    description: str = ""
    assigned_to: str | None = None
    status: TaskStatus = TaskStatus.PENDING
    metadata: dict[str, Any] = Field(default_factory=dict)
    created_at: UTCDateTime = Field(default_factory=utcnow)
    updated_at: UTCDateTime = Field(default_factory=utcnow)


class Observation(BaseModel):
    """A finding about the conversation (sentiment, compliance flag, ...)."""

    id: str = Field(default_factory=new_id)
    room_id: str
    channel_id: str
    content: str
    category: str = "general"
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)
    metadata: dict[str, Any] = Field(default_factory=dict)
    created_at: UTCDateTime = Field(default_factory=utcnow)
