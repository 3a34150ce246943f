"""Turning an inbound message into a room event, shared by every channel class.

The message was validated on its way in, so its event is built without validating it
again. What a channel passes of its own (its id and type, its provider's name) is
validated unless its types are already exactly what validation would make of them.
"""

from __future__ import annotations

from typing import Any

from roomkit.models._unvalidated import unvalidated
from roomkit.models.context import RoomContext
from roomkit.models.delivery import InboundMessage
from roomkit.models.enums import ChannelDirection, ChannelType
from roomkit.models.event import ChannelData, EventSource, RoomEvent

__all__ = ["channel_source", "inbound_event", "new_event"]

new_event = unvalidated(RoomEvent)
"""Build a room event from values already valid (see :mod:`roomkit.models._unvalidated`)."""

_new_source = unvalidated(EventSource)
_new_channel_data = unvalidated(ChannelData)


def _exact(channel_id: str, channel_type: ChannelType, provider: str | None) -> bool:
    """Whether a channel's own values are exactly what validation would make of them."""
    return (
        type(channel_id) is str
        and type(channel_type) is ChannelType
        and (provider is None or type(provider) is str)
    )


def channel_source(
    channel_id: str,
    channel_type: ChannelType,
    direction: ChannelDirection,
    **fields: Any,
) -> EventSource:
    """The source of an event a channel makes, validated only if the channel's own values
    need it; the other ``fields`` of :class:`EventSource` must already be valid."""
    exact = _exact(channel_id, channel_type, fields.get("provider"))
    return (_new_source if exact else EventSource)(
        channel_id=channel_id, channel_type=channel_type, direction=direction, **fields
    )


def inbound_event(
    message: InboundMessage,
    context: RoomContext,
    *,
    channel_id: str,
    channel_type: ChannelType,
    provider: str | None = None,
) -> RoomEvent:
    """Build the room event for ``message`` received on ``channel_id`` in ``context.room``."""
    source = channel_source(
        channel_id,
        channel_type,
        ChannelDirection.INBOUND,
        provider=provider,
        participant_id=message.sender_id,
        external_id=message.external_id,
    )
    return new_event(
        room_id=context.room.id,
        type=message.event_type,
        source=source,
        content=message.content,
        idempotency_key=message.idempotency_key,
        metadata=dict(message.metadata),
        channel_data=(
            _new_channel_data if provider is None or type(provider) is str else ChannelData
        )(
            provider=provider,
            external_id=message.external_id,
            thread_id=message.thread_id,
        ),
    )
