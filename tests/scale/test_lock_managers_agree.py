"""The in-process lock manager and its Redis counterpart take the same tests.

The Redis "processes" are separate managers, the in-memory ones one shared manager. Where
they differ by design (the order waiters are served in), each is held to its own docs.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import nullcontext
from typing import Any

import pytest

from roomkit.core.locks import InMemoryLockManager, RoomLockManager
from roomkit.errors import LockTimeoutError
from roomkit.scale.locks import RedisLockManager
from tests.scale.scale_support import ManualSleep
from tests.services import redis_prefix

# ``processes`` hands out a manager per simulated process.
Processes = Callable[..., RoomLockManager]


@pytest.fixture(params=["memory", "redis"])
async def processes(request: pytest.FixtureRequest) -> AsyncIterator[Processes]:
    """Managers standing for processes: one shared in memory, one each on Redis."""
    made: list[RoomLockManager] = []
    async with redis_prefix() if request.param == "redis" else nullcontext() as place:

        def make(**options: Any) -> RoomLockManager:
            if place is None:
                made[:] = made or [InMemoryLockManager()]
            else:
                made.append(RedisLockManager(place[0], prefix=place[1], **options))
            return made[-1]

        try:
            yield make
        finally:
            for manager in made:
                await manager.close()


async def is_free(locks: RoomLockManager, room_id: str) -> bool:
    try:
        async with locks.locked(room_id, timeout=0):
            return True
    except LockTimeoutError:
        return False


async def test_one_holder_at_a_time_per_room(processes: Processes) -> None:
    managers = [processes(), processes()]
    inside, peak, done = 0, 0, []

    async def work(n: int) -> None:
        nonlocal inside, peak
        async with managers[n % 2].locked("room-1", timeout=10):
            inside += 1
            peak = max(peak, inside)
            for _ in range(3):
                await asyncio.sleep(0)
            inside -= 1
            done.append(n)

    await asyncio.gather(*(work(n) for n in range(8)))

    assert (peak, sorted(done)) == (1, list(range(8)))
    assert await is_free(managers[0], "room-1")


async def test_rooms_are_independent(processes: Processes) -> None:
    first, second = processes(), processes()
    async with first.locked("room-1"):
        assert await is_free(second, "room-2")
        assert not await is_free(second, "room-1")
        async with second.locked("room-2", timeout=0):
            assert not await is_free(first, "room-2")


@pytest.mark.parametrize("timeout", [0, 0.05, -1])
async def test_a_timeout_raises_lock_timeout_error(processes: Processes, timeout: float) -> None:
    first, second = processes(), processes()
    entered = []
    async with asyncio.timeout(5), first.locked("room-1"):
        with pytest.raises(LockTimeoutError, match=r"'room-1' within"):
            async with second.locked("room-1", timeout=timeout):
                entered.append(True)
        async with second.locked("room-2", timeout=timeout):
            entered.append(False)
    assert entered == [False]
    assert await is_free(second, "room-1")


async def test_locks_are_not_reentrant(processes: Processes) -> None:
    locks = processes()
    async with asyncio.timeout(5), locks.locked("room-1"):
        with pytest.raises(LockTimeoutError):
            async with locks.locked("room-1", timeout=0.05):
                pass


async def test_an_error_in_the_body_propagates_and_frees_the_lock(processes: Processes) -> None:
    first, second = processes(), processes()
    with pytest.raises(KeyError, match="boom"):
        async with first.locked("room-1"):
            raise KeyError("boom")

    assert await is_free(second, "room-1")


async def test_cancelling_a_holder_frees_the_lock(processes: Processes) -> None:
    first, second = processes(), processes()
    held = asyncio.Event()

    async def hold() -> None:
        async with first.locked("room-1"):
            held.set()
            await asyncio.Event().wait()

    holder = asyncio.create_task(hold())
    await asyncio.wait_for(held.wait(), timeout=5)
    holder.cancel()
    with pytest.raises(asyncio.CancelledError):
        await holder

    assert await is_free(second, "room-1")


async def test_cancelling_a_waiter_leaves_the_holder_and_then_the_lock_free(
    processes: Processes,
) -> None:
    holder, waiter = processes(), processes()
    entered = []

    async def wait() -> None:
        async with waiter.locked("room-1"):
            entered.append(True)

    async with holder.locked("room-1"):
        waiting = asyncio.create_task(wait())
        done, _ = await asyncio.wait({waiting}, timeout=0.05)
        assert not done  # still waiting for the lock
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        assert not await is_free(waiter, "room-1")
    assert entered == []
    assert await is_free(waiter, "room-1")


@pytest.mark.parametrize(
    ("kind", "served"), [("memory", ["early", "late"]), ("redis", ["late", "early"])]
)
async def test_waiters_are_served_as_each_manager_documents(kind: str, served: list[str]) -> None:
    """In memory, in arrival order; on Redis, in the order their polls find the key free.

    On Redis each waiter has a sleep the test releases: the later waiter's poll comes
    first, as the jittered pauses can make it happen on their own.
    """
    order: list[str] = []
    async with redis_prefix() as (url, prefix):
        sleeps = {"early": ManualSleep(), "late": ManualSleep()}
        if kind == "memory":
            shared = InMemoryLockManager()
            managers: dict[str, RoomLockManager] = dict.fromkeys(["holder", *sleeps], shared)
        else:
            managers = {"holder": RedisLockManager(url, prefix=prefix)}
            for name, sleep in sleeps.items():
                managers[name] = RedisLockManager(url, prefix=prefix, sleep=sleep)

        async def take(name: str) -> None:
            async with managers[name].locked("room-1", timeout=10):
                order.append(name)

        try:
            async with managers["holder"].locked("room-1"):
                waiters = []
                for name in sleeps:
                    waiters.append(asyncio.create_task(take(name)))
                    if kind == "redis":
                        await sleeps[name].next_call()  # it found the lock taken
                    else:
                        await asyncio.sleep(0)
            for name in ("late", "early") if kind == "redis" else ():
                sleeps[name].wake()
                await asyncio.wait({waiters[0 if name == "early" else 1]}, timeout=5)
            await asyncio.wait_for(asyncio.gather(*waiters), timeout=5)
        finally:
            for manager in set(managers.values()):
                await manager.close()
    assert order == served
