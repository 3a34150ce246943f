"""Helpers for the realtime voice tests: a room with a realtime channel on mocks.

Import them as ``from realtime_support import ...`` (``tests/voice/realtime`` is on the
path); the fixtures built on them live in this directory's ``conftest.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from roomkit import EventType, RoomKit, WebSocketChannel
from roomkit.channels import RealtimeVoiceChannel
from roomkit.channels.base import content_text
from roomkit.models.framework_event import FrameworkEvent
from roomkit.voice.realtime import (
    MockRealtimeProvider,
    MockRealtimeTransport,
    RealtimeAudioTransport,
    RealtimeSession,
)
from tests.conftest import Inbox

ROOM = "room-1"


@dataclass
class RealtimeRoom:
    """``room-1`` with the realtime channel ``voice`` and a WebSocket user ``ws`` (``inbox``)."""

    kit: RoomKit
    channel: RealtimeVoiceChannel
    provider: MockRealtimeProvider
    transport: RealtimeAudioTransport
    inbox: Inbox
    framework: list[FrameworkEvent] = field(default_factory=list)

    @property
    def mock_transport(self) -> MockRealtimeTransport:
        """The transport, when it is the mock one."""
        assert isinstance(self.transport, MockRealtimeTransport)
        return self.transport

    async def start(
        self, participant_id: str = "caller", connection: Any = "conn"
    ) -> RealtimeSession:
        """Start a session of ``participant_id`` in the room."""
        return await self.channel.start_session(ROOM, participant_id, connection)

    async def messages(self) -> list[tuple[str, str]]:
        """``(channel_id, text)`` of the room's message events, oldest first."""
        events = await self.kit.get_timeline(ROOM, limit=200)
        return [
            (e.source.channel_id, content_text(e.content))
            for e in events
            if e.type is EventType.MESSAGE
        ]

    def events_of(self, event_type: str) -> list[dict[str, Any]]:
        """The ``data`` of the framework events of one type, in order."""
        return [e.data for e in self.framework if e.type == event_type]


async def build_realtime_room(
    kit: RoomKit,
    *,
    provider: MockRealtimeProvider | None = None,
    transport: RealtimeAudioTransport | None = None,
    binding_metadata: dict[str, Any] | None = None,
    **channel_options: Any,
) -> RealtimeRoom:
    """Register ``voice`` (realtime) and ``ws`` and build ``room-1`` with both attached."""
    provider = provider or MockRealtimeProvider()
    transport = transport or MockRealtimeTransport()
    channel = RealtimeVoiceChannel(
        "voice", provider=provider, transport=transport, **channel_options
    )
    kit.register_channel(channel)
    kit.register_channel(WebSocketChannel("ws"))
    await kit.create_room(room_id=ROOM)
    await kit.attach_channel(ROOM, "ws")
    if binding_metadata is not None:
        await kit.attach_channel(ROOM, "voice", metadata=binding_metadata)
    inbox = Inbox()
    await kit.connect_websocket("ws", "ws-conn", inbox.send)
    room = RealtimeRoom(kit, channel, provider, transport, inbox)

    @kit.on("*")
    async def record(event: FrameworkEvent) -> None:
        if event.type.startswith("realtime_"):
            room.framework.append(event)

    return room
