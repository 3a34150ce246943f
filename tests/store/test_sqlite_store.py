"""SQLiteStore specifics: the file, WAL mode and its checkpoints, lazy opening, waiting for
other processes without blocking the loop, and RoomKit on top of it."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from roomkit import InboundMessage, RoomKit, TextContent, WebSocketChannel
from roomkit.store._sql import sqlite_checkpoint, sqlite_driver
from roomkit.store._sql.sqlite_driver import SQLiteDriver
from roomkit.store.sqlite import DEFAULT_MMAP_SIZE, SQLiteStore
from tests.factories import make_event, make_room


async def test_the_file_is_created_on_first_use_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "kit.db"
    store = SQLiteStore(path)
    assert not path.exists()
    try:
        await store.create_room(make_room(id="room-1"))
    finally:
        await store.close()

    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("SELECT id FROM rooms").fetchall() == [("room-1",)]


async def test_connect_opens_the_file_at_once(tmp_path: Path) -> None:
    path = tmp_path / "kit.db"
    store = await SQLiteStore.connect(str(path), busy_timeout=1.0)
    try:
        assert path.exists()
        assert repr(store) == f"SQLiteStore({str(path)!r})"
        assert store.path == str(path)
    finally:
        await store.close()


async def test_an_in_memory_database_works() -> None:
    store = SQLiteStore(":memory:")
    try:
        await store.create_room(make_room(id="room-1"))
        assert (await store.add_event(make_event())).index == 0
    finally:
        await store.close()


def test_busy_timeout_must_not_be_negative() -> None:
    with pytest.raises(ValueError, match="busy_timeout"):
        SQLiteStore("x.db", busy_timeout=-1)


def test_mmap_size_must_not_be_negative() -> None:
    with pytest.raises(ValueError, match="mmap_size"):
        SQLiteStore("x.db", mmap_size=-1)


@pytest.mark.parametrize("size", [None, 0, 4 << 20])
async def test_the_file_is_read_through_a_memory_map_of_the_chosen_size(
    tmp_path: Path, size: int | None
) -> None:
    path = tmp_path / "kit.db"
    store = SQLiteStore(path) if size is None else SQLiteStore(path, mmap_size=size)
    try:
        await store.create_room(make_room(id="room-1"))
        driver = store._db
        assert isinstance(driver, SQLiteDriver) and driver._conn is not None
        found = driver._conn.execute("PRAGMA mmap_size").fetchone()
        assert found == (DEFAULT_MMAP_SIZE if size is None else size,)
        assert await store.get_room("room-1") is not None
    finally:
        await store.close()


async def test_a_file_that_is_not_a_database_fails_to_open(tmp_path: Path) -> None:
    path = tmp_path / "garbage.db"
    path.write_bytes(b"this is not a database" * 100)
    store = SQLiteStore(path)

    with pytest.raises(sqlite3.DatabaseError):
        await store.open()
    await store.close()


async def test_a_failed_transaction_leaves_nothing_behind(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "kit.db")
    try:
        await store.create_room(make_room(id="room-1"))
        with pytest.raises(RuntimeError, match="boom"):
            async with store._db.transaction() as conn:
                await conn.execute("UPDATE rooms SET event_count = 42")
                raise RuntimeError("boom")

        assert await store.get_event_count("room-1") == 0
    finally:
        await store.close()


async def test_roomkit_runs_on_a_sqlite_file_and_finds_it_again(tmp_path: Path) -> None:
    path = tmp_path / "roomkit.db"
    async with RoomKit(store=SQLiteStore(path)) as kit:
        kit.register_channel(WebSocketChannel("ws-user"))
        await kit.create_room(room_id="room-1")
        await kit.attach_channel("room-1", "ws-user")
        result = await kit.process_inbound(
            InboundMessage(
                channel_id="ws-user",
                sender_id="alice",
                content=TextContent(body="Hello"),
                idempotency_key="msg-1",
            )
        )
        again = await kit.process_inbound(
            InboundMessage(
                channel_id="ws-user",
                sender_id="alice",
                content=TextContent(body="Hello"),
                idempotency_key="msg-1",
            )
        )
        assert result.event is not None and again.duplicate

    async with RoomKit(store=SQLiteStore(path)) as kit:
        timeline = await kit.get_timeline("room-1")
        assert await kit.store.get_event(result.event.id) == timeline[-1]
    messages = [e for e in timeline if e.content == TextContent(body="Hello")]
    assert [e.id for e in messages] == [result.event.id]
    assert [e.index for e in timeline] == list(range(len(timeline)))


async def test_a_write_locked_by_another_process_fails_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "kit.db"
    store = await SQLiteStore.connect(path, busy_timeout=0)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        await store.create_room(make_room(id="room-1"))
        other.execute("BEGIN IMMEDIATE")

        with pytest.raises(sqlite3.OperationalError, match="locked"):
            await store.delete_room("room-1")
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            await store.add_event(make_event())
        assert await store.get_room("room-1") is not None  # readers carry on (WAL)

        other.execute("ROLLBACK")
        assert (await store.add_event(make_event())).index == 0
        assert await store.delete_room("room-1") is True
    finally:
        other.close()
        await store.close()


async def test_a_write_waits_for_another_process_to_finish(tmp_path: Path) -> None:
    path = tmp_path / "kit.db"
    store = await SQLiteStore.connect(path, busy_timeout=5)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        await store.create_room(make_room(id="room-1"))
        other.execute("BEGIN IMMEDIATE")
        waiting = asyncio.ensure_future(store.add_event(make_event()))
        for _ in range(20):
            await asyncio.sleep(0)
        assert not waiting.done()
        assert await store.get_room("room-1") is not None  # the loop is free meanwhile

        other.execute("COMMIT")
        assert (await waiting).index == 0
    finally:
        other.close()
        await store.close()


async def test_waiting_for_the_store_own_checkpoint_never_fails_a_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "kit.db"
    store = await SQLiteStore.connect(path, busy_timeout=0)
    checkpointing = [False]
    monkeypatch.setattr(SQLiteDriver, "checkpointing", property(lambda _: checkpointing[0]))
    other = sqlite3.connect(path, isolation_level=None)  # stands in for the checkpoint
    try:
        await store.create_room(make_room(id="room-1"))
        other.execute("BEGIN IMMEDIATE")
        checkpointing[0] = True
        waiting = asyncio.ensure_future(store.add_event(make_event()))
        for _ in range(20):
            await asyncio.sleep(0)
        assert not waiting.done()

        other.execute("COMMIT")
        checkpointing[0] = False
        assert (await waiting).index == 0
    finally:
        other.close()
        await store.close()


async def _checkpoint_done(driver: SQLiteDriver) -> None:
    """Wait (bounded) for the background checkpoint's thread to finish."""
    for _ in range(500):
        if not driver.checkpointing:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the checkpoint did not finish in 5 s")


async def test_the_log_is_copied_into_the_file_and_restarted_while_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_driver, "CHECKPOINT_EVERY", 20)
    monkeypatch.setattr(sqlite_checkpoint, "RESTART_AFTER_FRAMES", 50)
    path = tmp_path / "kit.db"
    store = await SQLiteStore.connect(path)
    driver = store._db
    assert isinstance(driver, SQLiteDriver)
    try:
        await store.create_room(make_room(id="room-1"))
        for burst in range(12):
            for n in range(50):
                await store.add_event(make_event(body=f"message {burst}.{n} " + "x" * 400))
            await _checkpoint_done(driver)

        # 600 such events write some 12 MB of log frames; each burst's 1 MB is copied
        # into the file and the log restarted, so it never holds much more than that
        assert os.path.getsize(f"{path}-wal") < 3_000_000
        assert os.path.getsize(path) > 600 * 400
        assert await store.get_event_count("room-1") == 600
    finally:
        await store.close()
    assert not os.path.exists(f"{path}-wal")  # the last connection folded the log in


async def test_a_short_log_is_checkpointed_without_holding_writers_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_driver, "CHECKPOINT_EVERY", 20)
    store = await SQLiteStore.connect(tmp_path / "kit.db")
    driver = store._db
    assert isinstance(driver, SQLiteDriver) and driver._checkpointer is not None
    checkpoints: list[str] = []
    driver._checkpointer._conn.set_trace_callback(checkpoints.append)
    try:
        await store.create_room(make_room(id="room-1"))
        for n in range(30):
            await store.add_event(make_event(body=f"message {n}"))
        await _checkpoint_done(driver)

        assert checkpoints  # one or more, each passive only
        assert set(checkpoints) == {"PRAGMA wal_checkpoint(PASSIVE)"}
    finally:
        await store.close()


def test_the_store_needs_no_package_beyond_the_standard_library(tmp_path: Path) -> None:
    code = (
        "import asyncio, sys\n"
        "sys.modules['aiosqlite'] = None\n"
        "from roomkit.store.sqlite import SQLiteStore\n"
        "from roomkit.models import Room\n"
        "async def main():\n"
        f"    store = SQLiteStore({str(tmp_path / 'kit.db')!r})\n"
        "    await store.create_room(Room(id='room-1'))\n"
        "    await store.close()\n"
        "asyncio.run(main())\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)

    assert run.returncode == 0, run.stderr


async def test_grouped_writes_wait_for_another_process_too(tmp_path: Path) -> None:
    path = tmp_path / "kit.db"
    store = await SQLiteStore.connect(path, busy_timeout=5)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        await store.create_room(make_room(id="room-1"))
        other.execute("BEGIN IMMEDIATE")
        writes = asyncio.gather(*(store.add_event(make_event(body=f"m{n}")) for n in range(20)))
        for _ in range(20):
            await asyncio.sleep(0)
        assert not writes.done()

        other.execute("COMMIT")
        assert sorted(event.index for event in await writes) == list(range(20))
    finally:
        other.close()
        await store.close()


async def test_writes_held_back_by_another_process_commit_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "kit.db"
    store = await SQLiteStore.connect(path, busy_timeout=5)
    other = sqlite3.connect(path, isolation_level=None)
    committed: list[int] = []
    run_group = sqlite_driver._Runner.run_group

    def counting(self: sqlite_driver._Runner, group: list[Any]) -> object:
        outcome = run_group(self, group)
        if outcome is True:
            committed.append(len(group))
        return outcome

    try:
        await store.create_room(make_room(id="room-1"))
        monkeypatch.setattr(sqlite_driver._Runner, "run_group", counting)
        other.execute("BEGIN IMMEDIATE")
        first = asyncio.gather(*(store.add_event(make_event(body=f"a{n}")) for n in range(20)))
        await asyncio.sleep(0.01)  # refused at least once: the group waits
        later = asyncio.gather(*(store.add_event(make_event(body=f"b{n}")) for n in range(10)))
        await asyncio.sleep(0.01)
        assert not first.done() and not later.done()

        other.execute("COMMIT")
        events = [*await first, *await later]

        assert sorted(event.index for event in events) == list(range(30))
        assert committed == [30]  # one transaction, not one per write
    finally:
        other.close()
        await store.close()


async def test_a_read_refused_as_busy_is_retried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = await SQLiteStore.connect(tmp_path / "kit.db", busy_timeout=5)
    refusals = [0]
    run = sqlite_driver._Runner.run

    def busy_once(self: sqlite_driver._Runner, sql: str, args: tuple[object, ...]) -> object:
        if "FROM" in sql and "rooms" in sql and refusals[0] < 2:  # at once, then again
            refusals[0] += 1
            refused = sqlite3.OperationalError("database is locked")
            refused.sqlite_errorcode = sqlite3.SQLITE_BUSY
            raise refused
        return run(self, sql, args)

    try:
        await store.create_room(make_room(id="room-1"))
        monkeypatch.setattr(sqlite_driver._Runner, "run", busy_once)

        room = await store.get_room("room-1")

        assert room is not None and room.id == "room-1"
        assert refusals == [2]
    finally:
        await store.close()


async def test_a_read_that_fails_otherwise_raises_at_once(tmp_path: Path) -> None:
    store = await SQLiteStore.connect(tmp_path / "kit.db")
    try:
        driver = store._db
        assert isinstance(driver, SQLiteDriver)
        with pytest.raises(sqlite3.OperationalError, match="no such table"):
            await driver.fetch("SELECT * FROM no_such_table WHERE id = $1", "x")
    finally:
        await store.close()


async def test_writes_that_fail_otherwise_raise_alone_or_in_a_group(tmp_path: Path) -> None:
    store = await SQLiteStore.connect(tmp_path / "kit.db")
    try:
        driver = store._db
        assert isinstance(driver, SQLiteDriver)
        bad = "INSERT INTO no_such_table (id) VALUES ($1)"
        with pytest.raises(sqlite3.OperationalError, match="no such table"):
            await driver.execute(bad, "lone")
        # concurrent writes share a transaction; one failing this way undoes the group,
        # then each write runs alone and gets its own outcome
        await store.create_room(make_room(id="room-1"))
        outcomes = await asyncio.gather(
            *(driver.execute(bad, str(n)) for n in range(10)),
            store.add_event(make_event(body="kept")),
            return_exceptions=True,
        )
        assert all(isinstance(o, sqlite3.OperationalError) for o in outcomes[:10])
        assert not isinstance(outcomes[10], BaseException)
        assert [e.content.body for e in await store.list_events("room-1")] == ["kept"]
    finally:
        await store.close()
