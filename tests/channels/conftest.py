"""Builders for rooms, bindings, events and inbound messages used by the channel tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from roomkit.models import (
    ChannelBinding,
    ChannelCategory,
    ChannelDirection,
    ChannelType,
    EventContent,
    EventSource,
    InboundMessage,
    Room,
    RoomContext,
    RoomEvent,
    TextContent,
)

ROOM_ID = "room-1"

MakeEvent = Callable[..., RoomEvent]
MakeBinding = Callable[..., ChannelBinding]
MakeContext = Callable[..., RoomContext]
MakeMessage = Callable[..., InboundMessage]


@pytest.fixture
def make_event() -> MakeEvent:
    """Return a builder of room events (text by default) in ``ROOM_ID``."""

    def build(
        text: str = "hello",
        *,
        channel_id: str = "sms-1",
        channel_type: ChannelType = ChannelType.SMS,
        content: EventContent | None = None,
        direction: ChannelDirection = ChannelDirection.INBOUND,
        **fields: Any,
    ) -> RoomEvent:
        return RoomEvent(
            room_id=ROOM_ID,
            source=EventSource(
                channel_id=channel_id, channel_type=channel_type, direction=direction
            ),
            content=content if content is not None else TextContent(body=text),
            **fields,
        )

    return build


@pytest.fixture
def make_binding() -> MakeBinding:
    """Return a builder of channel bindings in ``ROOM_ID``."""

    def build(
        channel_id: str = "sms-1",
        channel_type: ChannelType = ChannelType.SMS,
        *,
        category: ChannelCategory = ChannelCategory.TRANSPORT,
        metadata: dict[str, Any] | None = None,
    ) -> ChannelBinding:
        return ChannelBinding(
            channel_id=channel_id,
            room_id=ROOM_ID,
            channel_type=channel_type,
            category=category,
            metadata=metadata or {},
        )

    return build


@pytest.fixture
def make_context() -> MakeContext:
    """Return a builder of room contexts for ``ROOM_ID``."""

    def build(
        events: list[RoomEvent] | None = None, bindings: list[ChannelBinding] | None = None
    ) -> RoomContext:
        return RoomContext(
            room=Room(id=ROOM_ID), bindings=bindings or [], recent_events=events or []
        )

    return build


@pytest.fixture
def context(make_context: MakeContext) -> RoomContext:
    """An empty room context."""
    return make_context()


@pytest.fixture
def make_message() -> MakeMessage:
    """Return a builder of inbound messages."""

    def build(
        text: str = "hi there",
        *,
        channel_id: str = "sms-1",
        sender_id: str = "+15551112222",
        content: EventContent | None = None,
        **fields: Any,
    ) -> InboundMessage:
        return InboundMessage(
            channel_id=channel_id,
            sender_id=sender_id,
            content=content if content is not None else TextContent(body=text),
            **fields,
        )

    return build


@pytest.fixture
def ai_binding(make_binding: MakeBinding) -> ChannelBinding:
    """The binding of the AI channel ``ai-1`` with no per-room settings."""
    return make_binding("ai-1", ChannelType.AI, category=ChannelCategory.INTELLIGENCE)
