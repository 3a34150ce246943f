"""Conformance: objects going in and coming out are copies, never the stored state."""

from __future__ import annotations

from typing import Any

from roomkit.models import (
    ChannelBinding,
    ChannelMediaType,
    EventStatus,
    Identity,
    Participant,
    RateLimit,
    Room,
    RoomEvent,
    Task,
    TextContent,
)
from roomkit.store import ConversationStore
from tests.factories import (
    make_binding,
    make_event,
    make_identity,
    make_observation,
    make_participant,
    make_room,
    make_task,
)


def _rich_event() -> RoomEvent:
    event = make_event(
        metadata={"nested": {"deep": "original"}, "tags": ["a"]},
        delivery_results={"sms-1": {"status": "pending"}},
        visibility="internal",
    )
    event.source.raw_payload["payload"] = {"from": "+1"}
    event.channel_data.extra["thread"] = {"id": "t1"}
    return event


def _scribble_event(event: RoomEvent) -> None:
    event.metadata["nested"]["deep"] = "changed"
    event.metadata["tags"].append("b")
    event.metadata["added"] = True
    assert isinstance(event.content, TextContent)
    event.content.body = "changed"
    event.source.raw_payload["payload"]["from"] = "changed"
    event.channel_data.extra["thread"]["id"] = "changed"
    event.delivery_results["sms-1"]["status"] = "changed"
    event.status = EventStatus.FAILED


def _scribble_room(room: Room) -> None:
    room.metadata["nested"]["deep"] = "changed"
    room.metadata["added"] = True
    room.timers.inactive_after_seconds = 1.0


def _scribble_binding(binding: ChannelBinding) -> None:
    binding.metadata["nested"]["deep"] = "changed"
    binding.capabilities.media_types.append(ChannelMediaType.VIDEO)
    assert binding.rate_limit is not None
    binding.rate_limit.max_per_second = 99.0
    binding.muted = True


def _scribble_participant(participant: Participant) -> None:
    participant.connected_via.append("changed")
    participant.candidates.append("changed")
    participant.metadata["nested"]["deep"] = "changed"


def _scribble_identity(identity: Identity) -> None:
    identity.channel_addresses["sms"].append("+19990000")
    identity.metadata["nested"]["deep"] = "changed"


def _scribble_task(task: Task) -> None:
    task.metadata["nested"]["deep"] = "changed"
    task.title = "changed"


def _snapshot(model: Any) -> dict[str, Any]:
    dumped: dict[str, Any] = model.model_dump()
    return dumped


async def test_event_passed_in_is_copied(store: ConversationStore, room: Room) -> None:
    event = _rich_event()
    added = await store.add_event(event)
    before = _snapshot(added)

    _scribble_event(event)

    stored = await store.get_event(added.id)
    assert stored is not None and _snapshot(stored) == before


async def test_events_handed_out_are_copies(store: ConversationStore, room: Room) -> None:
    added = await store.add_event(_rich_event())
    before = _snapshot(added)
    fetched = await store.get_event(added.id)
    assert fetched is not None
    handed_out = [
        added,
        fetched,
        *(await store.list_events(room.id)),
        *(await store.list_events(room.id, visibility_filter="internal")),
    ]

    for event in handed_out:
        _scribble_event(event)

    stored = await store.get_event(added.id)
    assert stored is not None and _snapshot(stored) == before
    assert [_snapshot(e) for e in await store.list_events(room.id)] == [before]


async def test_update_event_copies_both_ways(store: ConversationStore, room: Room) -> None:
    added = await store.add_event(make_event())
    replacement = _rich_event().model_copy(update={"id": added.id})
    updated = await store.update_event(replacement)
    before = _snapshot(updated)

    _scribble_event(replacement)
    _scribble_event(updated)

    stored = await store.get_event(added.id)
    assert stored is not None and _snapshot(stored) == before


async def test_rooms_are_copied_both_ways(store: ConversationStore) -> None:
    room = make_room(id="r1", metadata={"nested": {"deep": "original"}})
    created = await store.create_room(room)
    before = _snapshot(created)
    fetched = await store.get_room("r1")
    assert fetched is not None

    for copy in (room, created, fetched, *(await store.list_rooms()), *(await store.find_rooms())):
        _scribble_room(copy)

    stored = await store.get_room("r1")
    assert stored is not None and _snapshot(stored) == before


async def test_updated_room_is_copied_both_ways(store: ConversationStore) -> None:
    await store.create_room(make_room(id="r1"))
    replacement = make_room(id="r1", metadata={"nested": {"deep": "original"}})
    updated = await store.update_room(replacement)
    before = _snapshot(updated)

    _scribble_room(replacement)
    _scribble_room(updated)

    stored = await store.get_room("r1")
    assert stored is not None and _snapshot(stored) == before


async def test_found_rooms_are_copies(store: ConversationStore) -> None:
    await store.create_room(make_room(id="r1", metadata={"nested": {"deep": "original"}}))
    await store.add_participant(make_participant("r1", "user-1"))
    stored = await store.get_room("r1")
    assert stored is not None
    before = _snapshot(stored)
    latest = await store.find_latest_room("user-1")
    assert latest is not None

    _scribble_room(latest)

    stored = await store.get_room("r1")
    assert stored is not None and _snapshot(stored) == before


async def test_bindings_are_copied_both_ways(store: ConversationStore, room: Room) -> None:
    binding = make_binding(
        room.id, "sms-1", metadata={"nested": {"deep": "original"}}, rate_limit=RateLimit()
    )
    added = await store.add_binding(binding)
    before = _snapshot(added)
    fetched = await store.get_binding(room.id, "sms-1")
    assert fetched is not None
    replacement = added.model_copy(deep=True)
    updated = await store.update_binding(replacement)

    for copy in (
        binding,
        added,
        fetched,
        replacement,
        updated,
        *await store.list_bindings(room.id),
    ):
        _scribble_binding(copy)

    stored = await store.get_binding(room.id, "sms-1")
    assert stored is not None and _snapshot(stored) == before


async def test_participants_are_copied_both_ways(store: ConversationStore, room: Room) -> None:
    participant = make_participant(
        room.id, "user-1", connected_via=["sms-1"], metadata={"nested": {"deep": "original"}}
    )
    added = await store.add_participant(participant)
    before = _snapshot(added)
    fetched = await store.get_participant(room.id, "user-1")
    assert fetched is not None
    replacement = added.model_copy(deep=True)
    updated = await store.update_participant(replacement)

    for copy in (participant, added, fetched, replacement, updated):
        _scribble_participant(copy)
    for copy in await store.list_participants(room.id):
        _scribble_participant(copy)

    stored = await store.get_participant(room.id, "user-1")
    assert stored is not None and _snapshot(stored) == before


async def test_identities_are_copied_both_ways(store: ConversationStore) -> None:
    identity = make_identity(
        "id-1", channel_addresses={"sms": ["+1"]}, metadata={"nested": {"deep": "original"}}
    )
    created = await store.create_identity(identity)
    before = _snapshot(created)
    fetched = await store.get_identity("id-1")
    resolved = await store.resolve_identity("sms", "+1")
    assert fetched is not None and resolved is not None

    for copy in (identity, created, fetched, resolved):
        _scribble_identity(copy)

    stored = await store.get_identity("id-1")
    assert stored is not None and _snapshot(stored) == before
    assert await store.resolve_identity("sms", "+19990000") is None


async def test_linked_identity_is_a_copy(store: ConversationStore) -> None:
    await store.create_identity(
        make_identity("id-1", channel_addresses={"sms": ["+1"]}, metadata={"nested": {}})
    )
    linked = await store.link_address("id-1", "sms", "+2")
    before = _snapshot(linked)

    linked.metadata["nested"]["deep"] = "changed"
    linked.channel_addresses["sms"].clear()

    stored = await store.get_identity("id-1")
    assert stored is not None and _snapshot(stored) == before


async def test_tasks_are_copied_both_ways(store: ConversationStore, room: Room) -> None:
    task = make_task(room.id, metadata={"nested": {"deep": "original"}})
    added = await store.add_task(task)
    before = _snapshot(added)
    fetched = await store.get_task(added.id)
    assert fetched is not None
    replacement = added.model_copy(deep=True)
    updated = await store.update_task(replacement)

    for copy in (task, added, fetched, replacement, updated, *await store.list_tasks(room.id)):
        _scribble_task(copy)

    stored = await store.get_task(added.id)
    assert stored is not None and _snapshot(stored) == before


async def test_observations_are_copied_both_ways(store: ConversationStore, room: Room) -> None:
    observation = make_observation(room.id, metadata={"nested": {"deep": "original"}})
    added = await store.add_observation(observation)
    before = _snapshot(added)

    for copy in (observation, added, *await store.list_observations(room.id)):
        copy.metadata["nested"]["deep"] = "changed"
        copy.content = "changed"

    assert [_snapshot(o) for o in await store.list_observations(room.id)] == [before]
