"""Turning an inbound message into a room event, shared by every channel class."""

from __future__ import annotations

from roomkit.models.context import RoomContext
from roomkit.models.delivery import InboundMessage
from roomkit.models.enums import ChannelDirection, ChannelType
from roomkit.models.event import ChannelData, EventSource, RoomEvent


def inbound_event(
    message: InboundMessage,
    context: RoomContext,
    *,
    channel_id: str,
    channel_type: ChannelType,
    provider: str | None = None,
) -> RoomEvent:
    """Build the room event for ``message`` received on ``channel_id`` in ``context.room``."""
    source = EventSource(
        channel_id=channel_id,
        channel_type=channel_type,
        direction=ChannelDirection.INBOUND,
        participant_id=message.sender_id,
        external_id=message.external_id,
        provider=provider,
    )
    return RoomEvent(
        room_id=context.room.id,
        type=message.event_type,
        source=source,
        content=message.content,
        idempotency_key=message.idempotency_key,
        metadata=dict(message.metadata),
        channel_data=ChannelData(
            provider=provider,
            external_id=message.external_id,
            thread_id=message.thread_id,
        ),
    )
