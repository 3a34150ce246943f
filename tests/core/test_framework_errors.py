"""Misuse and limits of the orchestrator: errors raised, process_timeout, configuration, close."""

from __future__ import annotations

import asyncio

import pytest
from pipeline_support import FrameworkLog, message

from roomkit import (
    Access,
    ChannelBinding,
    ChannelCategory,
    ChannelNotFoundError,
    ChannelNotRegisteredError,
    ChannelOutput,
    ChannelType,
    ConfigurationError,
    EventStatus,
    HookTrigger,
    InboundMessage,
    MockSMSProvider,
    ProcessTimeoutError,
    RoomClosedError,
    RoomContext,
    RoomEvent,
    RoomKit,
    RoomNotFoundError,
    SMSChannel,
    SystemContent,
    TextContent,
    WebSocketChannel,
)
from tests.conftest import ChatRoom

# --- process_timeout --------------------------------------------------------------------


async def test_a_hook_hanging_past_process_timeout_raises_and_is_reported() -> None:
    async with RoomKit(process_timeout=0.05) as kit:
        log = FrameworkLog()
        kit.on("process_timeout")(log.record)
        kit.register_channel(WebSocketChannel("ws-user"))
        await kit.create_room(room_id="room-1")
        await kit.attach_channel("room-1", "ws-user")

        @kit.hook(HookTrigger.BEFORE_BROADCAST, name="stuck")
        async def stuck(event: RoomEvent, ctx: RoomContext) -> None:
            await asyncio.Event().wait()  # never set; only process_timeout ends it

        with pytest.raises(ProcessTimeoutError, match="room-1"):
            await kit.process_inbound(message("ws-user", "hello"))

        [report] = log.events
        assert report.room_id == "room-1" and report.data == {"timeout": 0.05}


async def test_a_channel_hanging_past_process_timeout_raises() -> None:
    async with RoomKit(process_timeout=0.05) as kit:
        kit.register_channel(WebSocketChannel("ws-user"))
        kit.register_channel(WebSocketChannel("ws-agent"))
        await kit.create_room(room_id="room-1")
        await kit.attach_channel("room-1", "ws-user")
        await kit.attach_channel("room-1", "ws-agent")

        async def never_returns(connection_id: str, event: RoomEvent) -> None:
            await asyncio.Event().wait()

        await kit.connect_websocket("ws-agent", "conn-1", never_returns)

        with pytest.raises(ProcessTimeoutError):
            await kit.send_event("room-1", "ws-user", TextContent(body="hello"))
        # The lock was released: the room keeps working.
        await kit.disconnect_websocket("ws-agent", "conn-1")
        later = await kit.send_event("room-1", "ws-user", TextContent(body="again"))
        assert later.status == EventStatus.DELIVERED


class _TimingOutChannel(WebSocketChannel):
    """A channel whose inbound conversion raises its own TimeoutError."""

    async def handle_inbound(self, message: InboundMessage, context: RoomContext) -> RoomEvent:
        raise TimeoutError("upstream lookup timed out")


async def test_a_timeout_that_is_not_process_timeout_propagates_unchanged(kit: RoomKit) -> None:
    kit.register_channel(_TimingOutChannel("ws-user"))
    await kit.create_room(room_id="room-1")
    await kit.attach_channel("room-1", "ws-user")

    with pytest.raises(TimeoutError, match="upstream") as raised:
        await kit.process_inbound(message("ws-user", "hello"))

    assert not isinstance(raised.value, ProcessTimeoutError)


# --- errors -----------------------------------------------------------------------------


async def test_inbound_on_an_unregistered_channel(kit: RoomKit) -> None:
    with pytest.raises(ChannelNotRegisteredError, match="nope"):
        await kit.process_inbound(message("nope", "hi"))


async def test_attach_to_an_unknown_room(kit: RoomKit) -> None:
    kit.register_channel(WebSocketChannel("ws-user"))

    with pytest.raises(RoomNotFoundError):
        await kit.attach_channel("missing", "ws-user")


async def test_get_binding_of_an_unattached_channel(kit: RoomKit) -> None:
    await kit.create_room(room_id="room-1")

    with pytest.raises(ChannelNotFoundError):
        await kit.get_binding("room-1", "ws-user")
    with pytest.raises(ChannelNotFoundError):
        await kit.mute("room-1", "ws-user")


async def test_attach_with_an_unknown_keyword(kit: RoomKit) -> None:
    kit.register_channel(WebSocketChannel("ws-user"))
    await kit.create_room(room_id="room-1")

    with pytest.raises(TypeError, match="colour"):
        await kit.attach_channel("room-1", "ws-user", colour="blue")


async def test_registering_two_channels_with_one_id(kit: RoomKit) -> None:
    first = WebSocketChannel("shared-id")
    kit.register_channel(first)
    kit.register_channel(first)  # the same channel again is harmless

    with pytest.raises(ConfigurationError, match="shared-id"):
        kit.register_channel(SMSChannel("shared-id"))
    assert kit.get_channel("shared-id") is first
    assert kit.list_channels() == [first]
    assert kit.get_channel("other") is None


async def test_attach_an_unregistered_channel_needs_its_type(kit: RoomKit) -> None:
    await kit.create_room(room_id="room-1")

    with pytest.raises(ChannelNotRegisteredError):
        await kit.attach_channel("room-1", "crm")
    binding = await kit.attach_channel(
        "room-1",
        "crm",
        channel_type=ChannelType.WEBHOOK,
        category=ChannelCategory.INTELLIGENCE,
        access=Access.READ_ONLY,
    )

    assert (binding.channel_type, binding.category, binding.access) == (
        ChannelType.WEBHOOK,
        ChannelCategory.INTELLIGENCE,
        Access.READ_ONLY,
    )


async def test_attach_to_a_closed_room(kit: RoomKit) -> None:
    kit.register_channel(WebSocketChannel("ws-user"))
    await kit.create_room(room_id="room-1")
    await kit.close_room("room-1")

    with pytest.raises(RoomClosedError):
        await kit.attach_channel("room-1", "ws-user")


async def test_queries_on_an_unknown_room(kit: RoomKit) -> None:
    queries = [
        lambda: kit.get_room("missing"),
        lambda: kit.get_timeline("missing"),
        lambda: kit.list_bindings("missing"),
        lambda: kit.list_tasks("missing"),
        lambda: kit.list_observations("missing"),
        lambda: kit.send_event("missing", "ws-user", TextContent(body="x")),
    ]
    for query in queries:
        with pytest.raises(RoomNotFoundError):
            await query()


async def test_websocket_operations_need_a_websocket_channel(kit: RoomKit) -> None:
    kit.register_channel(SMSChannel("sms-1"))
    send = _NoopSend()

    with pytest.raises(ConfigurationError):
        await kit.connect_websocket("sms-1", "conn-1", send)
    with pytest.raises(ChannelNotRegisteredError):
        await kit.connect_websocket("ws-missing", "conn-1", send)


class _NoopSend:
    """A connection send function that drops what it is given."""

    async def __call__(self, connection_id: str, event: RoomEvent) -> None:
        return None


@pytest.mark.parametrize(
    "options",
    [{"max_chain_depth": -1}, {"process_timeout": 0}, {"identity_timeout": -1.0}],
)
def test_invalid_configuration_is_rejected(options: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        RoomKit(**options)  # type: ignore[arg-type]


def test_identity_hook_needs_an_identity_trigger(kit: RoomKit) -> None:
    with pytest.raises(ValueError, match="identity"):
        kit.identity_hook(HookTrigger.BEFORE_BROADCAST)


# --- direct sends -----------------------------------------------------------------------


async def test_send_event_from_an_unregistered_source_is_a_system_event(
    chat_room: ChatRoom,
) -> None:
    event = await chat_room.kit.send_event(
        chat_room.room_id, "scheduler", SystemContent(body="Office closes at 6")
    )

    assert event.source.channel_type == ChannelType.SYSTEM
    assert event.status == EventStatus.DELIVERED
    assert "Office closes at 6" in chat_room.inbox.texts


async def test_send_event_to_a_closed_room_is_refused(
    chat_room: ChatRoom,
) -> None:
    kit = chat_room.kit
    await kit.close_room(chat_room.room_id)

    with pytest.raises(RoomClosedError):
        await kit.send_event(chat_room.room_id, "ws-user", TextContent(body="late"))


# --- closing ----------------------------------------------------------------------------


class _ClosingChannel(WebSocketChannel):
    """Records its close; optionally fails it."""

    def __init__(self, channel_id: str, closed: list[str], fail: bool = False) -> None:
        super().__init__(channel_id)
        self._closed, self._fail = closed, fail

    async def close(self) -> None:
        self._closed.append(self.channel_id)
        if self._fail:
            raise RuntimeError("close failed")

    async def deliver(
        self, event: RoomEvent, binding: ChannelBinding, context: RoomContext
    ) -> ChannelOutput:
        return ChannelOutput.empty()


async def test_close_closes_every_channel_even_if_one_fails(
    caplog: pytest.LogCaptureFixture,
) -> None:
    closed: list[str] = []
    kit = RoomKit()
    kit.register_channel(_ClosingChannel("a", closed, fail=True))
    kit.register_channel(_ClosingChannel("b", closed))

    async with kit:
        pass
    await kit.close()  # a second close does nothing

    assert closed == ["a", "b"]
    assert "error while closing" in caplog.text


class _ClosableSMSProvider(MockSMSProvider):
    """A mock SMS provider that records being closed."""

    closed = False

    async def close(self) -> None:
        self.closed = True


async def test_context_manager_closes_providers() -> None:
    provider = _ClosableSMSProvider()
    async with RoomKit() as kit:
        kit.register_channel(SMSChannel("sms-1", provider=provider))
        assert not provider.closed

    assert provider.closed
