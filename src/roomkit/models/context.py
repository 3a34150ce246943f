"""The view of a room handed to channels and hooks while an event is processed."""

from __future__ import annotations

from pydantic import BaseModel, Field

from roomkit.models.channel import ChannelBinding
from roomkit.models.enums import ChannelCategory, ChannelType
from roomkit.models.event import RoomEvent
from roomkit.models.identity import Identity
from roomkit.models.participant import Participant
from roomkit.models.room import Room

__all__ = ["RoomContext"]


class RoomContext(BaseModel):
    """A room with its bindings, participants and latest events."""

    room: Room
    bindings: list[ChannelBinding] = Field(default_factory=list)
    participants: list[Participant] = Field(default_factory=list)
    recent_events: list[RoomEvent] = Field(default_factory=list)
    """The newest events of the room, oldest first."""
    identity: Identity | None = None

    def get_binding(self, channel_id: str) -> ChannelBinding | None:
        """Return the binding of ``channel_id`` in this room, if attached."""
        for binding in self.bindings:
            if binding.channel_id == channel_id:
                return binding
        return None

    def other_channels(self, exclude_channel_id: str) -> list[ChannelBinding]:
        """Return every binding except the one of ``exclude_channel_id``."""
        return [b for b in self.bindings if b.channel_id != exclude_channel_id]

    def channels_by_type(self, channel_type: ChannelType) -> list[ChannelBinding]:
        """Return the bindings of channels of the given type."""
        return [b for b in self.bindings if b.channel_type == channel_type]

    def channels_by_category(self, category: ChannelCategory) -> list[ChannelBinding]:
        """Return the bindings of the given category (transport or intelligence)."""
        return [b for b in self.bindings if b.category == category]
