"""Text a store's database cannot hold is stored as given, or refused whole.

JSON webhooks can carry a NUL character (``"\\u0000"``) and a lone surrogate
(``"\\ud800"``, which ``json.loads`` accepts although it is not Unicode text). The
in-memory store keeps both. PostgreSQL cannot hold NUL in text or JSONB, and neither SQL
store can encode a lone surrogate (it has no UTF-8 form): they refuse such a write with
:class:`UnstorableValueError`, write nothing, and go on working. A lookup by an id or
key made of such text is refused the same way (the in-memory store finds nothing); a
metadata filter holding it finds no room in any store.
"""

from __future__ import annotations

import pytest

from roomkit.errors import RoomKitError, UnstorableValueError
from roomkit.models import Room
from roomkit.store import ConversationStore, InMemoryStore
from roomkit.store.postgres import PostgresStore
from tests.factories import make_event, make_room

NUL = "nul \x00 inside"
SURROGATE = "lone surrogate \ud800"


def _refuses(store: ConversationStore, text: str) -> bool:
    """Whether ``store`` must refuse ``text`` (see the module docstring)."""
    if isinstance(store, InMemoryStore):
        return False
    return "\ud800" in text or ("\x00" in text and isinstance(store, PostgresStore))


def test_the_error_is_a_roomkit_value_error() -> None:
    assert issubclass(UnstorableValueError, RoomKitError)
    assert issubclass(UnstorableValueError, ValueError)


@pytest.mark.parametrize("body", [NUL, SURROGATE])
async def test_an_event_body_is_stored_as_given_or_refused_whole(
    store: ConversationStore, room: Room, body: str
) -> None:
    event = make_event(body=body)

    if not _refuses(store, body):
        stored = await store.add_event(event)
        assert await store.get_event(stored.id) == stored
        return
    with pytest.raises(UnstorableValueError, match="cannot be stored|cannot hold"):
        await store.add_event(event)
    assert await store.get_event(event.id) is None
    assert await store.get_event_count(room.id) == 0
    later = await store.add_event(make_event(body="plain"))
    assert later.index == 0


@pytest.mark.parametrize("body", [NUL, SURROGATE])
async def test_an_update_refused_leaves_the_stored_event(
    store: ConversationStore, room: Room, body: str
) -> None:
    stored = await store.add_event(make_event(body="before"))
    changed = stored.model_copy(update={"metadata": {"note": body}})

    if not _refuses(store, body):
        assert await store.update_event(changed) == changed
        return
    with pytest.raises(UnstorableValueError):
        await store.update_event(changed)
    assert await store.get_event(stored.id) == stored


@pytest.mark.parametrize("key", ["key \x00", "key \ud800"])
async def test_an_idempotency_key_the_database_cannot_hold_is_refused(
    store: ConversationStore, room: Room, key: str
) -> None:
    # The key goes to a text column of its own, not only into the event's JSON.
    event = make_event(idempotency_key=key)

    if not _refuses(store, key):
        await store.add_event(event)
        assert await store.check_idempotency(room.id, key)
        return
    with pytest.raises(UnstorableValueError):
        await store.add_event(event)
    assert await store.get_event_count(room.id) == 0


@pytest.mark.parametrize("text", [NUL, SURROGATE])
async def test_room_metadata_the_database_cannot_hold_is_refused(
    store: ConversationStore, text: str
) -> None:
    room = make_room(id="r", metadata={"topic": text})

    if not _refuses(store, text):
        assert await store.create_room(room) == room
        return
    with pytest.raises(UnstorableValueError):
        await store.create_room(room)
    assert await store.get_room("r") is None


@pytest.mark.parametrize("key", ["key \x00", "key \ud800"])
async def test_a_lookup_by_text_the_database_cannot_hold_is_refused(
    store: ConversationStore, room: Room, key: str
) -> None:
    if not _refuses(store, key):
        assert not await store.check_idempotency(room.id, key)
        assert await store.find_room_id_by_channel(key) is None
        return
    with pytest.raises(UnstorableValueError, match="cannot hold"):
        await store.check_idempotency(room.id, key)
    with pytest.raises(UnstorableValueError, match="cannot hold"):
        await store.find_room_id_by_channel(key)


@pytest.mark.parametrize("text", [NUL, SURROGATE])
async def test_a_metadata_filter_on_such_text_finds_nothing(
    store: ConversationStore, text: str
) -> None:
    # No stored room can hold the text, so the filter matches none; no store refuses it.
    await store.create_room(make_room(id="r", metadata={"topic": "plain", "tier": "gold"}))

    assert await store.find_rooms(metadata_filter={"topic": text}) == []
    assert await store.find_rooms(metadata_filter={"tier": "gold", text: "x"}) == []
    assert await store.find_rooms(metadata_filter={"tier": "gold", "t": {"k": [text]}}) == []
    found = await store.find_rooms(metadata_filter={"tier": "gold", "topic": "plain"})
    assert [room.id for room in found] == ["r"]
