"""The SQLite store's kept routes: each participant's latest room under the route version."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from roomkit.models import ChannelType, RoomStatus
from roomkit.store._sql.kept import Versioned
from roomkit.store.sqlite import SQLiteStore
from tests.factories import make_binding, make_event, make_participant, make_room
from tests.store.sqlite_schema_undo import UNDO_ROUTE_VERSION, undo

_TYPES = (None, ChannelType.SMS, ChannelType.EMAIL)


def _at(day: int) -> datetime:
    return datetime(2026, 1, day, tzinfo=UTC)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SQLiteStore]:
    store = SQLiteStore(tmp_path / "kit.db")
    await store.create_room(make_room(id="old", created_at=_at(1)))
    await store.add_binding(make_binding("old", "sms-1", ChannelType.SMS))
    await store.add_participant(make_participant("old", "user-1", "sms-1"))
    yield store
    await store.close()


async def _expected(store: SQLiteStore, channel_type: ChannelType | None) -> object:
    room = await store.find_latest_room("user-1", channel_type)  # never kept: read afresh
    return None if room is None else (room.id, room.status)


async def _assert_current(store: SQLiteStore) -> None:
    for channel_type in _TYPES:
        assert await store._latest_room_status("user-1", channel_type) == await _expected(
            store, channel_type
        ), channel_type


def _version(path: Path) -> int:
    with closing(sqlite3.connect(path)) as conn:
        (value,) = conn.execute("SELECT value FROM route_version").fetchone()
    return int(value)


async def test_an_answer_is_read_once_while_the_version_stands(
    store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[str] = []
    read = store._read_latest_room_status

    async def counting(participant_id: str, channel_type: ChannelType | None) -> object:
        reads.append(participant_id)
        return await read(participant_id, channel_type)

    monkeypatch.setattr(store, "_read_latest_room_status", counting)
    for _ in range(3):
        assert await store._latest_room_status("user-1") == ("old", RoomStatus.ACTIVE)
        assert await store._latest_room_status("nobody") is None
    assert reads == ["user-1", "nobody"]
    stored = await store.add_event(make_event("old"))  # events and read marks: no route moves
    await store.mark_read("old", "sms-1", stored.id)
    assert await store._latest_room_status("user-1") == ("old", RoomStatus.ACTIVE)
    assert reads == ["user-1", "nobody"]


Change = Callable[[SQLiteStore], Awaitable[object]]


async def _newer_room(store: SQLiteStore) -> None:
    await store.create_room(make_room(id="new", created_at=_at(2)))
    await store.add_binding(make_binding("new", "email-1", ChannelType.EMAIL))
    await store.add_participant(make_participant("new", "user-1", "email-1"))


async def _close_old(store: SQLiteStore) -> None:
    room = await store.get_room("old")
    assert room is not None
    await store.update_room(room.model_copy(update={"status": RoomStatus.CLOSED}))


async def _retype_binding(store: SQLiteStore) -> None:
    binding = await store.get_binding("old", "sms-1")
    assert binding is not None
    await store.update_binding(binding.model_copy(update={"channel_type": ChannelType.EMAIL}))


async def _connect_participant(store: SQLiteStore) -> None:
    await store.create_room(make_room(id="new", created_at=_at(2)))
    await store.add_binding(make_binding("new", "email-1", ChannelType.EMAIL))
    await store.add_participant(make_participant("new", "user-1", "ws-1"))
    await store._latest_room_status("user-1", ChannelType.EMAIL)  # kept: not reached
    participant = await store.get_participant("new", "user-1")
    assert participant is not None
    await store.update_participant(participant.model_copy(update={"connected_via": ["email-1"]}))


async def _remove_binding(store: SQLiteStore) -> None:
    await store.remove_binding("old", "sms-1")


async def _delete_old(store: SQLiteStore) -> None:
    await store.delete_room("old")


@pytest.mark.parametrize(
    "change",
    [_newer_room, _close_old, _retype_binding, _connect_participant, _remove_binding, _delete_old],
)
async def test_every_write_that_changes_an_answer_is_seen(
    store: SQLiteStore, change: Change
) -> None:
    await _assert_current(store)
    before = _version(store._db.path)
    await change(store)
    assert _version(store._db.path) > before
    await _assert_current(store)


async def test_writes_of_another_process_are_seen(store: SQLiteStore) -> None:
    await _assert_current(store)
    other = SQLiteStore(store._db.path)
    try:
        await _newer_room(other)
    finally:
        await other.close()
    assert await store._latest_room_status("user-1") == ("new", RoomStatus.ACTIVE)


async def test_a_file_of_release_three_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "kit.db"
    store = SQLiteStore(path)
    await store.create_room(make_room(id="old"))
    await store.add_participant(make_participant("old", "user-1"))
    await store.close()
    undo(path, UNDO_ROUTE_VERSION)

    store = SQLiteStore(path)
    try:
        assert await store._latest_room_status("user-1") == ("old", RoomStatus.ACTIVE)
        await store.update_room(make_room(id="old", status=RoomStatus.PAUSED))
        assert await store._latest_room_status("user-1") == ("old", RoomStatus.PAUSED)
    finally:
        await store.close()
    with closing(sqlite3.connect(path)) as conn:
        versions = conn.execute("SELECT version FROM schema_version").fetchall()
    assert versions == [(1,), (2,), (3,), (4,)]


def test_versioned_values_forget_the_least_recently_used() -> None:
    kept: Versioned[str, int] = Versioned(limit=2)
    kept.put("a", 1, 10)
    kept.put("b", 1, 20)
    kept.put("a", 2, 11)  # "a" written again: "b" is now the oldest
    kept.put("c", 1, 30)

    assert kept.get("a", 2) == (2, 11)
    assert kept.get("a", 1) is None  # kept under another version
    assert kept.get("b", 1) is None
    assert kept.get("c", 1) == (1, 30)
    kept.clear()
    assert kept.get("c", 1) is None


def test_versioned_values_read_are_used() -> None:
    kept: Versioned[str, int | None] = Versioned(limit=2)
    kept.put("a", 1, None)  # a value may be None: ``get`` answers the pair
    kept.put("b", 1, 20)
    assert kept.get("a", 1) == (1, None)  # "a" read: "b" is now the oldest

    kept.put("c", 1, 30)

    assert kept.get("a", 1) is not None
    assert kept.get("b", 1) is None
