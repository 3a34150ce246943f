"""BEFORE_BROADCAST sync hooks in the pipeline: allow, block, modify, order, failures, filters."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from pipeline_support import FrameworkLog, add_sms, body_of, message, messages_of, sent_bodies

from roomkit import (
    ChannelDirection,
    ChannelType,
    EventStatus,
    HookError,
    HookExecution,
    HookResult,
    HookTrigger,
    RoomContext,
    RoomEvent,
    TextContent,
)
from tests.conftest import ChatRoom

BEFORE = HookTrigger.BEFORE_BROADCAST


async def test_allowing_hook_sees_the_event_and_lets_it_through(chat_room: ChatRoom) -> None:
    seen: list[tuple[str | None, str]] = []

    @chat_room.kit.hook(BEFORE, name="watcher")
    async def watcher(event: RoomEvent, ctx: RoomContext) -> HookResult:
        seen.append((body_of(event), ctx.room.id))
        return HookResult.allow()

    result = await chat_room.say("hi there")

    assert not result.blocked
    assert result.event is not None and result.event.status == EventStatus.DELIVERED
    assert seen[0] == ("hi there", chat_room.room_id)
    assert chat_room.inbox.texts == ["Hello from the bot"]


async def test_blocking_hook_stores_the_event_blocked_and_does_not_broadcast(
    chat_room: ChatRoom,
) -> None:
    @chat_room.kit.hook(BEFORE, name="profanity_filter")
    async def profanity_filter(event: RoomEvent, ctx: RoomContext) -> HookResult:
        return HookResult.block("rude words")

    result = await chat_room.say("darn it")

    assert result.blocked and result.reason == "rude words"
    assert result.event is not None
    assert result.event.status == EventStatus.BLOCKED
    assert result.event.blocked_by == "profanity_filter"
    stored = messages_of(await chat_room.kit.get_timeline(chat_room.room_id))
    assert [(body_of(e), e.status, e.blocked_by) for e in stored] == [
        ("darn it", EventStatus.BLOCKED, "profanity_filter")
    ]
    assert stored[0].metadata["blocked_reason"] == "rude words"
    assert chat_room.provider.calls == []
    assert chat_room.inbox.events == []


async def test_modifying_hook_changes_what_is_stored_and_broadcast(chat_room: ChatRoom) -> None:
    kit = chat_room.kit
    sms = await add_sms(kit, chat_room.room_id)
    originals: list[RoomEvent] = []

    @kit.hook(BEFORE, name="redactor", channel_ids=["ws-user"])
    async def redactor(event: RoomEvent, ctx: RoomContext) -> HookResult:
        originals.append(event)
        tampered = event.model_copy(
            update={
                "content": TextContent(body="card ****"),
                "id": "forged-id",
                "room_id": "another-room",
                "index": 999,
                "chain_depth": 3,
            }
        )
        return HookResult.modify(tampered)

    later: list[str | None] = []

    @kit.hook(BEFORE, name="later", priority=1, channel_ids=["ws-user"])
    async def later_hook(event: RoomEvent, ctx: RoomContext) -> None:
        later.append(body_of(event))

    expected_index = (await kit.get_room(chat_room.room_id)).latest_index + 1
    result = await chat_room.say("card 4111 1111 1111 1111")

    assert result.event is not None
    stored = await kit.store.get_event(result.event.id)
    assert stored is not None
    assert body_of(stored) == "card ****"
    assert stored.id == originals[0].id
    assert stored.room_id == chat_room.room_id
    assert stored.index == expected_index
    assert stored.chain_depth == 0
    assert later == ["card ****"]
    assert "card ****" in sent_bodies(sms)
    assert chat_room.provider.calls[0].messages[-1].content == "card ****"


async def test_modify_without_an_event_keeps_the_original(chat_room: ChatRoom) -> None:
    @chat_room.kit.hook(BEFORE, name="empty_modify")
    async def empty_modify(event: RoomEvent, ctx: RoomContext) -> HookResult:
        return HookResult(action="modify")

    result = await chat_room.say("unchanged")

    assert result.event is not None and body_of(result.event) == "unchanged"
    assert not result.blocked


async def test_hooks_run_by_priority_with_global_and_room_hooks_merged(
    chat_room: ChatRoom,
) -> None:
    kit = chat_room.kit
    order: list[str] = []

    def recorder(label: str) -> Callable[[RoomEvent, RoomContext], Awaitable[None]]:
        async def hook(event: RoomEvent, ctx: RoomContext) -> None:
            if event.source.direction == ChannelDirection.INBOUND:
                order.append(label)

        return hook

    kit.hook(BEFORE, priority=5, name="g5")(recorder("g5"))
    kit.hook(BEFORE, priority=-1, name="g-1")(recorder("g-1"))
    kit.hook(BEFORE, priority=2, name="g2")(recorder("g2"))
    kit.add_room_hook(chat_room.room_id, BEFORE, HookExecution.SYNC, recorder("r0"), 0, "r0")
    kit.add_room_hook(chat_room.room_id, BEFORE, HookExecution.SYNC, recorder("r2"), 2, "r2")
    kit.add_room_hook(chat_room.room_id, BEFORE, HookExecution.SYNC, recorder("r9"), 9, "r9")

    await chat_room.say("order please")

    assert order == ["g-1", "r0", "g2", "r2", "g5", "r9"]


async def test_first_block_stops_later_hooks(chat_room: ChatRoom) -> None:
    ran: list[str] = []

    @chat_room.kit.hook(BEFORE, priority=0, name="gate")
    async def gate(event: RoomEvent, ctx: RoomContext) -> HookResult:
        ran.append("gate")
        return HookResult.block("closed")

    @chat_room.kit.hook(BEFORE, priority=1, name="after_gate")
    async def after_gate(event: RoomEvent, ctx: RoomContext) -> HookResult:
        ran.append("after_gate")
        return HookResult.allow()

    result = await chat_room.say("knock knock")

    assert result.blocked
    assert ran == ["gate"]


async def test_hook_exceeding_its_timeout_is_skipped_and_reported(
    chat_room: ChatRoom, framework_log: FrameworkLog
) -> None:
    kit = chat_room.kit
    errors: list[tuple[str | None, HookError]] = []

    @kit.hook(BEFORE, name="slowpoke", timeout=0.01, directions=[ChannelDirection.INBOUND])
    async def slowpoke(event: RoomEvent, ctx: RoomContext) -> HookResult:
        await asyncio.Event().wait()  # never set: only the hook timeout ends this
        return HookResult.block("never reached")

    @kit.hook(HookTrigger.ON_ERROR, execution=HookExecution.ASYNC, name="on_error")
    async def on_error(event: RoomEvent, ctx: RoomContext, error: HookError) -> None:
        errors.append((body_of(event), error))

    result = await chat_room.say("still delivered")

    assert not result.blocked
    assert result.event is not None and result.event.status == EventStatus.DELIVERED
    assert chat_room.inbox.texts == ["Hello from the bot"]
    [report] = framework_log.of("hook_error")
    assert report.room_id == chat_room.room_id
    assert report.data["hook"] == "slowpoke"
    assert report.data["timed_out"] is True
    assert report.data["trigger"] == "before_broadcast"
    [(event_body, error)] = errors
    assert event_body == "still delivered"
    assert error.hook_name == "slowpoke" and error.timed_out


async def test_raising_hook_is_skipped_later_hooks_run_and_error_is_reported(
    chat_room: ChatRoom, framework_log: FrameworkLog
) -> None:
    kit = chat_room.kit
    later: list[str | None] = []
    on_error_calls: list[HookError] = []

    @kit.hook(BEFORE, name="buggy", directions=[ChannelDirection.INBOUND])
    async def buggy(event: RoomEvent, ctx: RoomContext) -> HookResult:
        raise RuntimeError("bug in hook")

    @kit.hook(BEFORE, name="later", priority=10, directions=[ChannelDirection.INBOUND])
    async def later_hook(event: RoomEvent, ctx: RoomContext) -> None:
        later.append(body_of(event))

    @kit.hook(HookTrigger.ON_ERROR, execution=HookExecution.ASYNC)
    async def on_error(event: RoomEvent, ctx: RoomContext, error: HookError) -> None:
        on_error_calls.append(error)

    result = await chat_room.say("go on")

    assert not result.blocked
    assert later == ["go on"]
    assert chat_room.inbox.texts == ["Hello from the bot"]
    [report] = framework_log.of("hook_error")
    assert report.data["hook"] == "buggy"
    assert report.data["timed_out"] is False
    assert "RuntimeError: bug in hook" in report.data["error"]
    assert [e.hook_name for e in on_error_calls] == ["buggy"]
    assert isinstance(on_error_calls[0].error, RuntimeError)


async def test_failing_on_error_hook_is_reported_once_without_recursion(
    chat_room: ChatRoom, framework_log: FrameworkLog
) -> None:
    kit = chat_room.kit
    calls: list[str] = []

    @kit.hook(BEFORE, name="buggy", directions=[ChannelDirection.INBOUND])
    def buggy(event: RoomEvent, ctx: RoomContext) -> None:
        raise ValueError("first")

    @kit.hook(HookTrigger.ON_ERROR, execution=HookExecution.ASYNC, name="broken_handler")
    async def broken_handler(event: RoomEvent, ctx: RoomContext, error: HookError) -> None:
        calls.append(error.hook_name)
        raise RuntimeError("handler broke too")

    result = await chat_room.say("hello")

    assert not result.blocked
    assert calls == ["buggy"]
    assert [e.data["hook"] for e in framework_log.of("hook_error")] == [
        "buggy",
        "broken_handler",
    ]


async def test_channel_type_filter(chat_room: ChatRoom) -> None:
    kit = chat_room.kit
    await add_sms(kit, chat_room.room_id)
    seen: list[str] = []

    @kit.hook(BEFORE, name="sms_only", channel_types=[ChannelType.SMS])
    async def sms_only(event: RoomEvent, ctx: RoomContext) -> HookResult:
        seen.append(event.source.channel_id)
        return HookResult.block("sms blocked")

    from_ws = await chat_room.say("from the web")
    from_sms = await kit.process_inbound(message("sms-1", "from a phone", "+15550001111"))

    assert not from_ws.blocked
    assert from_sms.blocked and from_sms.reason == "sms blocked"
    assert seen == ["sms-1"]


async def test_channel_id_filter(chat_room: ChatRoom) -> None:
    kit = chat_room.kit
    await add_sms(kit, chat_room.room_id)

    @kit.hook(BEFORE, name="ws_only", channel_ids=["ws-user"])
    async def ws_only(event: RoomEvent, ctx: RoomContext) -> HookResult:
        return HookResult.block("ws blocked")

    from_sms = await kit.process_inbound(message("sms-1", "phone", "+15550001111"))
    from_ws = await chat_room.say("web")

    assert not from_sms.blocked
    assert from_ws.blocked


async def test_direction_filter_lets_a_hook_block_only_the_ai_reply(
    chat_room: ChatRoom,
) -> None:
    kit = chat_room.kit
    sms = await add_sms(kit, chat_room.room_id)

    @kit.hook(
        BEFORE,
        name="ai_guard",
        channel_ids=["ai-bot"],
        directions=[ChannelDirection.OUTBOUND],
    )
    async def ai_guard(event: RoomEvent, ctx: RoomContext) -> HookResult:
        return HookResult.block("AI reply not allowed")

    result = await chat_room.say("question")

    assert not result.blocked
    assert chat_room.provider.calls, "the AI was asked"
    events = messages_of(await kit.get_timeline(chat_room.room_id))
    assert [(body_of(e), e.status, e.blocked_by) for e in events] == [
        ("question", EventStatus.DELIVERED, None),
        ("Hello from the bot", EventStatus.BLOCKED, "ai_guard"),
    ]
    assert events[1].source.direction == ChannelDirection.OUTBOUND
    assert events[1].chain_depth == 1
    assert chat_room.inbox.events == []
    assert sent_bodies(sms) == ["question"]


async def test_hooks_run_on_ai_responses_too(chat_room: ChatRoom) -> None:
    seen: list[tuple[str, ChannelDirection]] = []

    @chat_room.kit.hook(BEFORE, name="everything")
    async def everything(event: RoomEvent, ctx: RoomContext) -> None:
        seen.append((event.source.channel_id, event.source.direction))

    await chat_room.say("hi")

    assert seen == [
        ("ws-user", ChannelDirection.INBOUND),
        ("ai-bot", ChannelDirection.OUTBOUND),
    ]


async def test_plain_function_hooks_are_accepted(chat_room: ChatRoom) -> None:
    @chat_room.kit.hook(BEFORE, name="plain")
    def plain(event: RoomEvent, ctx: RoomContext) -> HookResult:
        return HookResult.block("sync function said no")

    result = await chat_room.say("hello")

    assert result.blocked and result.reason == "sync function said no"
    assert result.event is not None and result.event.blocked_by == "plain"


async def test_hook_name_defaults_to_the_function_name(chat_room: ChatRoom) -> None:
    @chat_room.kit.hook(BEFORE)
    async def named_by_function(event: RoomEvent, ctx: RoomContext) -> HookResult:
        return HookResult.block()

    result = await chat_room.say("hello")

    assert result.event is not None and result.event.blocked_by == "named_by_function"


async def test_room_hook_applies_to_its_room_only_and_can_be_removed(
    chat_room: ChatRoom,
) -> None:
    kit = chat_room.kit
    other = await kit.create_room(room_id="room-2")
    await kit.attach_channel(other.id, "ws-user")

    async def lockdown(event: RoomEvent, ctx: RoomContext) -> HookResult:
        return HookResult.block("room locked")

    kit.add_room_hook(chat_room.room_id, BEFORE, HookExecution.SYNC, lockdown, name="lockdown")

    in_room = await kit.send_event(chat_room.room_id, "ws-user", TextContent(body="a"))
    in_other = await kit.send_event(other.id, "ws-user", TextContent(body="b"))
    assert in_room.status == EventStatus.BLOCKED and in_room.blocked_by == "lockdown"
    assert in_other.status == EventStatus.DELIVERED

    assert kit.remove_room_hook(chat_room.room_id, "lockdown") is True
    assert kit.remove_room_hook(chat_room.room_id, "lockdown") is False
    assert kit.remove_room_hook("no-such-room", "lockdown") is False

    after = await kit.send_event(chat_room.room_id, "ws-user", TextContent(body="c"))
    assert after.status == EventStatus.DELIVERED


async def test_global_hook_applies_to_every_room(chat_room: ChatRoom) -> None:
    kit = chat_room.kit
    other = await kit.create_room(room_id="room-2")
    await kit.attach_channel(other.id, "ws-user")
    rooms: list[str] = []

    @kit.hook(BEFORE, name="everywhere")
    async def everywhere(event: RoomEvent, ctx: RoomContext) -> None:
        rooms.append(event.room_id)

    await kit.send_event(chat_room.room_id, "ws-user", TextContent(body="a"))
    await kit.send_event(other.id, "ws-user", TextContent(body="b"))

    assert chat_room.room_id in rooms and other.id in rooms
