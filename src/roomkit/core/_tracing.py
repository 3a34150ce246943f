"""Span helpers for the event router: what describes a delivery or a channel's reaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from roomkit.models.enums import EventStatus
from roomkit.telemetry import SpanHandle, Telemetry

if TYPE_CHECKING:
    from roomkit.channels.base import Channel
    from roomkit.core.event_router import BroadcastResult
    from roomkit.models.channel import ChannelBinding, ChannelOutput
    from roomkit.models.context import RoomContext
    from roomkit.models.event import RoomEvent

__all__ = ["describe_delivery", "span_attributes", "traced_on_event"]


def span_attributes(
    event: RoomEvent, binding: ChannelBinding, channel: Channel
) -> dict[str, str | int]:
    """Identify the event and the channel a span is about (never the content)."""
    return {
        "roomkit.room_id": event.room_id,
        "roomkit.event_id": event.id,
        "roomkit.channel_id": binding.channel_id,
        "roomkit.channel_type": str(channel.channel_type),
    }


def describe_delivery(span: SpanHandle, cid: str, result: BroadcastResult) -> None:
    """Put a delivery's status and attempts on its span; mark a failure as an error."""
    delivery = result.delivery_results[cid]
    span.set_attribute("roomkit.delivery.status", str(delivery.status))
    span.set_attribute("roomkit.delivery.attempts", delivery.attempts)
    if delivery.status == EventStatus.FAILED:
        error = result.errors.get(cid)
        span.set_error(type(error).__name__ if error is not None else delivery.error or "failed")


async def traced_on_event(
    telemetry: Telemetry,
    event: RoomEvent,
    binding: ChannelBinding,
    channel: Channel,
    context: RoomContext,
) -> ChannelOutput:
    """Run an intelligence channel's ``on_event`` inside a ``roomkit.channel.on_event`` span."""
    attributes = span_attributes(event, binding, channel)
    with telemetry.span("roomkit.channel.on_event", attributes) as span:
        output = await channel.on_event(event, binding, context)
        span.set_attribute("roomkit.response_events", len(output.response_events))
        return output
