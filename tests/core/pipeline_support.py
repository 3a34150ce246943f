"""Building blocks shared by the orchestrator tests: a scripted AI, recorders, builders.

Import them as ``from pipeline_support import ...`` (``tests/core`` is on the path, like
``fake_time``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from roomkit import (
    AIContext,
    AIProvider,
    AIResponse,
    ChannelCapabilities,
    ChannelType,
    EventContent,
    EventType,
    FrameworkEvent,
    InboundMessage,
    MockSMSProvider,
    Observation,
    RoomEvent,
    RoomKit,
    SMSChannel,
    Task,
    TextContent,
    TransportChannel,
)

__all__ = [
    "EchoAIProvider",
    "FrameworkLog",
    "add_sms",
    "body_of",
    "message",
    "messages_of",
    "sent_bodies",
    "sms_like_channel",
]


class EchoAIProvider(AIProvider):
    """Answers ``prefix + <text of the newest message>``, optionally with side effects.

    ``yields`` makes each answer give the event loop that many turns first, so concurrent
    pipelines really interleave. Every context received is kept in ``calls``.
    """

    def __init__(
        self,
        prefix: str = "re: ",
        *,
        yields: int = 0,
        task_titles: Iterable[str] = (),
        observations: Iterable[str] = (),
    ) -> None:
        self.prefix = prefix
        self.yields = yields
        self.task_titles = list(task_titles)
        self.observation_texts = list(observations)
        self.calls: list[AIContext] = []

    @property
    def model_name(self) -> str:
        """A fixed model name."""
        return "echo"

    async def generate(self, context: AIContext) -> AIResponse:
        """Record the context and echo its newest message."""
        self.calls.append(context)
        for _ in range(self.yields):
            await asyncio.sleep(0)
        last = context.messages[-1].content if context.messages else ""
        room_id = context.room.room.id if context.room is not None else ""
        return AIResponse(
            content=f"{self.prefix}{last}",
            tasks=[Task(room_id=room_id, title=title) for title in self.task_titles],
            observations=[
                Observation(room_id=room_id, channel_id="echo", content=text)
                for text in self.observation_texts
            ],
        )

    @property
    def prompts(self) -> list[str]:
        """The newest message of each context received, in order."""
        return [str(call.messages[-1].content) for call in self.calls]


@dataclass
class FrameworkLog:
    """Records every framework event of a kit (subscribe with ``kit.on("*")``)."""

    events: list[FrameworkEvent] = field(default_factory=list)

    async def record(self, event: FrameworkEvent) -> None:
        """Keep one framework event."""
        self.events.append(event)

    def of(self, event_type: str) -> list[FrameworkEvent]:
        """The recorded events of one type, in order."""
        return [e for e in self.events if e.type == event_type]

    @property
    def types(self) -> list[str]:
        """The types of every recorded event, in order."""
        return [e.type for e in self.events]


def message(
    channel_id: str,
    body: str = "hello",
    sender: str = "user-1",
    *,
    content: EventContent | None = None,
    **fields: Any,
) -> InboundMessage:
    """Build an inbound text (or ``content``) message received on ``channel_id``."""
    return InboundMessage(
        channel_id=channel_id,
        sender_id=sender,
        content=content if content is not None else TextContent(body=body),
        **fields,
    )


def body_of(event: RoomEvent) -> str | None:
    """The ``body`` of an event's content, if it has one."""
    return getattr(event.content, "body", None)


def messages_of(events: Iterable[RoomEvent]) -> list[RoomEvent]:
    """Keep the MESSAGE events (drop channel_attached and other system records)."""
    return [e for e in events if e.type is EventType.MESSAGE]


def sent_bodies(provider: MockSMSProvider) -> list[str | None]:
    """The bodies a mock transport provider was asked to send, in order."""
    return [body_of(call.event) for call in provider.calls]


def sms_like_channel(
    channel_id: str, provider: MockSMSProvider, capabilities: ChannelCapabilities
) -> TransportChannel:
    """An SMS channel with the given capabilities (plain text only by default)."""
    return TransportChannel(
        channel_id,
        ChannelType.SMS,
        provider=provider,
        capabilities=capabilities,
        recipient_key="phone_number",
    )


async def add_sms(
    kit: RoomKit,
    room_id: str,
    channel_id: str = "sms-1",
    phone: str = "+15550001111",
    *,
    provider: MockSMSProvider | None = None,
    capabilities: ChannelCapabilities | None = None,
    **binding: Any,
) -> MockSMSProvider:
    """Register an SMS channel on a mock provider, attach it to the room, return the mock.

    With ``capabilities`` the channel carries only what they allow (e.g. plain text).
    """
    provider = provider if provider is not None else MockSMSProvider()
    if capabilities is None:
        kit.register_channel(SMSChannel(channel_id, provider=provider))
    else:
        kit.register_channel(sms_like_channel(channel_id, provider, capabilities))
    await kit.attach_channel(room_id, channel_id, metadata={"phone_number": phone}, **binding)
    return provider
