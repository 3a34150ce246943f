"""RedisLockManager against the local Redis: exclusion between managers (as between
processes), tokens, renewal, safe release, timeouts and RoomKit on top of it."""

from __future__ import annotations

import asyncio
import logging

import pytest

from roomkit import InboundMessage, RoomKit, TextContent, WebSocketChannel
from roomkit.errors import LockTimeoutError
from roomkit.scale.locks import RedisLockManager
from tests.scale.scale_support import FakeTime, LogSignal, ManualSleep, RedisSpace


def manager(space: RedisSpace, **options: object) -> RedisLockManager:
    return RedisLockManager(space.url, prefix=space.prefix, **options)  # type: ignore[arg-type]


async def test_a_lock_is_exclusive_across_managers(space: RedisSpace) -> None:
    first, second = manager(space), manager(space)
    try:
        async with first.locked("room-1"):
            with pytest.raises(LockTimeoutError, match="room-1"):
                async with second.locked("room-1", timeout=0):
                    pass
            async with second.locked("room-2", timeout=0):
                assert await space.client.exists(second.key("room-2")) == 1
        async with second.locked("room-1", timeout=0):
            pass
        assert await space.client.exists(first.key("room-1")) == 0
    finally:
        await first.close()
        await second.close()


async def test_each_acquisition_has_its_own_token_and_ttl(space: RedisSpace) -> None:
    locks = manager(space, ttl=10.0)
    tokens: list[str] = []
    try:
        for _ in range(2):
            async with locks.locked("room-1"):
                tokens.append(await space.client.get(locks.key("room-1")))
                ttl_ms = await space.client.pttl(locks.key("room-1"))
                assert 9000 < ttl_ms <= 10000
    finally:
        await locks.close()
    assert all(len(token) == 32 for token in tokens)
    assert tokens[0] != tokens[1]


async def test_many_holders_in_two_managers_never_overlap(space: RedisSpace) -> None:
    managers = [manager(space), manager(space)]
    inside = 0
    peak = 0

    async def work(number: int) -> None:
        nonlocal inside, peak
        async with managers[number % 2].locked("room-1", timeout=10):
            inside += 1
            peak = max(peak, inside)
            await asyncio.sleep(0)
            await space.client.ping()
            inside -= 1

    try:
        await asyncio.gather(*(work(n) for n in range(12)))
    finally:
        for locks in managers:
            await locks.close()
    assert peak == 1


async def test_a_waiter_gets_the_lock_when_it_is_released(space: RedisSpace) -> None:
    holder, waiter = manager(space), manager(space)
    release = asyncio.Event()
    order: list[str] = []

    async def hold() -> None:
        async with holder.locked("room-1"):
            order.append("held")
            await release.wait()
            order.append("released")

    try:
        holding = asyncio.create_task(hold())
        while not order:
            await asyncio.sleep(0)
        waiting = asyncio.create_task(_take(waiter, "room-1", order))
        await asyncio.sleep(0)
        release.set()
        await asyncio.gather(holding, waiting)
    finally:
        await holder.close()
        await waiter.close()
    assert order == ["held", "released", "taken"]


async def _take(locks: RedisLockManager, room_id: str, order: list[str]) -> None:
    async with locks.locked(room_id, timeout=10):
        order.append("taken")


async def test_a_timeout_raises_after_backing_off(space: RedisSpace) -> None:
    time = FakeTime()
    holder = manager(space)
    waiter = manager(space, min_poll=0.01, max_poll=0.08, clock=time.clock, sleep=time.sleep)
    try:
        async with holder.locked("room-1"):
            with pytest.raises(LockTimeoutError, match="within 1.0s"):
                async with waiter.locked("room-1", timeout=1.0):
                    pass
    finally:
        await holder.close()
        await waiter.close()
    assert time.now == pytest.approx(1.0, abs=0.09)
    assert time.pauses[0] <= 0.01
    assert max(time.pauses) <= 0.08
    assert max(time.pauses) > 0.02  # it backed off


async def test_the_lock_is_renewed_while_held(space: RedisSpace) -> None:
    sleep = ManualSleep()
    locks = manager(space, ttl=30.0, sleep=sleep)
    key = locks.key("room-1")
    try:
        async with locks.locked("room-1"):
            assert await sleep.next_call() == pytest.approx(10.0)
            await space.client.pexpire(key, 1000)
            sleep.wake()
            await sleep.next_call()  # the renewer is back to sleep after renewing
            assert await space.client.pttl(key) > 20000
    finally:
        await locks.close()


async def test_a_lost_lock_stops_renewal_and_release_leaves_the_new_owner(
    space: RedisSpace,
) -> None:
    sleep = ManualSleep()
    locks = manager(space, sleep=sleep)
    key = locks.key("room-1")
    lost = LogSignal("was lost")
    logging.getLogger("roomkit.scale.locks").addHandler(lost)
    try:
        async with locks.locked("room-1"):
            await sleep.next_call()
            await space.client.set(key, "someone-else")
            sleep.wake()
            await lost.wait()
        assert await space.client.get(key) == "someone-else"
    finally:
        logging.getLogger("roomkit.scale.locks").removeHandler(lost)
        await locks.close()


async def test_a_cancelled_waiter_leaves_the_holder_alone(space: RedisSpace) -> None:
    sleep = ManualSleep()
    holder, waiter = manager(space), manager(space, sleep=sleep)
    try:
        async with holder.locked("room-1"):
            token = await space.client.get(holder.key("room-1"))
            waiting = asyncio.create_task(_take(waiter, "room-1", []))
            await sleep.next_call()  # the waiter found the lock taken and is pausing
            waiting.cancel()
            with pytest.raises(asyncio.CancelledError):
                await waiting
            assert await space.client.get(holder.key("room-1")) == token
    finally:
        await holder.close()
        await waiter.close()


async def test_the_body_error_propagates_and_the_lock_is_freed(space: RedisSpace) -> None:
    locks = manager(space)
    try:
        with pytest.raises(RuntimeError, match="boom"):
            async with locks.locked("room-1"):
                raise RuntimeError("boom")
        assert await space.client.exists(locks.key("room-1")) == 0
    finally:
        await locks.close()


async def test_a_given_client_is_left_open(space: RedisSpace) -> None:
    locks = RedisLockManager(client=space.client, prefix=space.prefix)
    async with locks.locked("room-1"):
        pass
    await locks.close()

    assert await space.client.ping() is True


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        ({}, "exactly one of url and client"),
        ({"url": "redis://x", "ttl": 0}, "ttl"),
        ({"url": "redis://x", "min_poll": 0}, "poll"),
        ({"url": "redis://x", "min_poll": 1, "max_poll": 0.5}, "poll"),
    ],
)
def test_bad_arguments_are_refused(arguments: dict[str, object], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        RedisLockManager(**arguments)  # type: ignore[arg-type]


def test_repr_never_shows_the_url() -> None:
    locks = RedisLockManager("redis://:hunter2-secret@cache.example:6379/0", prefix="app:")

    assert repr(locks) == "RedisLockManager(prefix='app:', ttl=30.0)"
    assert "hunter2" not in repr(locks)


async def test_roomkit_processes_inbound_under_redis_locks(space: RedisSpace) -> None:
    locks = manager(space)
    async with RoomKit(lock_manager=locks) as kit:
        kit.register_channel(WebSocketChannel("ws-user"))
        await kit.create_room(room_id="room-1")
        await kit.attach_channel("room-1", "ws-user")
        results = await asyncio.gather(
            *(
                kit.process_inbound(
                    InboundMessage(
                        channel_id="ws-user",
                        sender_id="alice",
                        content=TextContent(body=f"m{n}"),
                        idempotency_key=f"k{n % 3}",
                    )
                )
                for n in range(6)
            )
        )
        assert sum(not r.duplicate for r in results) == 3
        assert await space.client.keys(f"{space.prefix}*") == []
