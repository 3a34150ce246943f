"""The Channel contract: how a medium turns messages into events and events into sends."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from roomkit.models.channel import ChannelBinding, ChannelCapabilities, ChannelOutput
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
from roomkit.models.context import RoomContext
from roomkit.models.delivery import InboundMessage
from roomkit.models.enums import ChannelCategory, ChannelDirection, ChannelType
from roomkit.models.event import RoomEvent

__all__ = ["Channel", "content_text"]


class Channel(ABC):
    """A medium attached to rooms: SMS, email, WebSocket, an AI, a voice line...

    Transport channels carry messages to people (``deliver``); intelligence channels
    react to events and may answer (``on_event``).
    """

    # Class-level defaults; a data-driven channel may set them per instance.
    channel_type: ChannelType = ChannelType.WEBHOOK
    category: ChannelCategory = ChannelCategory.TRANSPORT
    direction: ChannelDirection = ChannelDirection.BIDIRECTIONAL

    def __init__(self, channel_id: str) -> None:
        if not channel_id:
            raise ValueError("channel_id must be a non-empty string")
        self.channel_id = channel_id

    @property
    def info(self) -> dict[str, Any]:
        """Describe this channel instance (type, category, direction)."""
        return {
            "channel_id": self.channel_id,
            "channel_type": str(self.channel_type),
            "category": str(self.category),
            "direction": str(self.direction),
        }

    @abstractmethod
    async def handle_inbound(self, message: InboundMessage, context: RoomContext) -> RoomEvent:
        """Convert an inbound message into a room event."""

    @abstractmethod
    async def deliver(
        self, event: RoomEvent, binding: ChannelBinding, context: RoomContext
    ) -> ChannelOutput:
        """Push an event to the people or system behind this channel."""

    async def on_event(
        self, event: RoomEvent, binding: ChannelBinding, context: RoomContext
    ) -> ChannelOutput:
        """React to an event of the room (transport channels do nothing by default)."""
        return ChannelOutput.empty()

    def capabilities(self) -> ChannelCapabilities:
        """Declare what this channel can carry."""
        return ChannelCapabilities()

    def binding_metadata_for(self, message: InboundMessage) -> dict[str, Any]:
        """Binding metadata for a room auto-created by a message from this channel."""
        return {}

    async def close(self) -> None:
        """Release what the channel holds (its provider, connections)."""
        return None

    @staticmethod
    def extract_text(event: RoomEvent) -> str:
        """Return the readable text of an event's content (empty if it has none)."""
        return content_text(event.content)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.channel_id!r})"


def content_text(content: EventContent) -> str:
    """Return the human-readable text carried by any content type."""
    match content:
        case TextContent(body=body) | SystemContent(body=body):
            return body
        case RichContent():
            return content.plain_text if content.plain_text is not None else content.body
        case MediaContent():
            return content.caption or ""
        case AudioContent():
            return content.transcript or ""
        case LocationContent():
            return content.label or content.address or ""
        case TemplateContent():
            return content.body or ""
        case CompositeContent():
            texts = (content_text(part) for part in content.parts)
            return "\n".join(t for t in texts if t)
        case VideoContent():
            return ""
    return ""  # pragma: no cover - the union is exhaustive
