"""AFTER_BROADCAST async hooks: when they run, on what, concurrently, and failure isolation."""

from __future__ import annotations

import asyncio

from pipeline_support import FrameworkLog, body_of

from roomkit import (
    EventStatus,
    HookExecution,
    HookResult,
    HookTrigger,
    RoomContext,
    RoomEvent,
    TextContent,
)
from tests.conftest import ChatRoom

AFTER = HookTrigger.AFTER_BROADCAST
ASYNC = HookExecution.ASYNC


async def test_runs_after_broadcast_for_the_inbound_event_and_the_ai_reply(
    chat_room: ChatRoom,
) -> None:
    kit = chat_room.kit
    seen: list[tuple[str | None, int, EventStatus | None]] = []

    @kit.hook(AFTER, execution=ASYNC, name="audit")
    async def audit(event: RoomEvent, ctx: RoomContext) -> None:
        stored = await kit.store.get_event(event.id)
        # By now the event is stored and the whole exchange has been delivered.
        seen.append((body_of(event), len(chat_room.inbox.events), stored and stored.status))

    await chat_room.say("ping")

    assert seen == [
        ("ping", 1, EventStatus.DELIVERED),
        ("Hello from the bot", 1, EventStatus.DELIVERED),
    ]


async def test_not_run_for_a_blocked_event(chat_room: ChatRoom) -> None:
    kit = chat_room.kit
    seen: list[str | None] = []

    @kit.hook(HookTrigger.BEFORE_BROADCAST, name="wall")
    async def wall(event: RoomEvent, ctx: RoomContext) -> HookResult:
        return HookResult.block("no")

    @kit.hook(AFTER, execution=ASYNC)
    async def audit(event: RoomEvent, ctx: RoomContext) -> None:
        seen.append(body_of(event))

    await chat_room.say("ping")

    assert seen == []


async def test_hooks_run_concurrently(chat_room: ChatRoom, framework_log: FrameworkLog) -> None:
    kit = chat_room.kit
    first_started, second_started = asyncio.Event(), asyncio.Event()
    finished: list[str] = []

    # Each hook waits for the other to have started: only concurrent execution finishes
    # both; run one after the other, the first would hit its timeout.
    @kit.hook(AFTER, execution=ASYNC, name="first", timeout=2.0)
    async def first(event: RoomEvent, ctx: RoomContext) -> None:
        if body_of(event) != "ping":
            return
        first_started.set()
        await second_started.wait()
        finished.append("first")

    @kit.hook(AFTER, execution=ASYNC, name="second", timeout=2.0)
    async def second(event: RoomEvent, ctx: RoomContext) -> None:
        if body_of(event) != "ping":
            return
        second_started.set()
        await first_started.wait()
        finished.append("second")

    await chat_room.say("ping")

    assert sorted(finished) == ["first", "second"]
    assert framework_log.of("hook_error") == []


async def test_a_failing_hook_is_isolated_and_reported(
    chat_room: ChatRoom, framework_log: FrameworkLog
) -> None:
    kit = chat_room.kit
    healthy: list[str | None] = []

    @kit.hook(AFTER, execution=ASYNC, name="crashes")
    async def crashes(event: RoomEvent, ctx: RoomContext) -> None:
        raise RuntimeError("analytics down")

    @kit.hook(AFTER, execution=ASYNC, name="healthy")
    async def healthy_hook(event: RoomEvent, ctx: RoomContext) -> None:
        healthy.append(body_of(event))

    result = await chat_room.say("ping")

    assert not result.blocked
    assert healthy == ["ping", "Hello from the bot"]
    reports = framework_log.of("hook_error")
    assert [r.data["hook"] for r in reports] == ["crashes", "crashes"]
    assert all(r.data["trigger"] == "after_broadcast" for r in reports)
    assert all("analytics down" in r.data["error"] for r in reports)


async def test_runs_outside_the_room_lock(chat_room: ChatRoom) -> None:
    kit = chat_room.kit
    notices: list[RoomEvent] = []

    @kit.hook(AFTER, execution=ASYNC, name="follow_up", timeout=2.0)
    async def follow_up(event: RoomEvent, ctx: RoomContext) -> None:
        if body_of(event) == "ping":
            # Writing to the same room would deadlock if the lock were still held.
            notices.append(await kit.send_event(ctx.room.id, "ws-user", TextContent(body="ack")))

    await chat_room.say("ping")

    assert [body_of(n) for n in notices] == ["ack"]
    assert notices[0].status == EventStatus.DELIVERED
