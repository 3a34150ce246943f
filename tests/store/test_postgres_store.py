"""PostgresStore specifics: construction, pools, schemas and the way it is started."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import pytest

from roomkit.store import postgres as postgres_module
from roomkit.store.postgres import PostgresStore
from tests.factories import make_event, make_room
from tests.services import postgres_schema


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        ({}, "exactly one of dsn and pool"),
        ({"dsn": "postgresql://x", "schema": "bad-name"}, "plain SQL identifier"),
        ({"dsn": "postgresql://x", "schema": 'x"; DROP TABLE y; --'}, "plain SQL identifier"),
        ({"dsn": "postgresql://x", "min_pool_size": 0}, "pool_size"),
        ({"dsn": "postgresql://x", "min_pool_size": 5, "max_pool_size": 2}, "pool_size"),
        ({"dsn": "postgresql://x", "max_batch": 0}, "max_batch"),
    ],
)
def test_bad_arguments_are_refused(arguments: dict[str, object], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        PostgresStore(**arguments)  # type: ignore[arg-type]


def test_repr_never_shows_the_dsn() -> None:
    store = PostgresStore("postgresql://app:s3cret-pw@db.example/prod", schema="chat")

    assert repr(store) == "PostgresStore(schema='chat')"
    assert "s3cret-pw" not in repr(store) and "s3cret-pw" not in str(store)


async def test_connect_sets_up_the_schema_before_returning() -> None:
    async with postgres_schema() as (dsn, schema):
        store = await PostgresStore.connect(dsn, schema=schema, min_pool_size=1, max_pool_size=2)
        try:
            conn = await asyncpg.connect(dsn)
            try:
                tables = await conn.fetch(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = $1",
                    schema,
                )
            finally:
                await conn.close()
        finally:
            await store.close()
    assert {row[0] for row in tables} >= {"rooms", "events", "bindings", "schema_version"}


async def test_connect_fails_at_once_when_the_server_refuses() -> None:
    with pytest.raises(OSError):
        await PostgresStore.connect("postgresql://postgres@127.0.0.1:1/test", schema="nowhere")


async def test_a_given_pool_is_used_and_left_open() -> None:
    async with postgres_schema() as (dsn, schema):
        pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2)
        try:
            store = PostgresStore(pool=pool, schema=schema)
            await store.create_room(make_room(id="room-1"))
            await store.close()

            assert await pool.fetchval(f'SELECT id FROM "{schema}".rooms') == "room-1"
            assert await store.get_room("room-1") is not None
        finally:
            await pool.close()


async def test_schemas_keep_stores_apart() -> None:
    async with postgres_schema() as (dsn, first), postgres_schema() as (_, second):
        one = PostgresStore(dsn, schema=first, max_pool_size=2)
        two = PostgresStore(dsn, schema=second, max_pool_size=2)
        try:
            await one.create_room(make_room(id="room-1"))

            assert await two.get_room("room-1") is None
            assert await two.list_rooms() == []
            await two.create_room(make_room(id="room-1"))
        finally:
            await one.close()
            await two.close()


def _append_batches(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record the size of every batch of event appends the store sends."""
    batches: list[int] = []
    runner = postgres_module._Runner
    fetchmany = runner.fetchmany

    async def counted_fetchmany(self: Any, sql: str, args: Any) -> Any:
        if "INSERT INTO" in sql and ".events " in sql:
            batches.append(len(args))
        return await fetchmany(self, sql, args)

    monkeypatch.setattr(runner, "fetchmany", counted_fetchmany)
    return batches


@asynccontextmanager
async def _store_with_rooms(rooms: list[str], **options: Any) -> AsyncIterator[PostgresStore]:
    """A store in a fresh schema (``options`` passed on) holding these empty rooms."""
    async with postgres_schema() as (dsn, schema):
        store = PostgresStore(dsn, schema=schema, **options)
        try:
            for room in rooms:
                await store.create_room(make_room(id=room))
            yield store
        finally:
            await store.close()


async def test_concurrent_appends_travel_in_one_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    batches = _append_batches(monkeypatch)
    alone: list[str] = []
    runner = postgres_module._Runner
    fetch = runner.fetch

    async def counted_fetch(self: Any, sql: str, *args: Any) -> Any:
        if "INSERT INTO" in sql and ".events " in sql:
            alone.append(sql)
        return await fetch(self, sql, *args)

    monkeypatch.setattr(runner, "fetch", counted_fetch)
    rooms = [f"room-{n}" for n in range(8)]
    async with _store_with_rooms(rooms, max_pool_size=2) as store:
        added = await asyncio.gather(
            *(store.add_event(make_event(room_id=room, body=room)) for room in rooms)
        )

        assert batches == [8] and alone == []
        assert [event.index for event in added] == [0] * 8
        assert [event.room_id for event in added] == rooms
        for room in rooms:
            stored = await store.list_events(room)
            assert [(e.index, e.content.body) for e in stored] == [(0, room)]  # type: ignore[union-attr]


async def test_batches_of_one_room_sent_at_once_keep_its_indexes_gap_free(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    batches = _append_batches(monkeypatch)
    rooms = ["room-a", "room-b"]
    # Four batches of three appends to the same two rooms, in flight together on four
    # connections: each waits for the rooms' counters the others hold.
    async with _store_with_rooms(rooms, max_pool_size=4, max_batch=3) as store:
        events = [make_event(room_id=rooms[n % 2], body=f"m{n}") for n in range(12)]

        added = await asyncio.gather(*(store.add_event(event) for event in events))

        assert batches == [3, 3, 3, 3]
        for room in rooms:
            mine = sorted(a.index for a in added if a.room_id == room)
            assert mine == list(range(6))
            stored = await store.list_events(room)
            assert [e.index for e in stored] == list(range(6))
            assert sorted(e.id for e in stored) == sorted(a.id for a in added if a.room_id == room)
            assert (await store.get_room(room)).event_count == 6  # type: ignore[union-attr]


async def test_without_a_batch_limit_concurrent_appends_travel_in_one_batch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    batches = _append_batches(monkeypatch)
    rooms = [f"room-{n:02}" for n in range(20)]
    async with _store_with_rooms(rooms, max_batch=None) as store:
        added = await asyncio.gather(
            *(store.add_event(make_event(room_id=room)) for room in rooms)
        )

        assert batches == [20]
        assert [event.index for event in added] == [0] * 20
