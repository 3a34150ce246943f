"""RedisRealtime's listener notices a pub/sub connection that no longer answers.

A connection that died without being closed (a load balancer forgetting an idle one,
say) never fails a read: after ``health_check_interval`` of silence the listener sends
a PING, and if that goes unanswered for as long again it makes a new connection.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from typing import Any

import pytest

from roomkit import EphemeralEvent
from roomkit.scale.locks import RedisLockManager
from roomkit.scale.realtime import RedisRealtime
from tests.scale.realtime_script import make_event, put
from tests.scale.scale_support import Gate, LogSignal, RedisSpace, eventually, gated_client

pytestmark = pytest.mark.timeout(60)

INTERVAL = 0.2
"""Seconds; long enough for a PING's answer on a busy machine."""
HEALTH = "roomkit-health-check"


def _health_pings(gate: Gate) -> int:
    return sum(1 for args in gate.sent if args[:2] == ("PING", HEALTH))


@asynccontextmanager
async def _watched(
    space: RedisSpace, gate: Gate, interval: float | None, **options: Any
) -> AsyncIterator[tuple[RedisRealtime, asyncio.Queue[EphemeralEvent], LogSignal]]:
    """A backend on a gated client, subscribed to room-1, and its 'reconnecting' log."""
    client = gated_client(space.url, gate, **options)
    backend = RedisRealtime(client=client, prefix=space.prefix, health_check_interval=interval)
    received: asyncio.Queue[EphemeralEvent] = asyncio.Queue()
    dropped = LogSignal("did not answer a PING")
    log = logging.getLogger("roomkit.scale.realtime")
    log.addHandler(dropped)
    try:
        await backend.subscribe_to_room("room-1", partial(put, received))
        yield backend, received, dropped
    finally:
        log.removeHandler(dropped)
        await backend.close()
        await client.aclose()


async def _reaches(space: RedisSpace, received: asyncio.Queue[EphemeralEvent]) -> None:
    """Publish from another client until ``received`` gets an event (bounded)."""
    publisher = RedisRealtime(space.url, prefix=space.prefix)
    try:

        async def delivered() -> bool:
            await publisher.publish_to_room("room-1", make_event(1, "room-1", "typing", "later"))
            return not received.empty()

        await eventually(delivered)
    finally:
        await publisher.close()


@pytest.mark.parametrize("protocol", [3, 2])  # a PING's answer differs between them
async def test_an_idle_connection_that_answers_is_kept(space: RedisSpace, protocol: int) -> None:
    gate = Gate()
    async with _watched(space, gate, INTERVAL, protocol=protocol) as (_, received, dropped):

        async def three_pings() -> bool:
            return _health_pings(gate) >= 3

        await eventually(three_pings)
        await _reaches(space, received)

        assert not dropped.seen.is_set()
        assert [args[0] for args in gate.sent].count("SUBSCRIBE") == 1


async def test_a_connection_that_stops_answering_is_replaced(space: RedisSpace) -> None:
    gate = Gate()
    async with _watched(space, gate, INTERVAL) as (_, received, dropped):

        async def one_ping() -> bool:
            return _health_pings(gate) >= 1

        await eventually(one_ping)
        gate.lose.add("PING")  # the next PING goes unanswered, as on a dead connection
        await dropped.wait()
        await _reaches(space, received)

        assert [args[0] for args in gate.sent].count("SUBSCRIBE") == 2  # re-subscribed


async def test_without_health_checks_the_listener_waits_as_long_as_it_takes(
    space: RedisSpace,
) -> None:
    gate = Gate()
    async with _watched(space, gate, None) as (_, received, _):
        await _reaches(space, received)

    assert _health_pings(gate) == 0


@pytest.mark.parametrize("interval", [0, -1.0])
def test_the_interval_must_be_positive(interval: float) -> None:
    with pytest.raises(ValueError, match="health_check_interval must be positive"):
        RedisRealtime("redis://127.0.0.1:6379", health_check_interval=interval)


async def test_redis_py_connection_options_in_the_url_are_kept(space: RedisSpace) -> None:
    # The options operations.md suggests for connections a network may drop silently.
    url = f"{space.url}?health_check_interval=30&socket_timeout=5&socket_keepalive=true"
    locks = RedisLockManager(url, prefix=f"{space.prefix}lock:")
    backend = RedisRealtime(url, prefix=space.prefix)
    received: asyncio.Queue[EphemeralEvent] = asyncio.Queue()
    try:
        async with locks.locked("room-1", timeout=5):
            await backend.subscribe_to_room("room-1", partial(put, received))
            await backend.publish_to_room("room-1", make_event(1, "room-1", "typing", "alice"))
            event = await asyncio.wait_for(received.get(), timeout=5)
        options = [
            client.connection_pool.connection_kwargs for client in (locks._redis, backend._redis)
        ]
    finally:
        await backend.close()
        await locks.close()

    assert event.user_id == "alice"
    for given in options:
        assert (given["health_check_interval"], given["socket_timeout"]) == (30, 5.0)
        assert given["socket_keepalive"] is True
