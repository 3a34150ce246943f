"""SQLite's visibility index leaves out events visible to all: their pages walk the
primary key, the other visibilities' pages use the index, and older files migrate."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from roomkit.store.sqlite import SQLiteStore
from tests.store.sqlite_schema_undo import UNDO_MEMBERS_VERSION
from tests.store.visibility_pages import EXPECTED, fill, read_pages


async def _fill(path: Path) -> None:
    store = SQLiteStore(path)
    try:
        await fill(store)
    finally:
        await store.close()


def _run(path: Path, *statements: str) -> list[Any]:
    """Run the statements on the file (then commit and close); the last one's rows."""
    rows: list[Any] = []
    with closing(sqlite3.connect(path)) as conn:
        for statement in statements:
            rows = conn.execute(statement).fetchall()
        conn.commit()
    return rows


def _plan(store: SQLiteStore, name: str) -> str:
    """How SQLite runs the store's statement ``name`` (its query plan, one line)."""
    sql, order, *_ = store._db.translations[store._q[name]]
    conn = store._db._conn
    assert conn is not None
    rows = conn.execute(f"EXPLAIN QUERY PLAN {sql}", [None] * len(order)).fetchall()
    return " / ".join(row[3] for row in rows)


async def _pages(path: Path) -> dict[str, list[int]]:
    store = SQLiteStore(path)
    try:
        return await read_pages(store)
    finally:
        await store.close()


async def test_pages_visible_to_all_walk_the_primary_key(tmp_path: Path) -> None:
    path = tmp_path / "kit.db"
    await _fill(path)
    store = SQLiteStore(path)
    try:
        await store.open()
        everyone = _plan(store, "events_page_all")
        others = _plan(store, "events_page_visible")
    finally:
        await store.close()

    assert "sqlite_autoindex_events" in everyone, everyone  # the primary key, in order
    assert "events_by_visibility" not in everyone and "TEMP B-TREE" not in everyone
    assert "events_by_visibility" in others and "TEMP B-TREE" not in others, others
    assert await _pages(path) == EXPECTED


async def test_only_events_not_visible_to_all_enter_the_index(tmp_path: Path) -> None:
    path = tmp_path / "kit.db"
    await _fill(path)

    # ANALYZE counts each index's entries
    stats = dict(_run(path, "ANALYZE", "SELECT idx, stat FROM sqlite_stat1"))

    assert stats["events_by_visibility"].split()[0] == "4"  # of the 10 events
    assert stats["sqlite_autoindex_events_2"].split()[0] == "10"  # the primary key


async def test_a_file_with_the_full_index_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "kit.db"
    await _fill(path)
    _run(  # as the first release left it
        path,
        "DROP INDEX events_by_visibility",
        "CREATE INDEX events_by_visibility ON events (room_id, visibility, idx)",
        *UNDO_MEMBERS_VERSION,
        "DELETE FROM schema_version WHERE version >= 2",
    )

    assert await _pages(path) == EXPECTED

    versions = _run(path, "SELECT version FROM schema_version")
    [(sql,)] = _run(path, "SELECT sql FROM sqlite_master WHERE name = 'events_by_visibility'")
    assert versions == [(1,), (2,), (3,), (4,)]
    assert sql.endswith("WHERE visibility <> 'all'")
