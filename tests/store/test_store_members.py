"""Conformance: channel bindings and participants of a room."""

from __future__ import annotations

import pytest

from roomkit.errors import ChannelNotFoundError, ParticipantNotFoundError
from roomkit.models import Access, ChannelType, ParticipantStatus, Room
from roomkit.store import ConversationStore
from tests.factories import make_binding, make_participant, make_room


async def test_add_and_get_binding(store: ConversationStore, room: Room) -> None:
    added = await store.add_binding(make_binding(room.id, "sms-1", metadata={"phone": "+1"}))

    assert await store.get_binding(room.id, "sms-1") == added
    assert added.metadata == {"phone": "+1"}
    assert await store.get_binding(room.id, "other") is None
    assert await store.get_binding("missing", "sms-1") is None


async def test_list_bindings_in_attach_order(store: ConversationStore, room: Room) -> None:
    for channel_id in ("sms-1", "email-1", "ai-1"):
        await store.add_binding(make_binding(room.id, channel_id))

    listed = await store.list_bindings(room.id)

    assert [b.channel_id for b in listed] == ["sms-1", "email-1", "ai-1"]
    assert await store.list_bindings("missing") == []


async def test_add_binding_replaces_same_pair(store: ConversationStore, room: Room) -> None:
    await store.add_binding(make_binding(room.id, "sms-1", muted=False))
    await store.add_binding(make_binding(room.id, "email-1", channel_type=ChannelType.EMAIL))

    await store.add_binding(make_binding(room.id, "sms-1", muted=True))

    listed = await store.list_bindings(room.id)
    assert sorted(b.channel_id for b in listed) == ["email-1", "sms-1"]
    stored = await store.get_binding(room.id, "sms-1")
    assert stored is not None and stored.muted is True


async def test_update_binding(store: ConversationStore, room: Room) -> None:
    binding = await store.add_binding(make_binding(room.id, "sms-1"))

    updated = await store.update_binding(
        binding.model_copy(update={"access": Access.READ_ONLY, "visibility": "internal"})
    )

    assert updated.access is Access.READ_ONLY
    assert await store.get_binding(room.id, "sms-1") == updated


async def test_update_missing_binding_raises(store: ConversationStore, room: Room) -> None:
    with pytest.raises(ChannelNotFoundError):
        await store.update_binding(make_binding(room.id, "never-attached"))
    with pytest.raises(ChannelNotFoundError):
        await store.update_binding(make_binding("missing-room", "sms-1"))


async def test_remove_binding(store: ConversationStore, room: Room) -> None:
    await store.add_binding(make_binding(room.id, "sms-1"))
    await store.add_binding(make_binding(room.id, "ai-1"))

    assert await store.remove_binding(room.id, "sms-1") is True
    assert await store.remove_binding(room.id, "sms-1") is False
    assert await store.remove_binding("missing", "sms-1") is False
    assert await store.get_binding(room.id, "sms-1") is None
    assert [b.channel_id for b in await store.list_bindings(room.id)] == ["ai-1"]


async def test_add_and_get_participant(store: ConversationStore, room: Room) -> None:
    added = await store.add_participant(
        make_participant(room.id, "user-1", display_name="Ada", connected_via=["sms-1"])
    )

    assert await store.get_participant(room.id, "user-1") == added
    assert added.display_name == "Ada"
    assert await store.get_participant(room.id, "nobody") is None
    assert await store.get_participant("missing", "user-1") is None


async def test_participants_are_per_room(store: ConversationStore, room: Room) -> None:
    await store.create_room(make_room(id="other"))
    await store.add_participant(make_participant(room.id, "user-1", display_name="here"))
    await store.add_participant(make_participant("other", "user-1", display_name="there"))

    here = await store.get_participant(room.id, "user-1")
    there = await store.get_participant("other", "user-1")

    assert here is not None and here.display_name == "here"
    assert there is not None and there.display_name == "there"


async def test_list_participants_in_join_order(store: ConversationStore, room: Room) -> None:
    for participant_id in ("u3", "u1", "u2"):
        await store.add_participant(make_participant(room.id, participant_id))

    listed = await store.list_participants(room.id)

    assert [p.id for p in listed] == ["u3", "u1", "u2"]
    assert await store.list_participants("missing") == []


async def test_add_participant_replaces_same_id(store: ConversationStore, room: Room) -> None:
    await store.add_participant(make_participant(room.id, "user-1", display_name="old"))
    await store.add_participant(make_participant(room.id, "user-1", display_name="new"))

    listed = await store.list_participants(room.id)

    assert [(p.id, p.display_name) for p in listed] == [("user-1", "new")]


async def test_update_participant(store: ConversationStore, room: Room) -> None:
    participant = await store.add_participant(make_participant(room.id, "user-1"))

    updated = await store.update_participant(
        participant.model_copy(update={"status": ParticipantStatus.LEFT})
    )

    assert updated.status is ParticipantStatus.LEFT
    assert await store.get_participant(room.id, "user-1") == updated


async def test_update_missing_participant_raises(store: ConversationStore, room: Room) -> None:
    with pytest.raises(ParticipantNotFoundError):
        await store.update_participant(make_participant(room.id, "nobody"))
    with pytest.raises(ParticipantNotFoundError):
        await store.update_participant(make_participant("missing", "user-1"))
