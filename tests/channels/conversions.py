"""Events and a counting converter for the tests of the AI channel's memo and history."""

from __future__ import annotations

from roomkit.models import (
    AIMessage,
    ChannelDirection,
    ChannelType,
    EventSource,
    RoomEvent,
    TextContent,
)

__all__ = ["Counting", "text_event"]


def text_event(room_id: str, body: str) -> RoomEvent:
    """A text message from a WebSocket user in ``room_id``."""
    return RoomEvent(
        room_id=room_id,
        source=EventSource(
            channel_id="ws", channel_type=ChannelType.WEBSOCKET, direction=ChannelDirection.INBOUND
        ),
        content=TextContent(body=body),
    )


class Counting:
    """Converts an event to a user message (``None`` when its body is empty), counting."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, item: RoomEvent) -> AIMessage | None:
        self.calls.append(item.id)
        body = getattr(item.content, "body", "")
        return AIMessage(role="user", content=body) if body else None
