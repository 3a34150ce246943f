"""Deciding which room an inbound message belongs to."""

from __future__ import annotations

from abc import ABC, abstractmethod

from roomkit.models.enums import ChannelType, RoomStatus
from roomkit.store.base import ConversationStore

__all__ = ["DefaultInboundRoomRouter", "InboundRoomRouter"]

_OPEN = (RoomStatus.ACTIVE, RoomStatus.PAUSED)


class InboundRoomRouter(ABC):
    """Chooses the room for an inbound message; ``None`` means "create a new room"."""

    @abstractmethod
    async def route(
        self, channel_id: str, channel_type: ChannelType, participant_id: str | None = None
    ) -> str | None:
        """Return the id of the room the message goes to, or ``None`` for a new room."""


class DefaultInboundRoomRouter(InboundRoomRouter):
    """Routes to the sender's latest open room on this channel type, else the channel's room.

    1. The sender's newest room reached through a channel of the same type, if that room
       is active or paused. A closed newest room is not passed over for an older open
       one: the sender's latest conversation ended, so the next message starts afresh.
    2. Otherwise the room the channel was last attached to, if that room is open and its
       binding is not dedicated to another participant (a shared WebSocket or HTTP
       channel, say).
    3. Otherwise ``None``: the framework creates a room. Closed rooms are never reused.
    """

    def __init__(self, store: ConversationStore) -> None:
        self._store = store

    async def route(
        self, channel_id: str, channel_type: ChannelType, participant_id: str | None = None
    ) -> str | None:
        """Return the room for a message from ``participant_id`` on ``channel_id``."""
        if participant_id is not None:
            latest = await self._store._latest_room_status(participant_id, channel_type)
            if latest is not None and latest[1] in _OPEN:
                return latest[0]
        room_id = await self._store.find_room_id_by_channel(channel_id)
        if room_id is None:
            return None
        room = await self._store.get_room(room_id)
        if room is None or room.status not in _OPEN:
            return None
        binding = await self._store.get_binding(room_id, channel_id)
        if binding is None:
            return None
        if binding.participant_id not in (None, participant_id):
            return None
        return room_id
