"""Shared pytest fixtures for the roomkit test suite.

``kit`` is a RoomKit on the in-memory store; ``chat_room`` builds the quickstart shape
(a WebSocket user with a live connection and an AI bot on a mock provider) and returns
a :class:`ChatRoom` with the pieces a test asserts on.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from roomkit import (
    AIChannel,
    ChannelCategory,
    InboundMessage,
    InboundResult,
    MockAIProvider,
    RoomEvent,
    RoomKit,
    TextContent,
    WebSocketChannel,
)


@dataclass
class Inbox:
    """Collects what a WebSocket connection was sent."""

    events: list[tuple[str, RoomEvent]] = field(default_factory=list)

    async def send(self, connection_id: str, event: RoomEvent) -> None:
        """Record one delivery (use as the connection's send function)."""
        self.events.append((connection_id, event))

    @property
    def texts(self) -> list[str]:
        """The text bodies received, in order."""
        return [getattr(e.content, "body", "") for _, e in self.events]


@dataclass
class ChatRoom:
    """A room with a WebSocket user (live connection) and an AI bot."""

    kit: RoomKit
    room_id: str
    ws: WebSocketChannel
    ai: AIChannel
    provider: MockAIProvider
    inbox: Inbox

    async def say(self, body: str, sender: str = "user-1", **fields: object) -> InboundResult:
        """Send a text from the WebSocket user through the inbound pipeline."""
        message = InboundMessage(
            channel_id=self.ws.channel_id,
            sender_id=sender,
            content=TextContent(body=body),
            **fields,  # type: ignore[arg-type]
        )
        return await self.kit.process_inbound(message)


@pytest.fixture
async def kit() -> AsyncIterator[RoomKit]:
    """A RoomKit on the in-memory store, closed after the test."""
    async with RoomKit() as instance:
        yield instance


@pytest.fixture
async def chat_room(kit: RoomKit) -> ChatRoom:
    """The quickstart room: ``ws-user`` with connection ``conn-1`` plus ``ai-bot``."""
    provider = MockAIProvider(["Hello from the bot"])
    ws = WebSocketChannel("ws-user")
    ai = AIChannel("ai-bot", provider=provider)
    kit.register_channel(ws)
    kit.register_channel(ai)
    room = await kit.create_room(room_id="room-1")
    await kit.attach_channel(room.id, ws.channel_id)
    await kit.attach_channel(room.id, ai.channel_id, category=ChannelCategory.INTELLIGENCE)
    inbox = Inbox()
    await kit.connect_websocket(ws.channel_id, "conn-1", inbox.send)
    return ChatRoom(kit, room.id, ws, ai, provider, inbox)
