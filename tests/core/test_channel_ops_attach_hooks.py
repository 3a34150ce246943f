"""The optional channel hooks the kit calls: on_register, bind_session, unbind_session."""

from __future__ import annotations

from typing import Any

from roomkit import (
    ChannelBinding,
    ChannelOutput,
    InboundMessage,
    MockVoiceBackend,
    RoomContext,
    RoomEvent,
    RoomKit,
)
from roomkit.channels.base import Channel
from roomkit.voice import VoiceSession


class Recording(Channel):
    """A channel that records which optional hooks the kit called."""

    def __init__(self, channel_id: str) -> None:
        super().__init__(channel_id)
        self.backend = MockVoiceBackend()
        self.calls: list[tuple[str, Any]] = []

    def on_register(self, kit: RoomKit) -> None:
        self.calls.append(("on_register", kit))

    def bind_session(self, session: VoiceSession) -> None:
        self.calls.append(("bind_session", session))

    async def unbind_session(self, session: VoiceSession) -> None:
        self.calls.append(("unbind_session", session.state))

    async def handle_inbound(self, message: InboundMessage, context: RoomContext) -> RoomEvent:
        raise AssertionError("no message is sent on this channel")

    async def deliver(
        self, event: RoomEvent, binding: ChannelBinding, context: RoomContext
    ) -> ChannelOutput:
        return ChannelOutput.empty()


async def test_the_kit_introduces_itself_and_each_voice_session(kit: RoomKit) -> None:
    channel = Recording("line")
    kit.register_channel(channel)
    room = await kit.create_room()

    session = await kit.connect_voice(room.id, "caller", "line")
    await kit.disconnect_voice(session)

    assert channel.calls == [
        ("on_register", kit),
        ("bind_session", session),
        ("unbind_session", "active"),  # before the backend ends the session
    ]
