"""Conformance: the timeline (indexes, pages, visibility, idempotency, updates)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from roomkit.errors import EventNotFoundError, RoomNotFoundError
from roomkit.models import EventStatus, Room, RoomEvent
from roomkit.store import ConversationStore
from tests.factories import add_events, make_event, make_room


async def test_add_event_assigns_index_and_updates_room(
    store: ConversationStore, room: Room
) -> None:
    first = await store.add_event(make_event(index=41))
    second = await store.add_event(make_event())

    assert (first.index, second.index) == (0, 1)
    stored_room = await store.get_room(room.id)
    assert stored_room is not None
    assert stored_room.event_count == 2
    assert stored_room.latest_index == 1


async def test_add_event_moves_updated_at_forward(store: ConversationStore) -> None:
    past = datetime(2020, 1, 1, tzinfo=UTC)
    await store.create_room(make_room(id="room-1", created_at=past, updated_at=past))

    await store.add_event(make_event())

    stored_room = await store.get_room("room-1")
    assert stored_room is not None and stored_room.updated_at > past


async def test_add_event_to_unknown_room_raises(store: ConversationStore) -> None:
    with pytest.raises(RoomNotFoundError):
        await store.add_event(make_event("missing"))


async def test_indexes_are_gap_free_over_many_events(store: ConversationStore, room: Room) -> None:
    added = await add_events(store, 1000)

    assert [event.index for event in added] == list(range(1000))
    assert await store.get_event_count(room.id) == 1000
    stored_room = await store.get_room(room.id)
    assert stored_room is not None
    assert (stored_room.event_count, stored_room.latest_index) == (1000, 999)
    paged: list[RoomEvent] = []
    for offset in range(0, 1000, 64):
        paged.extend(await store.list_events(room.id, offset=offset, limit=64))
    assert [event.id for event in paged] == [event.id for event in added]


async def test_indexes_are_per_room(store: ConversationStore) -> None:
    await store.create_room(make_room(id="a"))
    await store.create_room(make_room(id="b"))

    a0 = await store.add_event(make_event("a"))
    b0 = await store.add_event(make_event("b"))
    a1 = await store.add_event(make_event("a"))

    assert (a0.index, b0.index, a1.index) == (0, 0, 1)


async def test_get_event_round_trips(store: ConversationStore, room: Room) -> None:
    added = await store.add_event(make_event(metadata={"k": "v"}, correlation_id="c1"))

    assert await store.get_event(added.id) == added
    assert await store.get_event("missing") is None


async def test_list_events_latest_page_by_offset(store: ConversationStore, room: Room) -> None:
    added = await add_events(store, 30)
    count = await store.get_event_count(room.id)

    latest = await store.list_events(room.id, offset=count - 5, limit=5)

    assert [event.index for event in latest] == [25, 26, 27, 28, 29]
    assert [event.id for event in latest] == [event.id for event in added[-5:]]


async def test_list_events_bounds(store: ConversationStore, room: Room) -> None:
    await add_events(store, 3)

    assert [e.index for e in await store.list_events(room.id, offset=2, limit=10)] == [2]
    assert await store.list_events(room.id, offset=3) == []
    assert await store.list_events(room.id, offset=100) == []
    assert await store.list_events(room.id, limit=0) == []
    assert await store.list_events("missing") == []
    with pytest.raises(ValueError):
        await store.list_events(room.id, offset=-1)
    with pytest.raises(ValueError):
        await store.list_events(room.id, limit=-1)


async def test_list_events_visibility_filter(store: ConversationStore, room: Room) -> None:
    visibilities = ["all", "internal", "all", "ai-1", "internal", "all", "internal"]
    for number, visibility in enumerate(visibilities):
        await store.add_event(make_event(body=f"m{number}", visibility=visibility))

    internal = await store.list_events(room.id, visibility_filter="internal")
    internal_page = await store.list_events(
        room.id, offset=1, limit=1, visibility_filter="internal"
    )

    assert [e.index for e in internal] == [1, 4, 6]
    assert all(e.visibility == "internal" for e in internal)
    assert [e.index for e in internal_page] == [4]
    assert [e.index for e in await store.list_events(room.id, visibility_filter="all")] == [
        0,
        2,
        5,
    ]
    assert await store.list_events(room.id, visibility_filter="nobody") == []
    assert await store.list_events(room.id, offset=3, visibility_filter="internal") == []


async def test_update_event_replaces_and_keeps_index(store: ConversationStore, room: Room) -> None:
    await add_events(store, 2)
    target = await store.add_event(make_event(body="target"))
    changed = target.model_copy(
        update={
            "status": EventStatus.DELIVERED,
            "delivery_results": {"sms-1": {"status": "delivered"}},
            "metadata": {"edited": True},
            "index": 99,
        }
    )

    updated = await store.update_event(changed)

    assert updated.index == 2
    assert updated.status is EventStatus.DELIVERED
    fetched = await store.get_event(target.id)
    assert fetched == updated
    listed = await store.list_events(room.id)
    assert [e.id for e in listed][2] == target.id
    assert listed[2].metadata == {"edited": True}
    assert await store.get_event_count(room.id) == 3


async def test_update_event_keeps_its_room(store: ConversationStore, room: Room) -> None:
    await store.create_room(make_room(id="other"))
    event = await store.add_event(make_event())

    updated = await store.update_event(event.model_copy(update={"room_id": "other"}))

    assert updated.room_id == room.id
    assert await store.list_events("other") == []
    assert [e.id for e in await store.list_events(room.id)] == [event.id]


async def test_update_unknown_event_raises(store: ConversationStore, room: Room) -> None:
    with pytest.raises(EventNotFoundError):
        await store.update_event(make_event())


async def test_update_event_moves_it_between_visibilities(
    store: ConversationStore, room: Room
) -> None:
    events = await add_events(store, 4)

    await store.update_event(events[1].model_copy(update={"visibility": "internal"}))
    await store.update_event(events[3].model_copy(update={"visibility": "internal"}))
    await store.update_event(events[1].model_copy(update={"status": EventStatus.READ}))

    all_visible = await store.list_events(room.id, visibility_filter="all")
    internal = await store.list_events(room.id, visibility_filter="internal")
    assert [e.index for e in all_visible] == [0, 1, 2]
    assert [e.index for e in internal] == [3]


async def test_idempotency_keys_are_per_room(store: ConversationStore) -> None:
    await store.create_room(make_room(id="a"))
    await store.create_room(make_room(id="b"))

    assert await store.check_idempotency("a", "key-1") is False
    await store.add_event(make_event("a", idempotency_key="key-1"))
    await store.add_event(make_event("a"))

    assert await store.check_idempotency("a", "key-1") is True
    assert await store.check_idempotency("b", "key-1") is False
    assert await store.check_idempotency("a", "key-2") is False
    assert await store.check_idempotency("missing", "key-1") is False


async def test_update_event_keeps_idempotency_in_step(
    store: ConversationStore, room: Room
) -> None:
    first = await store.add_event(make_event(idempotency_key="first"))
    second = await store.add_event(make_event(idempotency_key="second"))
    third = await store.add_event(make_event())
    await store.update_event(first.model_copy(update={"idempotency_key": "fresh"}))
    await store.update_event(third.model_copy(update={"idempotency_key": "late"}))
    await store.update_event(second.model_copy(update={"status": EventStatus.DELIVERED}))

    assert await store.check_idempotency(room.id, "first") is False
    assert await store.check_idempotency(room.id, "fresh") is True
    assert await store.check_idempotency(room.id, "late") is True
    assert await store.check_idempotency(room.id, "second") is True

    await store.update_event(second.model_copy(update={"idempotency_key": None}))

    assert await store.check_idempotency(room.id, "second") is False
    assert await store.check_idempotency(room.id, "fresh") is True


async def test_event_count(store: ConversationStore, room: Room) -> None:
    assert await store.get_event_count(room.id) == 0
    await add_events(store, 5)

    assert await store.get_event_count(room.id) == 5
    assert await store.get_event_count("missing") == 0


async def test_find_event_by_provider_message_id(store: ConversationStore, room: Room) -> None:
    event = await store.add_event(
        make_event(delivery_results={"sms-1": {"provider_message_id": "SM1"}, "ws": "odd"})
    )
    other = await store.add_event(make_event())
    await store.update_event(
        other.model_copy(update={"delivery_results": {"email-1": {"provider_message_id": "E1"}}})
    )

    found = await store.find_event_by_provider_message_id("SM1")
    assert found is not None and found.id == event.id
    later = await store.find_event_by_provider_message_id("E1")
    assert later is not None and later.id == other.id
    assert later.delivery_results == {"email-1": {"provider_message_id": "E1"}}
    assert await store.find_event_by_provider_message_id("missing") is None

    await store.delete_room(room.id)

    assert await store.find_event_by_provider_message_id("SM1") is None


async def test_a_vendor_id_recorded_again_in_another_room_outlives_the_first_room(
    store: ConversationStore,
) -> None:
    await store.create_room(make_room(id="room-1"))
    await store.create_room(make_room(id="room-2"))
    results = {"sms-1": {"provider_message_id": "SM1"}}
    await store.add_event(make_event("room-1", delivery_results=results))
    later = await store.add_event(make_event("room-2", delivery_results=results))

    await store.delete_room("room-1")

    found = await store.find_event_by_provider_message_id("SM1")
    assert found is not None and found.id == later.id
