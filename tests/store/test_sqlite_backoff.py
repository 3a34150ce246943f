"""How SQLiteStore paces its retries while another process holds the database."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from roomkit.store.sqlite import SQLiteStore
from tests.factories import make_event, make_room

Sleep = Callable[[float], Awaitable[None]]
Held = tuple[Callable[[float], SQLiteStore], sqlite3.Connection]


@pytest.fixture
async def held(tmp_path: Path) -> AsyncIterator[Held]:
    """A way to open the store (with a busy timeout) on a file another connection holds."""
    path = tmp_path / "kit.db"
    opened: list[SQLiteStore] = []
    other = sqlite3.connect(path, isolation_level=None)

    def store(busy_timeout: float) -> SQLiteStore:
        opened.append(SQLiteStore(path, busy_timeout=busy_timeout))
        return opened[-1]

    yield store, other
    other.close()
    for each in opened:
        await each.close()


async def _hold(store: SQLiteStore, other: sqlite3.Connection) -> None:
    """Create the room the writes go to, then let the other connection take the lock."""
    await store.create_room(make_room(id="room-1"))
    other.execute("BEGIN IMMEDIATE")


async def test_a_refused_write_first_retries_within_a_millisecond(
    held: Held,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another process's commit usually ends within a millisecond: the first pauses are
    shorter than SQLite's own first step, then they grow as SQLite's do."""
    open_store, other = held
    store = open_store(5)
    pauses: list[float] = []
    real_sleep: Sleep = asyncio.sleep

    async def recorded(delay: float) -> None:
        if delay > 0:
            pauses.append(delay)
            if len(pauses) == 6 and other.in_transaction:
                other.execute("COMMIT")  # the other process lets go during the 6th pause
        await real_sleep(0)

    await _hold(store, other)
    monkeypatch.setattr(asyncio, "sleep", recorded)
    stored = await store.add_event(make_event())
    monkeypatch.undo()

    assert stored.index == 0
    assert pauses == [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01]


async def test_pauses_stop_growing_and_the_refusal_comes_at_the_deadline(
    held: Held,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    open_store, other = held
    store = open_store(0.3)
    pauses: list[float] = []
    real_sleep: Sleep = asyncio.sleep

    async def recorded(delay: float) -> None:
        pauses.append(delay)
        await real_sleep(delay)

    await _hold(store, other)
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
