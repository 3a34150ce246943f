"""Conformance: identities and their addresses, tasks and observations."""

from __future__ import annotations

import pytest

from roomkit.errors import IdentityNotFoundError, TaskNotFoundError
from roomkit.models import ChannelType, Room, TaskStatus
from roomkit.store import ConversationStore
from tests.factories import make_identity, make_observation, make_room, make_task


async def test_create_and_get_identity(store: ConversationStore) -> None:
    created = await store.create_identity(make_identity("id-1", display_name="Ada"))

    assert await store.get_identity("id-1") == created
    assert await store.get_identity("missing") is None


async def test_resolve_identity_by_indexed_address(store: ConversationStore) -> None:
    await store.create_identity(
        make_identity("id-1", channel_addresses={"sms": ["+15550001", "+15550002"]})
    )
    await store.create_identity(make_identity("id-2", channel_addresses={"email": ["b@x.io"]}))

    by_phone = await store.resolve_identity("sms", "+15550002")
    by_enum = await store.resolve_identity(ChannelType.EMAIL, "b@x.io")

    assert by_phone is not None and by_phone.id == "id-1"
    assert by_enum is not None and by_enum.id == "id-2"
    assert await store.resolve_identity("sms", "b@x.io") is None
    assert await store.resolve_identity("email", "+15550001") is None


async def test_link_address(store: ConversationStore) -> None:
    await store.create_identity(make_identity("id-1", channel_addresses={"sms": ["+1"]}))

    linked = await store.link_address("id-1", "email", "ada@x.io")
    again = await store.link_address("id-1", "email", "ada@x.io")

    assert linked.channel_addresses == {"sms": ["+1"], "email": ["ada@x.io"]}
    assert again.channel_addresses == linked.channel_addresses
    resolved = await store.resolve_identity("email", "ada@x.io")
    assert resolved is not None and resolved.id == "id-1"
    assert resolved.channel_addresses == linked.channel_addresses


async def test_link_address_to_unknown_identity_raises(store: ConversationStore) -> None:
    with pytest.raises(IdentityNotFoundError):
        await store.link_address("missing", "sms", "+1")


async def test_add_and_get_task(store: ConversationStore, room: Room) -> None:
    added = await store.add_task(make_task(room.id, "Call back", assigned_to="agent-1"))

    assert await store.get_task(added.id) == added
    assert await store.get_task("missing") is None


async def test_list_tasks_oldest_first_with_status_filter(
    store: ConversationStore, room: Room
) -> None:
    await store.create_room(make_room(id="other"))
    first = await store.add_task(make_task(room.id, "one"))
    second = await store.add_task(make_task(room.id, "two", status=TaskStatus.COMPLETED))
    third = await store.add_task(make_task(room.id, "three"))
    await store.add_task(make_task("other", "elsewhere"))

    everything = await store.list_tasks(room.id)
    pending = await store.list_tasks(room.id, status=TaskStatus.PENDING)
    completed = await store.list_tasks(room.id, status=TaskStatus.COMPLETED)

    assert [t.id for t in everything] == [first.id, second.id, third.id]
    assert [t.id for t in pending] == [first.id, third.id]
    assert [t.id for t in completed] == [second.id]
    assert await store.list_tasks(room.id, status=TaskStatus.FAILED) == []
    assert await store.list_tasks("missing") == []


async def test_update_task(store: ConversationStore, room: Room) -> None:
    task = await store.add_task(make_task(room.id))

    updated = await store.update_task(task.model_copy(update={"status": TaskStatus.IN_PROGRESS}))

    assert updated.status is TaskStatus.IN_PROGRESS
    assert await store.get_task(task.id) == updated
    listed = await store.list_tasks(room.id, status=TaskStatus.IN_PROGRESS)
    assert [t.id for t in listed] == [task.id]


async def test_update_missing_task_raises(store: ConversationStore, room: Room) -> None:
    with pytest.raises(TaskNotFoundError):
        await store.update_task(make_task(room.id))


async def test_observations_oldest_first_per_room(store: ConversationStore, room: Room) -> None:
    await store.create_room(make_room(id="other"))
    first = await store.add_observation(make_observation(room.id, "calm"))
    await store.add_observation(make_observation("other", "elsewhere"))
    second = await store.add_observation(make_observation(room.id, "angry", confidence=0.4))

    listed = await store.list_observations(room.id)

    assert listed == [first, second]
    assert await store.list_observations("missing") == []
