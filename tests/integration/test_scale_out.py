"""Several worker processes on one PostgreSQL schema and one Redis: exactly-once storage,
gap-free indexes, one delivery per message, and a SIGKILL in the middle of a stream.

The workers are real processes (``scale_worker.py``) reporting each finished call on
stdout; the parent sets the rooms up, starts them, and checks the shared store.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from roomkit import RoomEvent, RoomKit, WebSocketChannel
from roomkit.store.postgres import PostgresStore
from tests.services import postgres_schema, redis_prefix

WORKER = Path(__file__).with_name("scale_worker.py")


@dataclass(frozen=True)
class Cluster:
    """Where the workers meet: a schema, a Redis prefix, and a scratch directory."""

    dsn: str
    schema: str
    redis_url: str
    prefix: str
    scratch: Path
    rooms: int

    def store(self) -> PostgresStore:
        """A store on the shared schema (close it after use)."""
        return PostgresStore(self.dsn, schema=self.schema, max_pool_size=2)


async def _set_up_rooms(cluster: Cluster) -> None:
    async with RoomKit(store=cluster.store()) as kit:
        kit.register_channel(WebSocketChannel("ws-agent"))
        for number in range(cluster.rooms):
            kit.register_channel(WebSocketChannel(f"ws-room-{number}"))
            await kit.create_room(room_id=f"room-{number}")
            await kit.attach_channel(f"room-{number}", f"ws-room-{number}")
            await kit.attach_channel(f"room-{number}", "ws-agent")


@pytest.fixture
async def cluster(tmp_path: Path) -> AsyncIterator[Cluster]:
    """Rooms ``room-0`` to ``room-3``, each with its inbound channel and the agent."""
    async with postgres_schema() as (dsn, schema), redis_prefix() as (url, prefix):
        shared = Cluster(dsn, schema, url, prefix, tmp_path, rooms=4)
        await _set_up_rooms(shared)
        yield shared


def _messages(rooms: int, per_room: int) -> list[dict[str, Any]]:
    return [
        {"room": room, "body": f"message {n} to room {room}", "key": f"r{room}-m{n}"}
        for n in range(per_room)
        for room in range(rooms)
    ]


async def _start(
    cluster: Cluster, name: str, messages: list[dict[str, Any]], concurrency: int
) -> asyncio.subprocess.Process:
    config = {
        "dsn": cluster.dsn,
        "schema": cluster.schema,
        "redis_url": cluster.redis_url,
        "prefix": cluster.prefix,
        "ttl": 2.0,
        "rooms": cluster.rooms,
        "concurrency": concurrency,
        "messages": messages,
    }
    path = cluster.scratch / f"{name}.json"
    path.write_text(json.dumps(config))
    return await asyncio.create_subprocess_exec(
        sys.executable,
        str(WORKER),
        path.read_text(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def _finish(worker: asyncio.subprocess.Process) -> list[list[str]]:
    """Wait (at most 60 s) for a worker; return its fact lines, failing on a crash."""
    out, err = await asyncio.wait_for(worker.communicate(), timeout=60)
    assert worker.returncode == 0, err.decode()[-3000:]
    return [line.split(" ", 2) for line in out.decode().splitlines()]


async def _timelines(cluster: Cluster) -> dict[int, list[RoomEvent]]:
    store = cluster.store()
    try:
        return {
            number: await store.list_events(f"room-{number}", limit=100_000)
            for number in range(cluster.rooms)
        }
    finally:
        await store.close()


async def _check_consistent(cluster: Cluster) -> dict[str, RoomEvent]:
    """Check every room's timeline and counters; return the stored messages by key."""
    store = cluster.store()
    by_key: dict[str, RoomEvent] = {}
    try:
        for number, timeline in (await _timelines(cluster)).items():
            assert [event.index for event in timeline] == list(range(len(timeline)))
            room = await store.get_room(f"room-{number}")
            assert room is not None
            assert (room.event_count, room.latest_index) == (len(timeline), len(timeline) - 1)
            for event in timeline:
                if event.idempotency_key is not None:
                    assert event.idempotency_key not in by_key
                    assert event.room_id == f"room-{number}"
                    by_key[event.idempotency_key] = event
    finally:
        await store.close()
    return by_key


async def test_two_workers_store_each_message_once_and_deliver_it_once(
    cluster: Cluster,
) -> None:
    messages = _messages(cluster.rooms, per_room=50)
    shuffled = random.Random(7).sample(messages, len(messages))
    repeated = messages + messages[::5]

    workers = [
        await _start(cluster, "first", repeated, concurrency=8),
        await _start(cluster, "second", shuffled, concurrency=8),
    ]
    facts = [fact for worker in workers for fact in await _finish(worker)]

    assert [fact for fact in facts if fact[0] == "error"] == []
    finished = [fact for fact in facts if fact[0] == "done"]
    assert len(finished) == len(repeated) + len(shuffled)
    stored_by = {key: outcome for _, key, outcome in finished if outcome != "duplicate"}
    assert Counter(key for _, key, outcome in finished if outcome != "duplicate") == Counter(
        {message["key"]: 1 for message in messages}
    )
    by_key = await _check_consistent(cluster)
    assert set(by_key) == set(stored_by)
    assert all(by_key[key].id == event_id for key, event_id in stored_by.items())
    delivered = Counter(fact[1] for fact in facts if fact[0] == "delivered")
    assert delivered == Counter({event.id: 1 for event in by_key.values()})


async def test_a_killed_worker_loses_nothing_that_it_reported_done(cluster: Cluster) -> None:
    messages = _messages(cluster.rooms, per_room=60)
    victim = await _start(cluster, "victim", messages, concurrency=1)
    reported: dict[str, str] = {}
    assert victim.stdout is not None
    while len(reported) < 40:
        line = await asyncio.wait_for(victim.stdout.readline(), timeout=30)
        assert line.endswith(b"\n"), "the worker stopped before being killed"
        kind, key, *rest = line.decode().split()
        assert kind != "error", line
        if kind == "done":
            reported[key] = rest[0]
    victim.kill()
    await victim.wait()

    by_key = await _check_consistent(cluster)
    assert all(by_key[key].id == event_id for key, event_id in reported.items())
    assert len(reported) <= len(by_key) <= len(reported) + 1  # at most the one in flight
    leftovers = Redis.from_url(cluster.redis_url)
    try:
        async for lock in leftovers.scan_iter(match=f"{cluster.prefix}*"):
            assert 0 < await leftovers.pttl(lock) <= 2000  # a dead holder's lock expires
    finally:
        await leftovers.aclose()

    successor = await _start(cluster, "successor", messages, concurrency=4)
    facts = await _finish(successor)

    assert [fact for fact in facts if fact[0] == "error"] == []
    outcomes = {fact[1]: fact[2] for fact in facts if fact[0] == "done"}
    assert all(outcomes[key] == "duplicate" for key in by_key)
    final = await _check_consistent(cluster)
    assert set(final) == {message["key"] for message in messages}
    assert all(final[key].id == event.id for key, event in by_key.items())
