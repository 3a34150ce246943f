"""SQLite's usual event update stores the JSON as given, and the driver answers the
number of rows a write without ``RETURNING`` changed."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from roomkit.models import EventStatus
from roomkit.store._sql import sqlite_driver
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
