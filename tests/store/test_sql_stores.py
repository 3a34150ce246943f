"""What the SQL stores add to the contract: durability, migrations, uniqueness under
concurrency, and scans that go past one batch. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from roomkit.errors import ConfigurationError, DuplicateEventError
from roomkit.models import ChannelType, EventStatus, RoomEvent, RoomStatus
from roomkit.store._sql.migrations import Migration, migrate
from roomkit.store._sql.postgres_schema import postgres_migrations
from roomkit.store._sql.sqlite_schema import SQLITE_MIGRATIONS
from roomkit.store._sql.store import SQLStore
from tests.factories import (
    add_events,
    make_binding,
    make_event,
    make_identity,
    make_participant,
    make_room,
)
from tests.store.backends import Backend


def _sql(backend: Backend, **options: Any) -> SQLStore:
    store = backend.open_store(**options)
    assert isinstance(store, SQLStore)
    return store


async def test_a_repeated_idempotency_key_is_refused_without_a_gap(backend: Backend) -> None:
    store = _sql(backend)
    try:
        await store.create_room(make_room(id="room-1"))
        await store.add_event(make_event(idempotency_key="k1"))

        with pytest.raises(ValueError, match="idempotency key 'k1'"):
            await store.add_event(make_event(idempotency_key="k1"))

        room = await store.get_room("room-1")
        assert room is not None and (room.event_count, room.latest_index) == (1, 0)
        assert (await store.add_event(make_event(idempotency_key="k2"))).index == 1
    finally:
        await store.close()


async def test_an_update_cannot_take_a_key_another_event_holds(backend: Backend) -> None:
    store = _sql(backend)
    try:
        await store.create_room(make_room(id="room-1"))
        await store.add_event(make_event(idempotency_key="k1"))
        second = await store.add_event(make_event(idempotency_key="k2"))

        with pytest.raises(ValueError, match="idempotency key"):
            await store.update_event(second.model_copy(update={"idempotency_key": "k1"}))

        stored = await store.get_event(second.id)
        assert stored is not None and stored.idempotency_key == "k2"
    finally:
        await store.close()


async def test_everything_survives_a_restart(backend: Backend) -> None:
    first = _sql(backend)
    await first.create_room(make_room(id="room-1", metadata={"topic": "billing"}))
    events = await add_events(first, 3)
    await first.add_binding(make_binding("room-1", "ws-1", ChannelType.WEBSOCKET))
    await first.mark_read("room-1", "ws-1", events[1].id)
    await first.add_participant(make_participant("room-1", "user-1"))
    await first.create_identity(make_identity("id-1", channel_addresses={"sms": ["+1"]}))
    await first.close()

    second = _sql(backend)
    try:
        room = await second.get_room("room-1")
        assert room is not None and room.metadata == {"topic": "billing"}
        assert (room.event_count, room.latest_index) == (3, 2)
        assert [e.id for e in await second.list_events("room-1")] == [e.id for e in events]
        assert await second.get_unread_count("room-1", "ws-1") == 1
        assert await second.find_latest_room("user-1") == room
        identity = await second.resolve_identity("sms", "+1")
        assert identity is not None and identity.id == "id-1"
        assert (await second.add_event(make_event())).index == 3
    finally:
        await second.close()


async def test_a_closed_store_reopens_on_next_use(backend: Backend) -> None:
    store = _sql(backend)
    try:
        await store.open()
        await store.create_room(make_room(id="room-1"))
        await store.close()

        assert await store.get_room("room-1") is not None
    finally:
        await store.close()


async def test_concurrent_writers_get_unique_gap_free_indexes(backend: Backend) -> None:
    writers = [_sql(backend), _sql(backend)]
    try:
        await writers[0].create_room(make_room(id="room-1"))
        added = await asyncio.gather(
            *(writers[n % 2].add_event(make_event(body=f"m{n}")) for n in range(60))
        )

        assert sorted(event.index for event in added) == list(range(60))
        timeline = await writers[1].list_events("room-1", limit=100)
        assert [event.index for event in timeline] == list(range(60))
        assert {event.id for event in timeline} == {event.id for event in added}
        room = await writers[0].get_room("room-1")
        assert room is not None and (room.event_count, room.latest_index) == (60, 59)
    finally:
        for writer in writers:
            await writer.close()


async def test_racing_duplicates_store_one_event(backend: Backend) -> None:
    writers = [_sql(backend), _sql(backend)]
    try:
        await writers[0].create_room(make_room(id="room-1"))
        outcomes = await asyncio.gather(
            *(writers[n % 2].add_event(make_event(idempotency_key="same")) for n in range(10)),
            return_exceptions=True,
        )

        stored = [o for o in outcomes if not isinstance(o, BaseException)]
        refused = [o for o in outcomes if isinstance(o, ValueError)]
        assert (len(stored), len(refused)) == (1, 9)
        assert await writers[1].get_event_count("room-1") == 1
        assert (await writers[1].add_event(make_event())).index == 1
    finally:
        for writer in writers:
            await writer.close()


async def test_a_conflict_among_concurrent_writes_fails_alone(backend: Backend) -> None:
    store = _sql(backend)
    try:
        for room in ("room-1", "room-2", "room-3"):
            await store.create_room(make_room(id=room))
        await store.add_event(make_event(room_id="room-2", idempotency_key="taken"))
        events = [make_event(room_id=f"room-{n % 3 + 1}", body=f"m{n}") for n in range(30)]
        events[20] = make_event(room_id="room-2", idempotency_key="taken")

        outcomes = await asyncio.gather(
            *(store.add_event(event) for event in events), return_exceptions=True
        )
        updates = await asyncio.gather(
            *(
                store.update_event(outcome.model_copy(update={"metadata": {"seen": True}}))
                for outcome in outcomes
                if isinstance(outcome, RoomEvent)
            )
        )

        assert [n for n, o in enumerate(outcomes) if isinstance(o, BaseException)] == [20]
        assert isinstance(outcomes[20], DuplicateEventError)
        for room in ("room-1", "room-2", "room-3"):
            timeline = await store.list_events(room, limit=100)
            assert [event.index for event in timeline] == list(range(len(timeline)))
        assert [await store.get_event_count(f"room-{n}") for n in (1, 2, 3)] == [10, 11, 9]
        assert all(event.metadata == {"seen": True} for event in updates)
        stored = await store.get_event(updates[-1].id)
        assert stored is not None and stored.metadata == {"seen": True}
    finally:
        await store.close()


async def test_concurrent_creations_store_each_room_once(backend: Backend) -> None:
    store = _sql(backend)
    try:
        ids = [f"room-{n}" for n in range(12)] + ["room-3"]

        outcomes = await asyncio.gather(
            *(store.create_room(make_room(id=room_id)) for room_id in ids),
            return_exceptions=True,
        )

        refused = [o for o in outcomes if isinstance(o, BaseException)]
        assert len(refused) == 1 and isinstance(refused[0], ValueError)
        assert sorted(room.id for room in await store.list_rooms(limit=50)) == sorted(set(ids))
    finally:
        await store.close()


async def test_metadata_filter_scans_past_one_batch(backend: Backend) -> None:
    store = _sql(backend)
    try:
        for number in range(450):
            tier = "gold" if number % 10 == 3 else "free"
            status = RoomStatus.CLOSED if number == 443 else RoomStatus.ACTIVE
            await store.create_room(
                make_room(id=f"r{number:03d}", status=status, metadata={"tier": tier})
            )

        gold = await store.find_rooms(metadata_filter={"tier": "gold"}, limit=100)
        page = await store.find_rooms(metadata_filter={"tier": "gold"}, offset=40, limit=3)
        active = await store.find_rooms(
            status=RoomStatus.ACTIVE, metadata_filter={"tier": "gold"}, offset=43
        )
        odd = await store.find_rooms(metadata_filter={"tier": {1, 2}})

        assert [r.id for r in gold] == [f"r{n:03d}" for n in range(3, 450, 10)]
        assert [r.id for r in page] == ["r403", "r413", "r423"]
        assert [r.id for r in active] == ["r433"]
        assert odd == []
    finally:
        await store.close()


async def test_the_schema_version_is_recorded_once(backend: Backend) -> None:
    store = _sql(backend)
    try:
        await store.open()
        await store.close()
        await store.open()
        rows = await store._db.fetch(f"SELECT version FROM {store._prefix}schema_version")
    finally:
        await store.close()
    steps = SQLITE_MIGRATIONS if backend.name == "sqlite" else postgres_migrations("")
    assert [row[0] for row in rows] == [step.version for step in steps]


async def test_a_newer_schema_is_refused(backend: Backend) -> None:
    store = _sql(backend)
    try:
        await store.open()
        await store._db.execute(
            f"INSERT INTO {store._prefix}schema_version (version, description, applied_at)"
            " VALUES ($1, $2, $3)",
            99,
            "from the future",
            "2099-01-01",
        )
        await store.close()
        with pytest.raises(ConfigurationError, match="version 99"):
            await store.open()
    finally:
        await store.close()


async def test_migrations_must_be_in_order() -> None:
    steps = [Migration(2, "b", ()), Migration(1, "a", ())]
    with pytest.raises(ValueError, match="increasing"):
        await migrate(None, steps, version_table="v", applied_at="now")  # type: ignore[arg-type]


async def test_events_round_trip_every_field(backend: Backend) -> None:
    store = _sql(backend)
    try:
        await store.create_room(make_room(id="room-1"))
        event = make_event(
            status=EventStatus.FAILED,
            visibility="internal",
            correlation_id="c1",
            metadata={
                "nested": {"list": [1, 2.5, None, "x", True]},
                "unicode": 'héllo ✓ \u2028 \\ "',
                "precise": 0.1 + 0.2,
                "tiny": -1.5e-300,
                "huge": 2**70,
            },
        )
        added = await store.add_event(event)
        updated = await store.update_event(added.model_copy(update={"correlation_id": "c2"}))

        assert await store.get_event(added.id) == updated
        assert (await store.list_events("room-1"))[0].metadata == event.metadata
    finally:
        await store.close()
