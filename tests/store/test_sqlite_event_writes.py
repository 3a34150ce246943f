"""SQLite's usual event writes: an append at the index the store expects and an update
in place, both storing the JSON as given; the driver answers the number of rows a write
without ``RETURNING`` changed."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from roomkit.errors import DuplicateEventError, RoomNotFoundError
from roomkit.models import EventStatus
from roomkit.store._sql import sqlite_driver
from roomkit.store._sql.event_writes import NextIndexes
from roomkit.store._sql.sqlite_driver import SQLiteDriver
from roomkit.store.sqlite import SQLiteStore
from tests.factories import make_event, make_room


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SQLiteStore]:
    store = SQLiteStore(tmp_path / "kit.db")
    await store.create_room(make_room(id="room-1"))
    await store.create_room(make_room(id="room-2"))
    yield store
    await store.close()


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every statement the SQLite runner executes from now on, as written by the store."""
    seen: list[str] = []
    original = sqlite_driver._Runner.run

    def run(runner: Any, sql: str, args: tuple[Any, ...]) -> Any:
        seen.append(sql)
        return original(runner, sql, args)

    monkeypatch.setattr(sqlite_driver._Runner, "run", run)
    return seen


def _stored_json(path: str, event_id: str) -> Any:
    with sqlite3.connect(path) as conn:
        row = conn.execute("SELECT data, idx, room_id FROM events WHERE id = ?", (event_id,))
        data, idx, room_id = row.fetchone()
    return json.loads(data), idx, room_id


async def test_the_usual_update_stores_the_json_as_given(
    store: SQLiteStore, statements: list[str]
) -> None:
    await store.add_event(make_event(body="first"))
    added = await store.add_event(make_event(body="second"))
    changed = added.model_copy(
        update={"status": EventStatus.DELIVERED, "delivery_results": {"ws-1": {"ok": True}}}
    )
    statements.clear()

    updated = await store.update_event(changed)

    assert len(statements) == 1
    assert "RETURNING" not in statements[0] and "json_set" not in statements[0]
    assert updated == changed and updated is not changed
    assert await store.get_event(added.id) == changed
    data, idx, room_id = _stored_json(store.path, added.id)
    assert data == json.loads(changed.model_dump_json())
    assert (data["index"], data["room_id"]) == (idx, room_id) == (1, "room-1")


@pytest.mark.parametrize(
    ("field", "value"),
    [("index", 7), ("room_id", "room-2"), ("visibility", "internal"), ("idempotency_key", "k")],
)
async def test_an_update_changing_the_place_or_an_indexed_column_takes_the_full_path(
    store: SQLiteStore, statements: list[str], field: str, value: Any
) -> None:
    added = await store.add_event(make_event(body="only"))
    statements.clear()

    updated = await store.update_event(added.model_copy(update={field: value}))

    assert len(statements) >= 2  # the in-place update found nothing to change
    assert (updated.index, updated.room_id) == (0, "room-1")
    data, idx, room_id = _stored_json(store.path, added.id)
    assert (data["index"], data["room_id"]) == (idx, room_id) == (0, "room-1")
    if field in ("visibility", "idempotency_key"):
        assert data[field] == value == getattr(updated, field)


async def test_an_update_in_place_with_vendor_ids_records_them_too(store: SQLiteStore) -> None:
    added = await store.add_event(make_event(body="sent"))
    result = {"sms-1": {"status": "delivered", "provider_message_id": "vendor-7"}}

    updated = await store.update_event(added.model_copy(update={"delivery_results": result}))

    assert updated.delivery_results == result
    found = await store.find_event_by_provider_message_id("vendor-7")
    assert found is not None and found.id == added.id


async def test_a_write_without_returning_answers_the_rows_it_changed(tmp_path: Path) -> None:
    driver = SQLiteDriver(str(tmp_path / "count.db"), busy_timeout=1.0)
    store = SQLiteStore(tmp_path / "count.db")
    await store.create_room(make_room(id="room-1"))
    await store.create_room(make_room(id="room-2"))
    await store.close()
    update = "UPDATE rooms SET status = $2 WHERE id = $1 OR $1 = 'all'"
    try:
        assert await driver.fetchval(update, "room-1", "closed") == 1
        assert await driver.fetchval(update, "nowhere", "closed") == 0
        async with driver.transaction() as conn:
            assert await conn.fetchval(update, "all", "active") == 2
        # Writes made together share a group commit; each still gets its own count.
        counts = await asyncio.gather(
            *(driver.fetchval(update, room, "paused") for room in ("room-1", "x", "all"))
        )
        assert counts == [1, 0, 2]
        returning = "UPDATE rooms SET status = $2 WHERE id = $1 RETURNING id"
        assert await driver.fetch(returning, "nowhere", "closed") == []
    finally:
        await driver.close()


def _plain(sql: str) -> bool:
    """Whether a statement stores its JSON as given and answers a count (no RETURNING)."""
    return "RETURNING" not in sql and "json_set" not in sql


async def test_appends_after_the_first_go_at_the_expected_index(
    store: SQLiteStore, statements: list[str]
) -> None:
    first = await store.add_event(make_event(body="first"))
    assert [_plain(sql) for sql in statements] == [False]  # nothing expected yet
    statements.clear()

    added = [await store.add_event(make_event(body=f"m{n}")) for n in range(3)]

    assert [_plain(sql) for sql in statements] == [True, True, True]
    assert [event.index for event in [first, *added]] == [0, 1, 2, 3]
    for event in added:
        data, idx, room_id = _stored_json(store.path, event.id)
        assert (data["index"], idx, room_id) == (event.index, event.index, "room-1")
        assert await store.get_event(event.id) == event
    room = await store.get_room("room-1")
    assert room is not None and (room.event_count, room.latest_index) == (4, 3)


async def test_an_append_by_another_store_makes_the_next_one_claim_its_index(
    store: SQLiteStore, statements: list[str]
) -> None:
    await store.add_event(make_event(body="mine"))
    other = SQLiteStore(store.path)  # another process on the same file
    try:
        assert (await other.add_event(make_event(body="theirs"))).index == 1
    finally:
        await other.close()
    statements.clear()

    added = await store.add_event(make_event(body="mine again"))

    assert [_plain(sql) for sql in statements] == [True, False]  # the guess, then the claim
    assert added.index == 2
    data, idx, _ = _stored_json(store.path, added.id)
    assert data["index"] == idx == 2
    assert [e.index for e in await store.list_events("room-1")] == [0, 1, 2]
    assert (await store.add_event(make_event(body="and on"))).index == 3


async def test_a_room_deleted_and_made_again_starts_at_zero(store: SQLiteStore) -> None:
    await store.add_event(make_event(body="old"))
    await store.add_event(make_event(body="old too"))
    assert await store.delete_room("room-1")

    with pytest.raises(RoomNotFoundError):
        await store.add_event(make_event(body="nowhere"))
    await store.create_room(make_room(id="room-1"))
    assert (await store.add_event(make_event(body="new"))).index == 0


async def test_duplicates_are_refused_at_the_expected_index_too(store: SQLiteStore) -> None:
    first = await store.add_event(make_event(body="first", idempotency_key="k1"))

    with pytest.raises(ValueError, match="already stored"):
        await store.add_event(first)
    with pytest.raises(DuplicateEventError):
        await store.add_event(make_event(body="again", idempotency_key="k1"))
    assert (await store.add_event(make_event(body="second"))).index == 1
    assert await store.get_event_count("room-1") == 2


async def test_closing_forgets_the_expected_indexes(
    store: SQLiteStore, statements: list[str]
) -> None:
    await store.add_event(make_event(body="first"))
    await store.close()
    statements.clear()

    assert (await store.add_event(make_event(body="second"))).index == 1
    assert not _plain(statements[-1])


def test_the_rooms_used_longest_ago_are_forgotten_first() -> None:
    indexes = NextIndexes(limit=2)
    indexes.appended("a", 0)
    indexes.appended("b", 4)
    indexes.appended("a", 1)  # a is now the most recent
    indexes.appended("c", 9)

    assert [indexes.guess(room) for room in ("a", "b", "c")] == [2, None, 10]


async def test_two_stores_appending_in_turns_keep_every_room_gap_free(
    store: SQLiteStore, statements: list[str]
) -> None:
    other = SQLiteStore(store.path)  # another process on the same file
    rooms = ["room-1", "room-2"]
    try:
        for round_number in range(6):
            await asyncio.gather(
                *(
                    writer.add_event(make_event(room_id=room, body=f"{round_number}"))
                    for writer in (store, other)
                    for room in rooms
                )
            )
    finally:
        await other.close()

    guessed = sum(_plain(sql) for sql in statements if sql.startswith("INSERT INTO events"))
    claimed = sum(not _plain(sql) for sql in statements if sql.startswith("INSERT INTO events"))
    assert guessed and claimed  # some guesses held, others met the other store's appends
    with sqlite3.connect(store.path) as conn:
        for room in rooms:
            rows = conn.execute(
                "SELECT idx, data FROM events WHERE room_id = ? ORDER BY idx", (room,)
            ).fetchall()
            assert [idx for idx, _ in rows] == list(range(12))
            assert all(json.loads(data)["index"] == idx for idx, data in rows)
            counters = conn.execute(
                "SELECT event_count, latest_index FROM rooms WHERE id = ?", (room,)
            ).fetchone()
            assert counters == (12, 11)
