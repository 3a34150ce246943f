"""AI channel: an intelligence channel that answers room messages through an AIProvider."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from roomkit.channels._inbound import inbound_event
from roomkit.channels.base import Channel, content_text
from roomkit.errors import ConfigurationError
from roomkit.models.ai import AIContext, AIImagePart, AIMessage, AIMessagePart, AITextPart, AITool
from roomkit.models.channel import ChannelBinding, ChannelCapabilities, ChannelOutput
from roomkit.models.content import CompositeContent, EventContent, MediaContent, TextContent
from roomkit.models.context import RoomContext
from roomkit.models.delivery import InboundMessage
from roomkit.models.enums import (
    ChannelCategory,
    ChannelDirection,
    ChannelMediaType,
    ChannelType,
    EventStatus,
    EventType,
)
from roomkit.models.event import EventSource, RoomEvent
from roomkit.providers.ai.base import AIProvider

__all__ = ["AIChannel"]

logger = logging.getLogger("roomkit.channels.ai")

_MESSAGE_CACHE_SIZE = 10_000
"""How many converted history messages an AI channel remembers (across its rooms)."""


class AIChannel(Channel):
    """Answers the messages of a room with a language model.

    The conversation handed to the model is the newest ``max_context_events`` messages
    of the room, oldest first. ``system_prompt``, ``temperature``, ``max_tokens`` and
    ``tools`` can be overridden per room through the binding metadata.
    """

    channel_type = ChannelType.AI
    category = ChannelCategory.INTELLIGENCE

    def __init__(
        self,
        channel_id: str,
        *,
        provider: AIProvider,
        system_prompt: str | None = None,
        temperature: float = 0.7,
        max_tokens: int = 1024,
        max_context_events: int = 50,
    ) -> None:
        super().__init__(channel_id)
        if max_context_events < 1:
            raise ConfigurationError("max_context_events must be at least 1")
        self.provider = provider
        self.system_prompt = system_prompt
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.max_context_events = max_context_events
        self._messages: dict[str, AIMessage | None] = {}

    @property
    def info(self) -> dict[str, Any]:
        """Describe this channel, its provider and model."""
        return {
            **super().info,
            "provider": self.provider.name,
            "model": self.provider.model_name,
        }

    def capabilities(self) -> ChannelCapabilities:
        """Text, plus media when the provider understands images."""
        if self.provider.supports_vision:
            return ChannelCapabilities(
                media_types=[ChannelMediaType.TEXT, ChannelMediaType.MEDIA],
                supports_media=True,
            )
        return ChannelCapabilities(media_types=[ChannelMediaType.TEXT])

    async def handle_inbound(self, message: InboundMessage, context: RoomContext) -> RoomEvent:
        """Build the room event for a message injected on this channel."""
        return inbound_event(
            message,
            context,
            channel_id=self.channel_id,
            channel_type=self.channel_type,
            provider=self.provider.name,
        )

    async def deliver(
        self, event: RoomEvent, binding: ChannelBinding, context: RoomContext
    ) -> ChannelOutput:
        """Nothing to push: an AI channel reacts in :meth:`on_event` instead."""
        return ChannelOutput.empty()

    async def on_event(
        self, event: RoomEvent, binding: ChannelBinding, context: RoomContext
    ) -> ChannelOutput:
        """Ask the provider for a reply to ``event`` and return it as a response event."""
        if event.source.channel_id == self.channel_id or event.type is not EventType.MESSAGE:
            return ChannelOutput.empty()
        if self._to_message(event) is None:
            logger.debug("Event %s has nothing the model can read; not answering", event.id)
            return ChannelOutput.empty()
        ai_context = self.build_context(event, binding, context)
        logger.debug(
            "Generating a reply in room %s from %d messages",
            context.room.id,
            len(ai_context.messages),
        )
        response = await self.provider.generate(ai_context)
        if not response.content.strip():
            return ChannelOutput(tasks=response.tasks, observations=response.observations)
        metadata: dict[str, Any] = {}
        if response.tool_calls:
            metadata["tool_calls"] = [call.model_dump() for call in response.tool_calls]
        reply = RoomEvent(
            room_id=context.room.id,
            source=EventSource(
                channel_id=self.channel_id,
                channel_type=ChannelType.AI,
                direction=ChannelDirection.OUTBOUND,
                provider=self.provider.name,
            ),
            content=TextContent(body=response.content),
            chain_depth=event.chain_depth + 1,
            parent_event_id=event.id,
            correlation_id=event.correlation_id or event.id,
            metadata=metadata,
        )
        return ChannelOutput(
            response_events=[reply], tasks=response.tasks, observations=response.observations
        )

    async def close(self) -> None:
        """Close the AI provider."""
        await self.provider.close()

    def build_context(
        self, event: RoomEvent, binding: ChannelBinding, context: RoomContext
    ) -> AIContext:
        """Build the model request for ``event`` from the room's latest messages."""
        settings = binding.metadata
        messages = self._history(event, context.recent_events)
        return AIContext(
            messages=messages,
            system_prompt=settings.get("system_prompt", self.system_prompt),
            temperature=settings.get("temperature", self.temperature),
            max_tokens=settings.get("max_tokens", self.max_tokens),
            tools=_parse_tools(settings.get("tools", [])),
            room=context,
        )

    def _history(self, event: RoomEvent, recent: list[RoomEvent]) -> list[AIMessage]:
        """The newest readable messages (oldest first), ending with ``event``."""
        limit = self.max_context_events
        newest_first: list[AIMessage] = []
        trigger = self._to_message(event)
        if trigger is not None:
            newest_first.append(trigger)
        for item in reversed(recent):
            if len(newest_first) >= limit:
                break
            if item.id == event.id:
                continue
            message = self._cached_message(item)
            if message is not None:
                newest_first.append(message)
        newest_first.reverse()
        return newest_first

    def _cached_message(self, item: RoomEvent) -> AIMessage | None:
        """Convert a stored event, remembering the result (stored events do not change)."""
        cache = self._messages
        try:
            return cache[item.id]
        except KeyError:
            pass
        message = cache[item.id] = self._to_message(item)
        if len(cache) > _MESSAGE_CACHE_SIZE:  # forget the oldest conversions first
            del cache[next(iter(cache))]
        return message

    def _to_message(self, item: RoomEvent) -> AIMessage | None:
        if item.type is not EventType.MESSAGE or item.status is EventStatus.BLOCKED:
            return None
        body = _message_body(item.content, vision=self.provider.supports_vision)
        if not body:
            return None
        if item.source.channel_id == self.channel_id:
            return AIMessage(role="assistant", content=body)
        return AIMessage(role="user", content=body)


def _message_body(content: EventContent, *, vision: bool) -> str | list[AIMessagePart]:
    """Return plain text, or text and image parts when the model can see images."""
    text = content_text(content)
    images = list(_images(content)) if vision else []
    if not images:
        return text
    parts: list[AIMessagePart] = [AITextPart(text=text)] if text else []
    parts.extend(AIImagePart(url=m.url, mime_type=m.mime_type) for m in images)
    return parts


def _images(content: EventContent) -> Iterable[MediaContent]:
    if isinstance(content, MediaContent) and content.mime_type.startswith("image/"):
        yield content
    elif isinstance(content, CompositeContent):
        for part in content.parts:
            yield from _images(part)


def _parse_tools(raw: Any) -> list[AITool]:
    if not isinstance(raw, list):
        raise ConfigurationError("binding metadata 'tools' must be a list of tool definitions")
    return [tool if isinstance(tool, AITool) else AITool.model_validate(tool) for tool in raw]
