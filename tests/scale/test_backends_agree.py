"""The in-process backends and their Redis counterparts agree on what an application sees.

Realtime: one script (subscribe, publish, unsubscribe, close) is played against a small
reference model, :class:`InMemoryRealtime`, and :class:`RedisRealtime` (in one process,
and with the publisher as a second process); every subscriber must receive the same
events in the same order (see ``realtime_script.py`` for how delivery is waited for).

Locks: :class:`InMemoryLockManager` and :class:`RedisLockManager` take the same tests;
the Redis "processes" are separate managers, the in-memory ones one shared manager.
Divergences are pinned by minimal tests marked ``xfail(strict=True)`` on the backend
that breaks what the base classes promise.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import nullcontext
from functools import partial
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roomkit.core.locks import InMemoryLockManager, RoomLockManager
from roomkit.errors import LockTimeoutError
from roomkit.realtime.base import EphemeralEvent, RealtimeBackend
from roomkit.scale.locks import RedisLockManager
from roomkit.scale.realtime import RedisRealtime
from tests.scale.realtime_script import (
    KINDS,
    MODES,
    STAMP,
    Step,
    assert_agree,
    make_event,
    observe_all,
    put,
    realtime_pair,
    received_alone,
)
from tests.scale.scale_support import ManualSleep
from tests.services import redis_prefix, require_redis

SCENARIOS: dict[str, list[Step]] = {
    "every kind reaches a subscriber, in order": [
        ("sub", "a", "r1", "plain"),
        *(("pub", "r1", kind, "alice") for kind in KINDS),
    ],
    "several subscribers and rooms": [
        ("sub", "a", "r1", "plain"),
        ("sub", "b", "r1", "plain"),
        ("sub", "c", "r2", "plain"),
        ("pub", "r1", "typing", "alice"),
        ("pub", "r2", "online", "bob"),
        ("pub", "r3", "read", "carol"),
        ("pub", "r1", "stop", "alice"),
    ],
    "unsubscribe stops one subscription only": [
        ("sub", "a", "r1", "plain"),
        ("sub", "b", "r1", "plain"),
        ("pub", "r1", "typing", "alice"),
        ("unsub", "a"),
        ("unsub", "a"),
        ("unsub", "never-subscribed"),
        ("pub", "r1", "stop", "alice"),
        ("unsub", "b"),
        ("pub", "r1", "away", "alice"),
        ("sub", "c", "r1", "plain"),
        ("pub", "r1", "read", "bob"),
    ],
    "a failing callback keeps its subscription": [
        ("sub", "a", "r1", "flaky"),
        ("sub", "b", "r1", "plain"),
        *(("pub", "r1", kind, "alice") for kind in ("typing", "stop", "read")),
    ],
    "a callback may unsubscribe itself": [
        ("sub", "a", "r1", "once"),
        ("sub", "b", "r1", "plain"),
        ("pub", "r1", "typing", "alice"),
        ("pub", "r1", "stop", "alice"),
        ("unsub", "a"),
    ],
    "one publisher's events keep their order": [
        ("sub", "a", "r1", "plain"),
        ("sub", "b", "r2", "plain"),
        *(("pub", f"r{1 + n % 2}", "typing", f"user{n}") for n in range(30)),
    ],
    "close ends every subscription": [
        ("sub", "a", "r1", "plain"),
        ("sub", "b", "r2", "plain"),
        ("pub", "r1", "typing", "alice"),
        ("close",),
        ("unsub", "a"),
    ],
}


@pytest.mark.parametrize("steps", SCENARIOS.values(), ids=SCENARIOS.keys())
async def test_realtime_backends_deliver_a_script_alike(steps: list[Step]) -> None:
    assert_agree(await observe_all(steps))


ROOMS = st.sampled_from(["r1", "r2"])
RAW_STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("sub"), ROOMS, st.sampled_from(MODES)),
        st.tuples(st.just("pub"), ROOMS, st.sampled_from(list(KINDS)), st.sampled_from("xy")),
        st.tuples(st.just("unsub"), st.integers(0, 5)),
    ),
    max_size=12,
)


def named(raw: list[Step]) -> list[Step]:
    """Give each subscription a name (s0, s1, ...); unsub picks one, maybe not yet made."""
    steps: list[Step] = []
    made = 0
    for step in raw:
        if step[0] == "sub":
            steps.append(("sub", f"s{made}", *step[1:]))
            made += 1
        elif step[0] == "unsub":
            steps.append(("unsub", f"s{step[1]}"))
        else:
            steps.append(step)
    return [*steps, ("close",)]


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(raw=RAW_STEPS)
def test_realtime_backends_deliver_any_script_alike(raw: list[Step]) -> None:
    asyncio.run(require_redis())
    assert_agree(asyncio.run(observe_all(named(raw))))


# Divergences: each minimal test marks the backend that breaks the agreed behaviour.
MEMORY_DIVERGES = "memory"
REDIS_DIVERGES = "redis"


BOTH = pytest.mark.parametrize("kind", ["memory", "redis"])


def backends(wrong: str, reason: str) -> pytest.MarkDecorator:
    """Parametrise over both backends, with a strict xfail on the ``wrong`` one."""
    mark = pytest.mark.xfail(strict=True, raises=AssertionError, reason=reason)
    return pytest.mark.parametrize(
        "kind",
        [
            pytest.param(kind, marks=[mark] if kind == wrong else [])
            for kind in ("memory", "redis")
        ],
    )


@BOTH
async def test_an_event_is_delivered_as_it_was_when_published(kind: str) -> None:
    async def publish_then_reuse(backend: RealtimeBackend) -> None:
        event = make_event(1, "r1", "typing", "alice")
        await backend.publish_to_room("r1", event)
        event.data["reused"] = True  # the application reuses its object

    received = await received_alone(kind, publish_then_reuse)

    assert received.data == {}


@backends(MEMORY_DIVERGES, "InMemoryRealtime hands over data that Redis turns into JSON")
async def test_data_arrives_as_the_wire_carries_it(kind: str) -> None:
    async def publish_a_datetime(backend: RealtimeBackend) -> None:
        event = make_event(1, "r1", "custom", "alice")
        event.data = {"at": STAMP, "pair": (1, 2)}
        await backend.publish_to_room("r1", event)

    received = await received_alone(kind, publish_a_datetime)

    assert received.data == {"at": "2024-03-01T09:00:00Z", "pair": [1, 2]}


@BOTH
async def test_a_closed_backend_refuses_new_subscriptions(kind: str) -> None:
    async with realtime_pair(kind) as (backend, _, _):
        await backend.close()
        try:
            await backend.subscribe_to_room("r1", partial(put, asyncio.Queue()))
        except RuntimeError as refusal:
            assert "closed" in str(refusal)
        else:
            raise AssertionError("a closed backend took a new subscription")


def publish_and_wait(url: str, prefix: str, event: EphemeralEvent) -> None:
    """Another process publishes ``event`` on room r1; this loop is blocked until it is done."""

    async def publish() -> None:
        other = RedisRealtime(url, prefix=prefix)
        try:
            await other.publish_to_room("r1", event)
        finally:
            await other.close()

    thread = threading.Thread(target=asyncio.run, args=(publish(),))
    thread.start()
    thread.join()


@backends(REDIS_DIVERGES, "RedisRealtime gives a new subscriber events still in flight")
async def test_a_new_subscriber_gets_only_what_is_published_after(kind: str) -> None:
    async with realtime_pair(kind) as (backend, _, (url, prefix)):
        first: asyncio.Queue[EphemeralEvent] = asyncio.Queue()
        second: asyncio.Queue[EphemeralEvent] = asyncio.Queue()
        await backend.subscribe_to_room("r1", partial(put, first))
        early, late = (make_event(n, "r1", "typing", "alice") for n in (1, 2))
        if kind == "memory":
            await backend.publish_to_room("r1", early)
        else:
            publish_and_wait(url, prefix, early)
        await backend.subscribe_to_room("r1", partial(put, second))
        await backend.publish_to_room("r1", late)

        for _ in (early, late):
            await asyncio.wait_for(first.get(), timeout=5)
        assert await asyncio.wait_for(second.get(), timeout=5) == late


# Locks: ``processes`` hands out a manager per simulated process.
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
