"""Behaviour of the per-room lock manager: exclusion, timeouts, FIFO and LRU eviction."""

from __future__ import annotations

import asyncio

import pytest

from roomkit.core.locks import InMemoryLockManager, RoomLockManager
from roomkit.errors import LockTimeoutError


async def settle(rounds: int = 5) -> None:
    """Let other tasks run until they block."""
    for _ in range(rounds):
        await asyncio.sleep(0)


async def hold(manager: RoomLockManager, room_id: str, release: asyncio.Event) -> None:
    async with manager.locked(room_id):
        await release.wait()


async def test_same_room_is_mutually_exclusive() -> None:
    manager = InMemoryLockManager()
    inside = 0
    peak = 0

    async def work() -> None:
        nonlocal inside, peak
        async with manager.locked("room"):
            inside += 1
            peak = max(peak, inside)
            await settle(3)
            inside -= 1

    await asyncio.gather(*(work() for _ in range(5)))
    assert peak == 1


async def test_different_rooms_run_concurrently() -> None:
    manager = InMemoryLockManager()
    release = asyncio.Event()
    holder = asyncio.create_task(hold(manager, "room-1", release))
    await settle()
    assert manager.is_locked("room-1")
    async with manager.locked("room-2", timeout=0):
        assert manager.is_locked("room-2")
    release.set()
    await holder
    assert not manager.is_locked("room-1")


async def test_timeout_raises_lock_timeout_error() -> None:
    manager = InMemoryLockManager()
    release = asyncio.Event()
    holder = asyncio.create_task(hold(manager, "room", release))
    await settle()
    with pytest.raises(LockTimeoutError, match="room"):
        async with manager.locked("room", timeout=0):
            raise AssertionError("must not enter")
    assert manager.is_locked("room")
    release.set()
    await holder
    async with manager.locked("room", timeout=0):
        assert manager.is_locked("room")


async def test_lock_timeout_error_is_a_timeout_error() -> None:
    assert issubclass(LockTimeoutError, TimeoutError)


async def test_waiter_with_timeout_gets_lock_released_in_time() -> None:
    manager = InMemoryLockManager()
    release = asyncio.Event()
    holder = asyncio.create_task(hold(manager, "room", release))
    await settle()
    entered = asyncio.Event()

    async def waiter() -> None:
        async with manager.locked("room", timeout=30):
            entered.set()

    task = asyncio.create_task(waiter())
    await settle()
    assert not entered.is_set()
    release.set()
    await asyncio.gather(holder, task)
    assert entered.is_set()


async def test_waiters_are_served_in_arrival_order() -> None:
    manager = InMemoryLockManager()
    release = asyncio.Event()
    holder = asyncio.create_task(hold(manager, "room", release))
    await settle()
    order: list[int] = []

    async def waiter(n: int) -> None:
        async with manager.locked("room"):
            order.append(n)
            await asyncio.sleep(0)

    tasks = []
    for n in range(5):
        tasks.append(asyncio.create_task(waiter(n)))
        await settle(1)
    release.set()
    await asyncio.gather(holder, *tasks)
    assert order == [0, 1, 2, 3, 4]


async def test_exception_in_body_releases_lock() -> None:
    manager = InMemoryLockManager()
    with pytest.raises(RuntimeError):
        async with manager.locked("room"):
            raise RuntimeError("boom")
    assert not manager.is_locked("room")
    async with manager.locked("room", timeout=0):
        pass


async def test_least_recently_used_idle_lock_is_evicted() -> None:
    manager = InMemoryLockManager(max_locks=2)
    for room_id in ("a", "b", "a", "c"):
        async with manager.locked(room_id):
            pass
    assert manager.tracked_rooms == ["a", "c"]
    assert manager.lock_count == 2


async def test_held_locks_are_never_evicted() -> None:
    manager = InMemoryLockManager(max_locks=1)
    release = asyncio.Event()
    holders = [asyncio.create_task(hold(manager, room, release)) for room in ("a", "b")]
    await settle()
    async with manager.locked("c"):
        assert set(manager.tracked_rooms) == {"a", "b", "c"}
    assert manager.is_locked("a")
    assert manager.is_locked("b")
    release.set()
    await asyncio.gather(*holders)
    assert manager.lock_count == 1


async def test_awaited_lock_survives_eviction_and_keeps_exclusion() -> None:
    manager = InMemoryLockManager(max_locks=1)
    release_a, release_b = asyncio.Event(), asyncio.Event()
    other = asyncio.create_task(hold(manager, "b", release_b))
    holder = asyncio.create_task(hold(manager, "a", release_a))
    await settle()
    waiter = asyncio.create_task(hold(manager, "a", asyncio.Event()))
    await settle()
    # The holder releases "a" while the map is over capacity and the waiter has not
    # run yet: the lock is free but awaited, so it must not be evicted.
    release_a.set()
    await holder
    await settle()
    assert manager.is_locked("a")
    with pytest.raises(LockTimeoutError):
        async with manager.locked("a", timeout=0):
            pass
    waiter.cancel()
    release_b.set()
    await asyncio.gather(waiter, other, return_exceptions=True)
    assert not manager.is_locked("a")
    assert manager.lock_count == 1


async def test_cancelled_waiter_does_not_pin_its_lock() -> None:
    manager = InMemoryLockManager(max_locks=1)
    release = asyncio.Event()
    holder = asyncio.create_task(hold(manager, "a", release))
    await settle()
    waiter = asyncio.create_task(hold(manager, "a", asyncio.Event()))
    await settle()
    waiter.cancel()
    await asyncio.gather(waiter, return_exceptions=True)
    release.set()
    await holder
    async with manager.locked("b"):
        pass
    assert manager.tracked_rooms == ["b"]


async def test_timed_out_waiter_does_not_pin_its_lock() -> None:
    manager = InMemoryLockManager(max_locks=1)
    release = asyncio.Event()
    holder = asyncio.create_task(hold(manager, "a", release))
    await settle()
    with pytest.raises(LockTimeoutError):
        async with manager.locked("a", timeout=0):
            pass
    release.set()
    await holder
    async with manager.locked("b"):
        pass
    assert manager.tracked_rooms == ["b"]


async def test_close_forgets_idle_locks_but_not_held_ones() -> None:
    manager = InMemoryLockManager()
    async with manager.locked("idle"):
        pass
    release = asyncio.Event()
    holder = asyncio.create_task(hold(manager, "busy", release))
    await settle()
    await manager.close()
    assert manager.tracked_rooms == ["busy"]
    release.set()
    await holder


def test_invalid_max_locks() -> None:
    with pytest.raises(ValueError):
        InMemoryLockManager(max_locks=0)
