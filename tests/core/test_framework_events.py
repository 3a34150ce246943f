"""Framework events reported through ``kit.on(type)`` and ``kit.on("*")``."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from pipeline_support import FrameworkLog, add_sms, message

from roomkit import (
    AIChannel,
    ChannelCategory,
    FrameworkEvent,
    HookResult,
    HookTrigger,
    MockAIProvider,
    MockSMSProvider,
    RoomContext,
    RoomEvent,
    RoomKit,
    WebSocketChannel,
)
from tests.conftest import ChatRoom, Inbox


async def test_typed_handlers_receive_only_their_type(kit: RoomKit) -> None:
    created: list[FrameworkEvent] = []
    attached: list[FrameworkEvent] = []
    kit.on("room_created")(_append_to(created))
    kit.on("room_channel_attached")(_append_to(attached))
    kit.register_channel(WebSocketChannel("ws-user"))

    room = await kit.create_room(room_id="room-1")
    await kit.attach_channel(room.id, "ws-user")

    assert [(e.type, e.room_id) for e in created] == [("room_created", "room-1")]
    assert [(e.type, e.room_id, e.channel_id) for e in attached] == [
        ("room_channel_attached", "room-1", "ws-user")
    ]


async def test_wildcard_handler_receives_every_type(kit: RoomKit) -> None:
    everything = FrameworkLog()
    typed = FrameworkLog()
    kit.on("*")(everything.record)
    kit.on("room_created")(typed.record)

    await kit.create_room(room_id="room-1")
    await kit.close_room("room-1")

    assert everything.types == ["room_created", "room_closed"]
    assert typed.types == ["room_created"]


async def test_processing_reports_blocked_and_processed_events(
    chat_room: ChatRoom, framework_log: FrameworkLog
) -> None:
    @chat_room.kit.hook(HookTrigger.BEFORE_BROADCAST, name="no_shouting")
    async def no_shouting(event: RoomEvent, ctx: RoomContext) -> HookResult | None:
        body = getattr(event.content, "body", "")
        return HookResult.block("shouting") if body.isupper() else None

    blocked = await chat_room.say("HELLO")
    fine = await chat_room.say("hello")

    assert blocked.event is not None and fine.event is not None
    [was_blocked] = framework_log.of("event_blocked")
    assert was_blocked.event_id == blocked.event.id
    assert was_blocked.channel_id == "ws-user"
    assert was_blocked.data == {"blocked_by": "no_shouting", "reason": "shouting"}
    processed = framework_log.of("event_processed")
    assert [(e.event_id, e.data) for e in processed] == [
        (blocked.event.id, {"blocked": True, "reentries": 0}),
        (fine.event.id, {"blocked": False, "reentries": 1}),
    ]


async def test_delivery_failure_and_hook_error_are_reported(
    chat_room: ChatRoom, framework_log: FrameworkLog
) -> None:
    kit = chat_room.kit
    await add_sms(kit, chat_room.room_id, provider=MockSMSProvider(error="no signal"))

    @kit.hook(HookTrigger.BEFORE_BROADCAST, name="flaky")
    async def flaky(event: RoomEvent, ctx: RoomContext) -> None:
        raise RuntimeError("oops")

    await chat_room.say("hi")

    failures = framework_log.of("delivery_failed")
    assert {e.channel_id for e in failures} == {"sms-1"}
    assert all("no signal" in e.data["error"] for e in failures)
    assert {e.data["hook"] for e in framework_log.of("hook_error")} == {"flaky"}


async def test_chain_depth_exceeded_is_reported() -> None:
    async with RoomKit(max_chain_depth=0) as kit:
        log = FrameworkLog()
        kit.on("chain_depth_exceeded")(log.record)
        kit.register_channel(WebSocketChannel("ws-user"))
        kit.register_channel(AIChannel("ai-bot", provider=MockAIProvider(["hi"])))
        await kit.create_room(room_id="room-1")
        await kit.attach_channel("room-1", "ws-user")
        await kit.attach_channel("room-1", "ai-bot", category=ChannelCategory.INTELLIGENCE)

        await kit.process_inbound(message("ws-user", "hello"))

        [event] = log.events
        assert (event.room_id, event.channel_id) == ("room-1", "ai-bot")
        assert event.data == {"chain_depth": 1, "max": 0}


async def test_websocket_connections_are_reported(
    kit: RoomKit, framework_log: FrameworkLog
) -> None:
    kit.register_channel(WebSocketChannel("ws-user"))
    inbox = Inbox()

    await kit.connect_websocket("ws-user", "conn-7", inbox.send)
    await kit.disconnect_websocket("ws-user", "conn-7")
    await kit.disconnect_websocket("ws-user", "conn-7")  # already gone: nothing to report

    assert [(e.type, e.channel_id, e.data) for e in framework_log.events] == [
        ("channel_connected", "ws-user", {"connection_id": "conn-7"}),
        ("channel_disconnected", "ws-user", {"connection_id": "conn-7"}),
    ]


async def test_a_failing_handler_does_not_break_the_pipeline(chat_room: ChatRoom) -> None:
    kit = chat_room.kit
    after_failure: list[str] = []

    @kit.on("*")
    async def broken(event: FrameworkEvent) -> None:
        raise RuntimeError("handler bug")

    @kit.on("*")
    async def healthy(event: FrameworkEvent) -> None:
        after_failure.append(event.type)

    result = await chat_room.say("still works")

    assert not result.blocked
    assert chat_room.inbox.texts == ["Hello from the bot"]
    assert "event_processed" in after_failure


def _append_to(
    events: list[FrameworkEvent],
) -> Callable[[FrameworkEvent], Coroutine[Any, Any, None]]:
    async def handler(event: FrameworkEvent) -> None:
        events.append(event)

    return handler
