"""AI channel: an intelligence channel that answers room messages through an AIProvider."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from roomkit.channels._ai_history import History
from roomkit.channels._ai_memo import MessageMemo
from roomkit.channels._ai_targets import target_capabilities
from roomkit.channels._ai_tools import ToolHandler, run_tools, tool_messages
from roomkit.channels._inbound import channel_source, inbound_event, new_event
from roomkit.channels.base import Channel, content_text
from roomkit.core.retry import retry_with_backoff_counted
from roomkit.errors import ConfigurationError, ProviderError
from roomkit.models._unvalidated import unvalidated
from roomkit.models.ai import (
    AIContext,
    AIImagePart,
    AIMessage,
    AIMessagePart,
    AIResponse,
    AITextPart,
    AITool,
)
from roomkit.models.channel import (
    ChannelBinding,
    ChannelCapabilities,
    ChannelOutput,
    RetryPolicy,
)
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
from roomkit.models.event import RoomEvent
from roomkit.models.task import Observation, Task
from roomkit.providers.ai.base import AIProvider
from roomkit.telemetry import Telemetry

__all__ = ["DEFAULT_AI_RETRY_POLICY", "AIChannel", "ToolHandler"]

logger = logging.getLogger("roomkit.channels.ai")

_new_text = unvalidated(TextContent)
_new_message = unvalidated(AIMessage)
_new_output = unvalidated(ChannelOutput)

_MESSAGE_CACHE_SIZE = 10_000
"""How many converted history messages an AI channel remembers (across its rooms)."""
_MIN_MESSAGES_PER_ROOM = 64
"""Conversions kept per room at least (twice ``max_context_events`` when that is more)."""

DEFAULT_AI_RETRY_POLICY = RetryPolicy(
    max_retries=2, base_delay_seconds=0.5, max_delay_seconds=4.0, jitter=0.1
)
"""Retries of transient provider failures (rate limits, overload, timeouts)."""


def _transient(exc: BaseException) -> bool:
    return isinstance(exc, ProviderError) and exc.retryable


@dataclass
class _Conversation:
    """The outcome of one turn: the final response plus what the tool rounds produced."""

    response: AIResponse
    rounds: list[dict[str, Any]] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)


class AIChannel(Channel):
    """Answers the messages of a room with a language model.

    The conversation handed to the model is the newest ``max_context_events`` messages
    of the room, oldest first. ``system_prompt``, ``temperature``, ``max_tokens`` and
    ``tools`` can be overridden per room through the binding metadata.

    When the model calls tools that have a handler (``tool_handlers`` or
    :meth:`register_tool`), the channel runs them, sends the results back and asks
    again, at most ``max_tool_rounds`` times; the final text is the reply, and the
    rounds are listed in its ``tool_rounds`` metadata. Calls to tools without a handler
    end the loop and are left in the reply's ``tool_calls`` metadata.

    The request carries what the room's transports can all carry
    (``target_capabilities``, ``target_media_types``); the vendor providers turn limits
    into a short note after the system prompt. Transient provider failures are retried
    with ``retry_policy``. With an enabled ``telemetry`` (pass the kit's), each provider
    call is a ``roomkit.ai.generate`` span carrying the provider, model, finish reason and
    token usage.
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
        tool_handlers: Mapping[str, ToolHandler] | None = None,
        max_tool_rounds: int = 5,
        retry_policy: RetryPolicy | None = None,
        telemetry: Telemetry | None = None,
    ) -> None:
        super().__init__(channel_id)
        if max_context_events < 1:
            raise ConfigurationError("max_context_events must be at least 1")
        if max_tool_rounds < 0:
            raise ConfigurationError("max_tool_rounds must not be negative")
        self.provider = provider
        self.system_prompt = system_prompt
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.max_context_events = max_context_events
        self.max_tool_rounds = max_tool_rounds
        self.retry_policy = retry_policy or DEFAULT_AI_RETRY_POLICY
        self.tool_handlers: dict[str, ToolHandler] = dict(tool_handlers or {})
        per_room = min(max(2 * max_context_events, _MIN_MESSAGES_PER_ROOM), _MESSAGE_CACHE_SIZE)
        self._messages = MessageMemo(
            self._to_message, per_room=per_room, total=_MESSAGE_CACHE_SIZE
        )
        self._histories = History(self._messages)
        self.telemetry = telemetry if telemetry is not None else Telemetry()

    def register_tool(self, name: str, handler: ToolHandler) -> None:
        """Run ``handler`` when the model calls the tool ``name`` (replacing any other)."""
        self.tool_handlers[name] = handler

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
        if self._messages.convert(event) is None:
            logger.debug("Event %s has nothing the model can read; not answering", event.id)
            return ChannelOutput.empty()
        ai_context = self.build_context(event, binding, context)
        logger.debug(
            "Generating a reply in room %s from %d messages",
            context.room.id,
            len(ai_context.messages),
        )
        turn = await self._converse(ai_context, context)
        response = turn.response
        if not response.content.strip():
            return ChannelOutput(tasks=turn.tasks, observations=turn.observations)
        metadata: dict[str, Any] = {}
        if response.tool_calls:
            metadata["tool_calls"] = [call.model_dump() for call in response.tool_calls]
        if turn.rounds:
            metadata["tool_rounds"] = turn.rounds
        reply = new_event(
            room_id=context.room.id,
            source=channel_source(
                self.channel_id,
                ChannelType.AI,
                ChannelDirection.OUTBOUND,
                provider=self.provider.name,
            ),
            content=_new_text(body=response.content),
            chain_depth=event.chain_depth + 1,
            parent_event_id=event.id,
            correlation_id=event.correlation_id or event.id,
            metadata=metadata,
        )
        return _new_output(
            response_events=[reply], tasks=turn.tasks, observations=turn.observations
        )

    async def _converse(self, ai_context: AIContext, context: RoomContext) -> _Conversation:
        """Generate, running requested tools and asking again while the rounds allow."""
        response = await self._generate(ai_context)
        turn = _Conversation(response, tasks=list(response.tasks))
        turn.observations.extend(response.observations)
        while response.tool_calls and len(turn.rounds) < self.max_tool_rounds:
            missing = [c.name for c in response.tool_calls if c.name not in self.tool_handlers]
            if missing:
                logger.debug("No handler for tools %s; returning the calls", missing)
                break
            outcomes = await run_tools(response.tool_calls, self.tool_handlers, context)
            turn.rounds.append(
                {"round": len(turn.rounds) + 1, "calls": [o.summary() for o in outcomes]}
            )
            messages = [*ai_context.messages, *tool_messages(response, outcomes)]
            ai_context = ai_context.model_copy(update={"messages": messages})
            response = turn.response = await self._generate(ai_context)
            turn.tasks.extend(response.tasks)
            turn.observations.extend(response.observations)
        return turn

    async def _generate(self, ai_context: AIContext) -> AIResponse:
        """Call the provider, retrying transient failures with the retry policy."""
        if not self.telemetry.enabled:
            return await self._generate_with_retries(ai_context)
        attributes = {
            "roomkit.channel_id": self.channel_id,
            "roomkit.ai.provider": self.provider.name,
            "roomkit.ai.model": self.provider.model_name,
        }
        with self.telemetry.span("roomkit.ai.generate", attributes) as span:
            response = await self._generate_with_retries(ai_context)
            if response.finish_reason is not None:
                span.set_attribute("roomkit.ai.finish_reason", response.finish_reason)
            for name, tokens in response.usage.items():
                span.set_attribute(f"roomkit.ai.usage.{name}", tokens)
            span.set_attribute("roomkit.ai.tool_calls", len(response.tool_calls))
            return response

    async def _generate_with_retries(self, ai_context: AIContext) -> AIResponse:
        response, _ = await retry_with_backoff_counted(
            lambda: self.provider.generate(ai_context),
            self.retry_policy,
            is_retryable=_transient,
        )
        return response

    async def close(self) -> None:
        """Close the AI provider."""
        await self.provider.close()

    def build_context(
        self, event: RoomEvent, binding: ChannelBinding, context: RoomContext
    ) -> AIContext:
        """Build the model request for ``event`` from the room's latest messages."""
        settings = binding.metadata
        messages = self._history(event, context.recent_events)
        targets = target_capabilities(context, self.channel_id)
        return AIContext(
            messages=messages,
            system_prompt=settings.get("system_prompt", self.system_prompt),
            temperature=settings.get("temperature", self.temperature),
            max_tokens=settings.get("max_tokens", self.max_tokens),
            tools=_parse_tools(settings.get("tools", [])),
            room=context,
            target_capabilities=targets,
            target_media_types=targets.media_types if targets else [ChannelMediaType.TEXT],
        )

    def _history(self, event: RoomEvent, recent: list[RoomEvent]) -> list[AIMessage]:
        """The newest readable messages (oldest first), ending with ``event``."""
        return self._histories.messages(event, recent, self.max_context_events)

    def _to_message(self, item: RoomEvent) -> AIMessage | None:
        if item.type is not EventType.MESSAGE or item.status is EventStatus.BLOCKED:
            return None
        body = _message_body(item.content, vision=self.provider.supports_vision)
        if not body:
            return None
        role = "assistant" if item.source.channel_id == self.channel_id else "user"
        return _new_message(role=role, content=body)


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
