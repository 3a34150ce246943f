"""Conformance: read horizons and unread counts."""

from __future__ import annotations

import pytest

from roomkit.errors import ChannelNotFoundError, EventNotFoundError, RoomNotFoundError
from roomkit.models import Room
from roomkit.store import ConversationStore
from tests.factories import add_events, make_binding, make_event, make_room


@pytest.fixture
async def reader(store: ConversationStore, room: Room) -> str:
    """The id of a channel attached to ``room-1`` that has read nothing yet."""
    await store.add_binding(make_binding(room.id, "ws-1"))
    return "ws-1"


async def test_never_read_channel_counts_every_event(
    store: ConversationStore, room: Room, reader: str
) -> None:
    assert await store.get_unread_count(room.id, reader) == 0

    await add_events(store, 5)

    assert await store.get_unread_count(room.id, reader) == 5


async def test_mark_read_moves_the_horizon(
    store: ConversationStore, room: Room, reader: str
) -> None:
    events = await add_events(store, 5)

    await store.mark_read(room.id, reader, events[2].id)

    assert await store.get_unread_count(room.id, reader) == 2
    binding = await store.get_binding(room.id, reader)
    assert binding is not None and binding.last_read_index == 2


async def test_mark_read_never_moves_backwards(
    store: ConversationStore, room: Room, reader: str
) -> None:
    events = await add_events(store, 5)
    await store.mark_read(room.id, reader, events[3].id)

    await store.mark_read(room.id, reader, events[1].id)

    assert await store.get_unread_count(room.id, reader) == 1


async def test_mark_read_of_the_newest_event_leaves_nothing_unread(
    store: ConversationStore, room: Room, reader: str
) -> None:
    events = await add_events(store, 3)

    await store.mark_read(room.id, reader, events[-1].id)

    assert await store.get_unread_count(room.id, reader) == 0
    await add_events(store, 2)
    assert await store.get_unread_count(room.id, reader) == 2


async def test_mark_all_read(store: ConversationStore, room: Room, reader: str) -> None:
    await add_events(store, 4)

    await store.mark_all_read(room.id, reader)

    assert await store.get_unread_count(room.id, reader) == 0
    binding = await store.get_binding(room.id, reader)
    assert binding is not None and binding.last_read_index == 3
    await add_events(store, 3)
    assert await store.get_unread_count(room.id, reader) == 3


async def test_mark_all_read_of_empty_room(
    store: ConversationStore, room: Room, reader: str
) -> None:
    await store.mark_all_read(room.id, reader)

    assert await store.get_unread_count(room.id, reader) == 0
    await add_events(store, 2)
    assert await store.get_unread_count(room.id, reader) == 2


async def test_read_horizons_are_per_channel(
    store: ConversationStore, room: Room, reader: str
) -> None:
    await store.add_binding(make_binding(room.id, "sms-1"))
    events = await add_events(store, 4)

    await store.mark_read(room.id, reader, events[0].id)

    assert await store.get_unread_count(room.id, reader) == 3
    assert await store.get_unread_count(room.id, "sms-1") == 4


async def test_mark_read_rejects_unknown_or_foreign_event(
    store: ConversationStore, room: Room, reader: str
) -> None:
    await store.create_room(make_room(id="other"))
    foreign = await store.add_event(make_event("other"))

    with pytest.raises(EventNotFoundError):
        await store.mark_read(room.id, reader, "missing")
    with pytest.raises(EventNotFoundError):
        await store.mark_read(room.id, reader, foreign.id)


async def test_read_tracking_rejects_unattached_channel(
    store: ConversationStore, room: Room
) -> None:
    event = await store.add_event(make_event())

    with pytest.raises(ChannelNotFoundError):
        await store.mark_read(room.id, "ghost", event.id)
    with pytest.raises(ChannelNotFoundError):
        await store.mark_all_read(room.id, "ghost")
    with pytest.raises(ChannelNotFoundError):
        await store.get_unread_count(room.id, "ghost")


async def test_read_tracking_rejects_unknown_room(store: ConversationStore) -> None:
    with pytest.raises(RoomNotFoundError):
        await store.mark_read("missing", "ws-1", "event")
    with pytest.raises(RoomNotFoundError):
        await store.mark_all_read("missing", "ws-1")
    with pytest.raises(RoomNotFoundError):
        await store.get_unread_count("missing", "ws-1")
