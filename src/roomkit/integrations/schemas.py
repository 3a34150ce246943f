"""Request and response bodies shared by the REST API (and its OpenAPI schema) and MCP."""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from roomkit.models.channel import ChannelBinding
from roomkit.models.content import EventContent, TextContent
from roomkit.models.enums import (
    Access,
    ChannelCategory,
    ChannelDirection,
    ChannelType,
    EventType,
    RoomStatus,
    TaskStatus,
)
from roomkit.models.event import RoomEvent
from roomkit.models.room import Room, RoomTimers
from roomkit.models.task import Observation, Task

__all__ = [
    "AttachChannelRequest",
    "BindingList",
    "ChannelInfo",
    "ChannelList",
    "CreateRoomRequest",
    "DetachResult",
    "ErrorBody",
    "ErrorDetail",
    "ObservationList",
    "RoomList",
    "RoomListQuery",
    "SendEventRequest",
    "TaskList",
    "TaskQuery",
    "TimelinePage",
    "TimelineQuery",
]

_ID_MAX = 200
_ROOM_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:@-]*$"
"""Ids a client may choose for a room: usable as one URL path segment."""
_MAX_OFFSET = 2**31 - 1


class ErrorDetail(BaseModel):
    """A machine-readable error code, a human message and optional field errors."""

    code: str
    message: str
    details: list[dict[str, Any]] = Field(default_factory=list)


class ErrorBody(BaseModel):
    """Every error response of the API."""

    error: ErrorDetail


# --- requests --------------------------------------------------------------------------


class CreateRoomRequest(BaseModel):
    """Body of ``POST /rooms``."""

    model_config = ConfigDict(extra="forbid")

    room_id: str | None = Field(
        default=None, min_length=1, max_length=_ID_MAX, pattern=_ROOM_ID_PATTERN
    )
    metadata: dict[str, Any] = Field(default_factory=dict)
    timers: RoomTimers | None = None


class SendEventRequest(BaseModel):
    """Body of ``POST /rooms/{room_id}/events``: either ``text`` or ``content``."""

    model_config = ConfigDict(extra="forbid")

    channel_id: str = Field(min_length=1, max_length=_ID_MAX)
    text: str | None = None
    content: EventContent | None = None
    type: EventType = EventType.MESSAGE

    @model_validator(mode="after")
    def _one_body(self) -> Self:
        if (self.text is None) == (self.content is None):
            raise ValueError("give exactly one of 'text' and 'content'")
        return self

    def event_content(self) -> EventContent:
        """The content to send (``text`` becomes a TextContent)."""
        if self.content is not None:
            return self.content
        return TextContent(body=self.text or "")


class AttachChannelRequest(BaseModel):
    """Body of ``POST /rooms/{room_id}/channels``."""

    model_config = ConfigDict(extra="forbid")

    channel_id: str = Field(min_length=1, max_length=_ID_MAX)
    channel_type: ChannelType | None = None
    category: ChannelCategory = ChannelCategory.TRANSPORT
    access: Access = Access.READ_WRITE
    visibility: str = Field(default="all", min_length=1, max_length=500)
    muted: bool = False
    participant_id: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class RoomListQuery(BaseModel):
    """Query of ``GET /rooms``."""

    status: RoomStatus | None = None
    organization_id: str | None = None
    offset: int = Field(default=0, ge=0, le=_MAX_OFFSET)
    limit: int = Field(default=50, ge=1, le=500)


class TimelineQuery(BaseModel):
    """Query of ``GET /rooms/{room_id}/timeline``."""

    offset: int = Field(default=0, ge=0, le=_MAX_OFFSET)
    limit: int = Field(default=50, ge=1, le=500)
    visibility: str | None = Field(default=None, min_length=1, max_length=500)


class TaskQuery(BaseModel):
    """Query of ``GET /rooms/{room_id}/tasks``."""

    status: TaskStatus | None = None


# --- responses -------------------------------------------------------------------------


class RoomList(BaseModel):
    """A page of rooms."""

    items: list[Room]
    offset: int
    limit: int


class TimelinePage(BaseModel):
    """A page of a room's timeline; ``total`` counts every event of the room."""

    items: list[RoomEvent]
    offset: int
    limit: int
    total: int


class BindingList(BaseModel):
    """The channels attached to a room."""

    items: list[ChannelBinding]


class DetachResult(BaseModel):
    """Outcome of ``DELETE /rooms/{room_id}/channels/{channel_id}``."""

    room_id: str
    channel_id: str
    detached: bool


class TaskList(BaseModel):
    """A room's tasks."""

    items: list[Task]


class ObservationList(BaseModel):
    """A room's observations."""

    items: list[Observation]


class ChannelInfo(BaseModel):
    """A channel registered with the kit."""

    channel_id: str
    channel_type: ChannelType
    category: ChannelCategory
    direction: ChannelDirection


class ChannelList(BaseModel):
    """Every channel registered with the kit."""

    items: list[ChannelInfo]
