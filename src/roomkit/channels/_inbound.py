"""Turning an inbound message into a room event, shared by every channel class."""

from __future__ import annotations

from roomkit.models._unvalidated import unvalidated
from roomkit.models.context import RoomContext
from roomkit.models.delivery import InboundMessage
from roomkit.models.enums import ChannelDirection, ChannelType
from roomkit.models.event import ChannelData, EventSource, RoomEvent

_new_event = unvalidated(RoomEvent)
_new_source = unvalidated(EventSource)
_new_channel_data = unvalidated(ChannelData)


def inbound_event(
    message: InboundMessage,
    context: RoomContext,
    *,
    channel_id: str,
    channel_type: ChannelType,
    provider: str | None = None,
) -> RoomEvent:
    """Build the room event for ``message`` received on ``channel_id`` in ``context.room``."""
    # The message was validated on its way in; what the channel passes is validated
    # unless its types are already exactly what validation would make of them.
    exact = (
        type(channel_id) is str
        and type(channel_type) is ChannelType
        and (provider is None or type(provider) is str)
    )
    source = (_new_source if exact else EventSource)(
        channel_id=channel_id,
        channel_type=channel_type,
        direction=ChannelDirection.INBOUND,
        participant_id=message.sender_id,
        external_id=message.external_id,
        provider=provider,
    )
    return _new_event(
        room_id=context.room.id,
        type=message.event_type,
        source=source,
        content=message.content,
        idempotency_key=message.idempotency_key,
        metadata=dict(message.metadata),
        channel_data=(_new_channel_data if exact else ChannelData)(
            provider=provider,
            external_id=message.external_id,
            thread_id=message.thread_id,
        ),
    )
