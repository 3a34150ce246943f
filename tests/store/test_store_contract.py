"""Conformance: choices every store makes where the contract's wording leaves room.

Counters belong to the store, read horizons only move forward, ids are unique, writes
into unknown rooms are refused, addresses reach one identity, ties go to creation order.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta

import pytest

from roomkit.errors import RoomNotFoundError
from roomkit.models import ChannelType, Room
from roomkit.store import ConversationStore
from tests.factories import (
    add_events,
    make_binding,
    make_event,
    make_identity,
    make_observation,
    make_participant,
    make_room,
    make_task,
)

START = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)

OpenStore = Callable[..., AbstractAsyncContextManager[ConversationStore]]


class StepClock:
    """A clock that moves one second forward each time it is read."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


async def test_add_event_stamps_updated_at_from_the_clock(store_factory: OpenStore) -> None:
    async with store_factory(clock=StepClock()) as store:
        await store.create_room(make_room(id="room-1", updated_at=START))

        await store.add_event(make_event())
        await store.add_event(make_event())

        room = await store.get_room("room-1")
    assert room is not None and room.updated_at == START + timedelta(seconds=2)


async def test_create_room_starts_counters_from_scratch(store: ConversationStore) -> None:
    created = await store.create_room(make_room(id="room-1", event_count=7, latest_index=6))
    event = await store.add_event(make_event())

    assert (created.event_count, created.latest_index) == (0, -1)
    assert event.index == 0


async def test_update_room_keeps_the_store_counters(store: ConversationStore) -> None:
    stale = await store.create_room(make_room(id="room-1"))
    await add_events(store, 3)

    updated = await store.update_room(stale.model_copy(update={"metadata": {"k": "v"}}))

    assert (updated.event_count, updated.latest_index) == (3, 2)
    assert updated.metadata == {"k": "v"}
    assert await store.get_room("room-1") == updated


async def test_update_binding_never_rewinds_the_read_horizon(
    store: ConversationStore, room: Room
) -> None:
    stale = await store.add_binding(make_binding(room.id, "ws-1"))
    events = await add_events(store, 4)
    await store.mark_read(room.id, "ws-1", events[2].id)

    updated = await store.update_binding(stale.model_copy(update={"muted": True}))

    assert updated.muted is True
    assert updated.last_read_index == 2
    assert await store.get_unread_count(room.id, "ws-1") == 1
    assert await store.get_binding(room.id, "ws-1") == updated


async def test_duplicate_ids_are_refused(store: ConversationStore, room: Room) -> None:
    event = await store.add_event(make_event())
    task = await store.add_task(make_task())
    await store.create_identity(make_identity("id-1"))

    with pytest.raises(ValueError, match="already exists"):
        await store.create_room(make_room(id="room-1"))
    with pytest.raises(ValueError, match="already stored"):
        await store.add_event(event)
    with pytest.raises(ValueError, match="already exists"):
        await store.add_task(task)
    with pytest.raises(ValueError, match="already exists"):
        await store.create_identity(make_identity("id-1"))
    assert await store.get_event_count("room-1") == 1
    assert (await store.add_event(make_event())).index == 1


async def test_writes_into_unknown_rooms_are_refused(store: ConversationStore) -> None:
    with pytest.raises(RoomNotFoundError):
        await store.add_binding(make_binding("missing"))
    with pytest.raises(RoomNotFoundError):
        await store.add_participant(make_participant("missing"))
    with pytest.raises(RoomNotFoundError):
        await store.add_task(make_task("missing"))
    with pytest.raises(RoomNotFoundError):
        await store.add_observation(make_observation("missing"))


async def test_update_task_keeps_its_room(store: ConversationStore, room: Room) -> None:
    await store.create_room(make_room(id="other"))
    task = await store.add_task(make_task(room.id))

    updated = await store.update_task(task.model_copy(update={"room_id": "other"}))

    assert updated.room_id == room.id
    assert await store.get_task(task.id) == updated
    assert [t.id for t in await store.list_tasks(room.id)] == [task.id]
    assert await store.list_tasks("other") == []


async def test_linking_an_owned_address_moves_it(store: ConversationStore) -> None:
    await store.create_identity(make_identity("old", channel_addresses={"sms": ["+1"]}))
    await store.create_identity(make_identity("keeps", channel_addresses={"sms": ["+2", "+3"]}))
    await store.create_identity(make_identity("new"))

    await store.link_address("new", "sms", "+1")
    await store.create_identity(make_identity("newest", channel_addresses={"sms": ["+3"]}))

    resolved = await store.resolve_identity("sms", "+1")
    old = await store.get_identity("old")
    keeps = await store.get_identity("keeps")
    assert resolved is not None and resolved.id == "new"
    assert old is not None and old.channel_addresses == {}
    assert keeps is not None and keeps.channel_addresses == {"sms": ["+2"]}
    newest = await store.resolve_identity(ChannelType.SMS, "+3")
    assert newest is not None and newest.id == "newest"


async def test_find_latest_room_breaks_ties_by_creation_order(store: ConversationStore) -> None:
    for room_id in ("first", "second", "third"):
        await store.create_room(make_room(id=room_id, created_at=START))
    for room_id in ("third", "second", "first"):
        await store.add_participant(make_participant(room_id, "user-1"))

    latest = await store.find_latest_room("user-1")

    assert latest is not None and latest.id == "third"


async def test_find_latest_room_counts_the_participant_own_channel(
    store: ConversationStore, room: Room
) -> None:
    await store.add_binding(make_binding(room.id, "sms-1", ChannelType.SMS))
    await store.add_participant(make_participant(room.id, "user-1", "sms-1"))

    found = await store.find_latest_room("user-1", channel_type=ChannelType.SMS)

    assert found is not None and found.id == room.id


async def test_room_pages_stay_right_through_many_deletions(store: ConversationStore) -> None:
    expected: list[str] = []
    for number in range(400):
        room_id = f"r{number:03d}"
        await store.create_room(make_room(id=room_id))
        expected.append(room_id)
        if number % 3 != 0:
            victim = expected.pop(len(expected) // 2)
            await store.delete_room(victim)

    for offset in (0, 1, len(expected) // 2, len(expected) - 1):
        page = await store.list_rooms(offset=offset, limit=25)
        assert [r.id for r in page] == expected[offset : offset + 25]
    everything = await store.list_rooms(limit=len(expected))
    assert [r.id for r in everything] == expected
