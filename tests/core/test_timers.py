"""Room timers applied by check_room_timers / check_all_timers with a controlled clock."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from kit_support import HookCalls, UTCClock
from pipeline_support import FrameworkLog, message

from roomkit import (
    HookExecution,
    HookTrigger,
    RoomContext,
    RoomEvent,
    RoomKit,
    RoomStatus,
    RoomTimers,
    TextContent,
    WebSocketChannel,
)

PAUSE_AFTER = 60.0
CLOSE_AFTER = 300.0


@pytest.fixture
def clock() -> UTCClock:
    """The wall clock the kit (and its default store) reads."""
    return UTCClock()


@pytest.fixture
async def timed_kit(clock: UTCClock) -> AsyncIterator[RoomKit]:
    """A kit on the fake clock with a WebSocket channel ``ws-1``."""
    async with RoomKit(clock=clock) as kit:
        kit.register_channel(WebSocketChannel("ws-1"))
        yield kit


async def timed_room(
    kit: RoomKit,
    room_id: str = "room-1",
    pause: float | None = PAUSE_AFTER,
    close: float | None = CLOSE_AFTER,
) -> None:
    """Create a room with timers."""
    timers = RoomTimers(inactive_after_seconds=pause, closed_after_seconds=close)
    await kit.create_room(room_id, metadata={"timers": timers})


async def test_timers_given_in_metadata_become_room_timers(timed_kit: RoomKit) -> None:
    await timed_kit.create_room("room-1", metadata={"timers": {"closed_after_seconds": 5}})
    room = await timed_kit.get_room("room-1")
    assert room.timers.closed_after_seconds == 5
    assert room.metadata == {}


async def test_an_idle_room_pauses_at_the_threshold(timed_kit: RoomKit, clock: UTCClock) -> None:
    paused_hook = HookCalls()
    timed_kit.hook(HookTrigger.ON_ROOM_PAUSED, HookExecution.ASYNC)(paused_hook.hook)
    await timed_room(timed_kit)

    clock.advance(PAUSE_AFTER - 1)
    assert (await timed_kit.check_room_timers("room-1")).status is RoomStatus.ACTIVE
    clock.advance(1)
    paused = await timed_kit.check_room_timers("room-1")

    assert paused.status is RoomStatus.PAUSED
    [(event, context)] = paused_hook.args
    assert isinstance(event, RoomEvent) and event.room_id == "room-1"
    assert isinstance(context, RoomContext) and context.room.status is RoomStatus.PAUSED
    assert (await timed_kit.check_room_timers("room-1")).status is RoomStatus.PAUSED
    assert len(paused_hook) == 1


async def test_a_paused_room_closes_after_the_close_delay(
    timed_kit: RoomKit, clock: UTCClock
) -> None:
    closed_hook = HookCalls()
    timed_kit.hook(HookTrigger.ON_ROOM_CLOSED, HookExecution.ASYNC)(closed_hook.hook)
    await timed_room(timed_kit)
    clock.advance(PAUSE_AFTER)
    await timed_kit.check_room_timers("room-1")

    clock.advance(CLOSE_AFTER - 1)
    assert (await timed_kit.check_room_timers("room-1")).status is RoomStatus.PAUSED
    clock.advance(1)
    closed = await timed_kit.check_room_timers("room-1")

    assert closed.status is RoomStatus.CLOSED
    assert closed.closed_at == clock.now
    assert [e.room_id for e in closed_hook.subjects] == ["room-1"]
    assert (await timed_kit.check_room_timers("room-1")).status is RoomStatus.CLOSED


async def test_a_room_with_only_a_close_timer_closes_directly(
    timed_kit: RoomKit, clock: UTCClock
) -> None:
    await timed_room(timed_kit, pause=None, close=CLOSE_AFTER)
    clock.advance(CLOSE_AFTER)
    assert (await timed_kit.check_room_timers("room-1")).status is RoomStatus.CLOSED


async def test_activity_restarts_the_idle_time(timed_kit: RoomKit, clock: UTCClock) -> None:
    await timed_room(timed_kit)
    await timed_kit.attach_channel("room-1", "ws-1")
    clock.advance(PAUSE_AFTER - 10)
    await timed_kit.process_inbound(message("ws-1", "still here"))
    clock.advance(PAUSE_AFTER - 10)
    assert (await timed_kit.check_room_timers("room-1")).status is RoomStatus.ACTIVE
    clock.advance(10)
    assert (await timed_kit.check_room_timers("room-1")).status is RoomStatus.PAUSED


async def test_a_message_wakes_a_paused_room(timed_kit: RoomKit, clock: UTCClock) -> None:
    log = FrameworkLog()
    timed_kit.on("room_resumed")(log.record)
    await timed_room(timed_kit)
    await timed_kit.attach_channel("room-1", "ws-1")
    clock.advance(PAUSE_AFTER)
    await timed_kit.check_room_timers("room-1")

    result = await timed_kit.process_inbound(message("ws-1", "back again"))

    assert result.event is not None and result.event.room_id == "room-1"
    assert not result.blocked
    assert (await timed_kit.get_room("room-1")).status is RoomStatus.ACTIVE
    assert [e.room_id for e in log.events] == ["room-1"]


async def test_a_direct_send_wakes_a_paused_room(timed_kit: RoomKit, clock: UTCClock) -> None:
    await timed_room(timed_kit)
    clock.advance(PAUSE_AFTER)
    await timed_kit.check_room_timers("room-1")
    await timed_kit.send_event("room-1", "system", TextContent(body="notice"))
    assert (await timed_kit.get_room("room-1")).status is RoomStatus.ACTIVE


async def test_rooms_without_timers_stay_active(timed_kit: RoomKit, clock: UTCClock) -> None:
    await timed_kit.create_room("plain")
    clock.advance(10 * 365 * 24 * 3600)
    assert (await timed_kit.check_room_timers("plain")).status is RoomStatus.ACTIVE
    assert await timed_kit.check_all_timers() == []


async def test_check_all_timers_returns_only_rooms_that_changed(
    timed_kit: RoomKit, clock: UTCClock
) -> None:
    await timed_room(timed_kit, "early")
    clock.advance(PAUSE_AFTER / 2)
    await timed_room(timed_kit, "late")
    await timed_room(timed_kit, "closing", pause=None, close=PAUSE_AFTER / 2)
    await timed_kit.create_room("plain")
    await timed_room(timed_kit, "shut")
    await timed_kit.close_room("shut")
    clock.advance(PAUSE_AFTER / 2)

    changed = await timed_kit.check_all_timers()

    assert {(room.id, room.status) for room in changed} == {
        ("early", RoomStatus.PAUSED),
        ("closing", RoomStatus.CLOSED),
    }
    assert (await timed_kit.get_room("late")).status is RoomStatus.ACTIVE
    assert (await timed_kit.get_room("shut")).status is RoomStatus.CLOSED
    assert await timed_kit.check_all_timers() == []


async def test_check_all_timers_reaches_every_room_of_a_large_batch(
    timed_kit: RoomKit, clock: UTCClock
) -> None:
    count = 450
    for number in range(count):
        await timed_room(timed_kit, f"room-{number}")
    clock.advance(PAUSE_AFTER)

    changed = await timed_kit.check_all_timers()

    assert len(changed) == count
    assert len({room.id for room in changed}) == count
    assert {room.status for room in changed} == {RoomStatus.PAUSED}
