"""How SQLiteStore paces its retries while another process holds the database."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from roomkit.store.sqlite import SQLiteStore
from tests.factories import make_event, make_room


async def test_a_refused_write_first_retries_within_a_millisecond(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process's commit usually ends within a millisecond: the first pauses are
    shorter than SQLite's own first step, then they grow as SQLite's do."""
    path = tmp_path / "kit.db"
    store = await SQLiteStore.connect(path, busy_timeout=5)
    other = sqlite3.connect(path, isolation_level=None)
    pauses: list[float] = []
    real_sleep = asyncio.sleep

    async def recorded(delay: float) -> None:
        if delay > 0:
            pauses.append(delay)
            if len(pauses) == 6 and other.in_transaction:
                other.execute("COMMIT")  # the other process lets go during the 6th pause
        await real_sleep(0)

    try:
        await store.create_room(make_room(id="room-1"))
        other.execute("BEGIN IMMEDIATE")
        monkeypatch.setattr(asyncio, "sleep", recorded)
        stored = await store.add_event(make_event())
        monkeypatch.undo()

        assert stored.index == 0
        assert pauses == [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01]
    finally:
        other.close()
        await store.close()


async def test_pauses_stop_growing_and_the_refusal_comes_at_the_deadline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "kit.db"
    store = await SQLiteStore.connect(path, busy_timeout=0.3)
    other = sqlite3.connect(path, isolation_level=None)
    pauses: list[float] = []
    real_sleep = asyncio.sleep

    async def recorded(delay: float) -> None:
        pauses.append(delay)
        await real_sleep(delay)

    try:
        await store.create_room(make_room(id="room-1"))
        other.execute("BEGIN IMMEDIATE")
        monkeypatch.setattr(asyncio, "sleep", recorded)
        started = asyncio.get_running_loop().time()
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            await store.add_event(make_event())
        waited = asyncio.get_running_loop().time() - started
        monkeypatch.undo()

        assert pauses[:3] == [0.0002, 0.0005, 0.001]
        assert max(pauses) <= 0.1
        assert waited >= 0.3  # refused only once busy_timeout is up...
        assert sum(pauses) <= 0.301  # ...the last pause cut to the time left
    finally:
        other.close()
        await store.close()
