"""Ephemeral events (typing, presence, read receipts) and the backend that carries them.

Ephemeral events are never stored in a room timeline: a :class:`RealtimeBackend` fans
them out to whoever subscribed to a channel name, by default ``"room:{room_id}"``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from enum import StrEnum, unique
from typing import Any

from pydantic import BaseModel, Field

from roomkit.models._util import UTCDateTime, new_id, utcnow

__all__ = [
    "EphemeralCallback",
    "EphemeralEvent",
    "EphemeralEventType",
    "RealtimeBackend",
]


@unique
class EphemeralEventType(StrEnum):
    """Kind of ephemeral event."""

    TYPING_START = "typing_start"
    TYPING_STOP = "typing_stop"
    PRESENCE_ONLINE = "presence_online"
    PRESENCE_AWAY = "presence_away"
    PRESENCE_OFFLINE = "presence_offline"
    READ_RECEIPT = "read_receipt"
    CUSTOM = "custom"


class EphemeralEvent(BaseModel):
    """A transient signal about a user in a room; never persisted."""

    id: str = Field(default_factory=new_id)
    room_id: str
    type: EphemeralEventType
    user_id: str
    channel_id: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)
    timestamp: UTCDateTime = Field(default_factory=utcnow)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict (enum as its value, timestamp as ISO 8601)."""
        return self.model_dump(mode="json")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EphemeralEvent:
        """Rebuild an event from the output of :meth:`to_dict`."""
        return cls.model_validate(data)


EphemeralCallback = Callable[[EphemeralEvent], Awaitable[None]]
"""An async function called with each ephemeral event of a subscription."""


class RealtimeBackend(ABC):
    """Publish/subscribe transport for ephemeral events.

    Subscribers receive each event as its JSON form carries it (``to_dict``, then
    ``from_dict``), never the publisher's object. A subscription receives the events
    published after ``subscribe`` returned, and none published before it was called.
    Once closed, a backend refuses ``publish`` and ``subscribe`` with ``RuntimeError``.
    """

    @abstractmethod
    async def publish(self, channel: str, event: EphemeralEvent) -> None:
        """Send ``event`` to every subscriber of ``channel``."""

    @abstractmethod
    async def subscribe(self, channel: str, callback: EphemeralCallback) -> str:
        """Call ``callback`` for each event published on ``channel`` from now on; return its id."""

    @abstractmethod
    async def unsubscribe(self, subscription_id: str) -> bool:
        """Stop a subscription; return False if the id was unknown."""

    @abstractmethod
    async def close(self) -> None:
        """End every subscription and release the backend's resources."""

    def room_channel(self, room_id: str) -> str:
        """Return the channel name that carries the ephemeral events of ``room_id``."""
        return f"room:{room_id}"

    async def publish_to_room(self, room_id: str, event: EphemeralEvent) -> None:
        """Publish ``event`` on the channel of ``room_id``."""
        await self.publish(self.room_channel(room_id), event)

    async def subscribe_to_room(self, room_id: str, callback: EphemeralCallback) -> str:
        """Subscribe ``callback`` to the ephemeral events of ``room_id``."""
        return await self.subscribe(self.room_channel(room_id), callback)
