"""Messages entering the framework and the outcome of sending them out."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from roomkit.models.content import EventContent
from roomkit.models.enums import EventStatus, EventType
from roomkit.models.event import RoomEvent

__all__ = [
    "DeliveryResult",
    "DeliveryStatus",
    "InboundMessage",
    "InboundResult",
    "ProviderResult",
]


class InboundMessage(BaseModel):
    """A message received on a channel, before it becomes a room event."""

    channel_id: str
    sender_id: str
    content: EventContent
    event_type: EventType = EventType.MESSAGE
    external_id: str | None = None
    thread_id: str | None = None
    idempotency_key: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class InboundResult(BaseModel):
    """What ``process_inbound`` did with a message."""

    event: RoomEvent | None = None
    blocked: bool = False
    reason: str | None = None
    duplicate: bool = False
    """True when the idempotency key had been seen: nothing new was stored."""


class ProviderResult(BaseModel):
    """What a vendor answered when asked to send something."""

    success: bool
    provider_message_id: str | None = None
    error: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class DeliveryResult(BaseModel):
    """Outcome of delivering one event to one channel (kept on the event)."""

    channel_id: str
    status: EventStatus
    provider_message_id: str | None = None
    error: str | None = None
    attempts: int = 1
    metadata: dict[str, Any] = Field(default_factory=dict)


class DeliveryStatus(BaseModel):
    """A vendor's status report for an outbound message (sent, delivered, failed...)."""

    provider: str
    message_id: str
    status: str
    recipient: str = ""
    sender: str = ""
    error_code: str | None = None
    error_message: str | None = None
    timestamp: str | None = None
    raw: dict[str, Any] = Field(default_factory=dict)
