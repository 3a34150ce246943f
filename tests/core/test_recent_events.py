"""The newest-events window handed to hooks and channels, and the cache behind it."""

from __future__ import annotations

import pytest
from pipeline_support import body_of, message

from roomkit import HookTrigger, RoomContext, RoomEvent, RoomKit, WebSocketChannel
from roomkit.core._recent import RecentEvents
from tests.factories import make_event


async def _kit_room(kit: RoomKit) -> list[list[str | None]]:
    """Room ``room-1`` with ``ws-user``; returns the recent bodies each hook call saw."""
    kit.register_channel(WebSocketChannel("ws-user"))
    await kit.create_room(room_id="room-1")
    await kit.attach_channel("room-1", "ws-user")
    windows: list[list[str | None]] = []

    @kit.hook(HookTrigger.BEFORE_BROADCAST, name="window")
    async def window(event: RoomEvent, ctx: RoomContext) -> None:
        windows.append([body_of(e) for e in ctx.recent_events])

    return windows


async def test_context_holds_the_newest_events_oldest_first() -> None:
    async with RoomKit(context_window=3) as kit:
        windows = await _kit_room(kit)
        for number in range(5):
            await kit.process_inbound(message("ws-user", f"m{number}"))

        assert windows[-1] == ["m1", "m2", "m3"]
        assert windows[1][-1] == "m0"


async def test_events_written_behind_the_kits_back_are_seen(kit: RoomKit) -> None:
    windows = await _kit_room(kit)
    await kit.process_inbound(message("ws-user", "first"))

    await kit.store.add_event(make_event("room-1", "written elsewhere", channel_id="ws-user"))
    await kit.process_inbound(message("ws-user", "second"))

    assert windows[-1][-2:] == ["first", "written elsewhere"]


def test_window_and_room_count_must_be_positive() -> None:
    with pytest.raises(ValueError):
        RecentEvents(window=0)
    with pytest.raises(ValueError):
        RecentEvents(max_rooms=0)


def _indexed(index: int, room_id: str = "room-1") -> RoomEvent:
    return make_event(room_id, f"e{index}", index=index)


def test_cache_is_trusted_only_while_it_matches_the_latest_index() -> None:
    cache = RecentEvents(window=2)
    cache.put("room-1", [_indexed(0), _indexed(1)])

    assert [e.index for e in cache.get("room-1", 1) or []] == [0, 1]
    assert cache.get("room-1", 5) is None  # stale: dropped
    assert cache.get("room-1", 1) is None


def test_append_keeps_the_window_and_drops_the_room_on_a_gap() -> None:
    cache = RecentEvents(window=2)
    cache.append("unknown", _indexed(0))  # nothing cached: ignored
    assert cache.get("unknown", 0) is None

    cache.put("room-1", [])
    assert cache.get("room-1", -1) == []
    cache.append("room-1", _indexed(0))
    cache.append("room-1", _indexed(1))
    cache.append("room-1", _indexed(2))
    assert [e.index for e in cache.get("room-1", 2) or []] == [1, 2]

    cache.append("room-1", _indexed(7))  # a gap: the entry cannot be trusted any more
    assert cache.get("room-1", 7) is None


def test_least_recently_used_rooms_are_evicted_and_can_be_forgotten() -> None:
    cache = RecentEvents(window=5, max_rooms=2)
    cache.put("a", [_indexed(0, "a")])
    cache.put("b", [_indexed(0, "b")])
    assert cache.get("a", 0) is not None  # "a" is now the most recently used
    cache.put("c", [_indexed(0, "c")])

    assert cache.get("b", 0) is None
    assert cache.get("a", 0) is not None and cache.get("c", 0) is not None
    cache.forget("a")
    cache.forget("never-cached")
    assert cache.get("a", 0) is None
