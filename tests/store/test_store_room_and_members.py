"""The room with its members in one call (``_room_and_members``), on every store, and
SQLite's members version: members read again only when a write moved it."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from roomkit.models import Room
from roomkit.store import ConversationStore
from roomkit.store.sqlite import SQLiteStore
from tests.factories import make_binding, make_event, make_participant, make_room
from tests.store.backends import postgres_backend
from tests.store.sqlite_schema_undo import UNDO_MEMBERS_VERSION, undo


async def test_the_room_with_its_members(store: ConversationStore, room: Room) -> None:
    await store.add_binding(make_binding(room.id, "sms-1", metadata={"k": [1]}))
    await store.add_binding(make_binding(room.id, "email-1"))
    await store.add_participant(make_participant(room.id, "user-1"))

    found = await store._room_and_members(room.id)

    assert found is not None
    assert found == (
        await store.get_room(room.id),
        await store.list_bindings(room.id),
        await store.list_participants(room.id),
    )
    assert await store._room_and_members("missing") is None


async def test_members_handed_out_are_copies(store: ConversationStore, room: Room) -> None:
    await store.add_binding(make_binding(room.id, "sms-1", metadata={"k": [1]}))
    await store.add_participant(make_participant(room.id, "user-1"))
    first = await store._room_and_members(room.id)
    assert first is not None

    first[1][0].metadata["k"].append(2)
    first[2][0].display_name = "changed"
    first[1].clear()

    again = await store._room_and_members(room.id)
    assert again is not None
    assert again[1][0].metadata == {"k": [1]}
    assert again[2][0].display_name != "changed"


async def test_members_follow_each_write(store: ConversationStore, room: Room) -> None:
    async def members() -> tuple[list[Any], list[Any]]:
        found = await store._room_and_members(room.id)
        assert found is not None
        return [(b.channel_id, b.muted, b.last_read_index) for b in found[1]], [
            (p.id, p.display_name) for p in found[2]
        ]

    assert await members() == ([], [])
    await store.add_binding(make_binding(room.id, "sms-1"))
    await store.add_participant(make_participant(room.id, "user-1"))
    assert await members() == ([("sms-1", False, None)], [("user-1", None)])
    stored = await store.get_binding(room.id, "sms-1")
    assert stored is not None
    await store.update_binding(stored.model_copy(update={"muted": True}))
    person = await store.get_participant(room.id, "user-1")
    assert person is not None
    await store.update_participant(person.model_copy(update={"display_name": "Ann"}))
    assert await members() == ([("sms-1", True, None)], [("user-1", "Ann")])
    await store.remove_binding(room.id, "sms-1")
    assert await members() == ([], [("user-1", "Ann")])


def _count_reads(store: ConversationStore) -> list[str]:
    """Record each full read of a room's members the store makes from now on."""
    reads: list[str] = []
    for name in ("list_bindings", "list_participants"):
        method = getattr(store, name)

        async def counted(room_id: str, _method: Any = method, _name: str = name) -> Any:
            reads.append(_name)
            return await _method(room_id)

        setattr(store, name, counted)
    return reads


async def test_postgres_reads_room_and_members_in_one_statement() -> None:
    async with postgres_backend() as backend:
        store = backend.open_store()
        try:
            room = await store.create_room(make_room(id="room-1"))
            await store.add_binding(make_binding(room.id, "sms-1"))
            await store.add_participant(make_participant(room.id, "user-1"))
            reads = _count_reads(store)

            found = await store._room_and_members(room.id)

            assert found is not None and [p.id for p in found[2]] == ["user-1"]
            assert [b.channel_id for b in found[1]] == ["sms-1"]
            assert reads == []
        finally:
            await store.close()


# --- SQLite's members version ---------------------------------------------------------


async def test_sqlite_reads_members_again_only_after_a_write(tmp_path: Path) -> None:
    reader, writer = SQLiteStore(tmp_path / "kit.db"), SQLiteStore(tmp_path / "kit.db")
    try:
        room = await writer.create_room(make_room(id="room-1"))
        await writer.add_binding(make_binding(room.id, "sms-1"))
        reads = _count_reads(reader)

        await reader._room_and_members(room.id)
        await reader._room_and_members(room.id)
        assert reads == ["list_bindings", "list_participants"]

        # another store (another process, say) writes: the next read sees it
        await writer.add_participant(make_participant(room.id, "user-1"))
        found = await reader._room_and_members(room.id)
        assert found is not None and [p.id for p in found[2]] == ["user-1"]
        event = await writer.add_event(make_event(room.id))
        await writer.mark_read(room.id, "sms-1", event.id)
        found = await reader._room_and_members(room.id)
        assert found is not None and found[1][0].last_read_index == 0
        assert len(reads) == 6
        # an event moves the room's counters, not its members
        await writer.add_event(make_event(room.id))
        found = await reader._room_and_members(room.id)
        assert found is not None and found[0].event_count == 2
        assert len(reads) == 6
    finally:
        await reader.close()
        await writer.close()


async def test_sqlite_room_made_again_does_not_meet_old_members(tmp_path: Path) -> None:
    reader, writer = SQLiteStore(tmp_path / "kit.db"), SQLiteStore(tmp_path / "kit.db")
    try:
        await writer.create_room(make_room(id="room-1"))
        await writer.add_binding(make_binding("room-1", "sms-1"))
        found = await reader._room_and_members("room-1")
        assert found is not None and [b.channel_id for b in found[1]] == ["sms-1"]

        # deleted and made again with as many member writes: the version starts afresh
        await writer.delete_room("room-1")
        await writer.create_room(make_room(id="room-1"))
        await writer.add_binding(make_binding("room-1", "email-1"))

        found = await reader._room_and_members("room-1")
        assert found is not None and [b.channel_id for b in found[1]] == ["email-1"]
    finally:
        await reader.close()
        await writer.close()


async def test_sqlite_file_of_release_two_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "kit.db"
    store = SQLiteStore(path)
    await store.create_room(make_room(id="room-1"))
    await store.add_binding(make_binding("room-1", "sms-1"))
    await store.close()
    undo(path, UNDO_MEMBERS_VERSION)

    store = SQLiteStore(path)
    try:
        found = await store._room_and_members("room-1")
        assert found is not None and [b.channel_id for b in found[1]] == ["sms-1"]
        await store.add_binding(make_binding("room-1", "email-1"))
        found = await store._room_and_members("room-1")
        assert found is not None and [b.channel_id for b in found[1]] == ["sms-1", "email-1"]
    finally:
        await store.close()
    with closing(sqlite3.connect(path)) as conn:
        versions = conn.execute("SELECT version FROM schema_version").fetchall()
        (version,) = conn.execute("SELECT members_version FROM rooms").fetchone()
    assert versions == [(1,), (2,), (3,), (4,)]
    assert version == 1  # the room predates the column: 0, then one binding written
