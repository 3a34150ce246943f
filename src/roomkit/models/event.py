"""Room events: the unit stored in a room's timeline and broadcast to its channels."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from roomkit.models._util import UTCDateTime, new_id, utcnow
from roomkit.models.content import (
    AudioContent,
    CompositeContent,
    EventContent,
    LocationContent,
    MediaContent,
    RichContent,
    SystemContent,
    TemplateContent,
    TextContent,
    VideoContent,
)
from roomkit.models.enums import ChannelDirection, ChannelType, EventStatus, EventType

__all__ = [
    "AudioContent",
    "ChannelData",
    "CompositeContent",
    "EventContent",
    "EventSource",
    "LocationContent",
    "MediaContent",
    "RichContent",
    "RoomEvent",
    "SystemContent",
    "TemplateContent",
    "TextContent",
    "VideoContent",
]


class EventSource(BaseModel):
    """Where an event came from: the channel, its direction and the vendor payload."""

    channel_id: str
    channel_type: ChannelType
    direction: ChannelDirection = ChannelDirection.INBOUND
    participant_id: str | None = None
    external_id: str | None = None
    provider: str | None = None
    raw_payload: dict[str, Any] = Field(default_factory=dict)


class ChannelData(BaseModel):
    """Channel-specific details that do not fit the normalised content."""

    provider: str | None = None
    external_id: str | None = None
    thread_id: str | None = None
    reply_to_id: str | None = None
    extra: dict[str, Any] = Field(default_factory=dict)


class RoomEvent(BaseModel):
    """One entry of a room's timeline."""

    id: str = Field(default_factory=new_id)
    room_id: str
    type: EventType = EventType.MESSAGE
    source: EventSource
    content: EventContent
    status: EventStatus = EventStatus.PENDING
    blocked_by: str | None = None
    visibility: str = "all"
    index: int = 0
    chain_depth: int = Field(default=0, ge=0)
    parent_event_id: str | None = None
    correlation_id: str | None = None
    idempotency_key: str | None = None
    created_at: UTCDateTime = Field(default_factory=utcnow)
    metadata: dict[str, Any] = Field(default_factory=dict)
    channel_data: ChannelData = Field(default_factory=ChannelData)
    delivery_results: dict[str, Any] = Field(default_factory=dict)
