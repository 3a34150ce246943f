"""Conformance: rooms, room lookups by channel and participant, and room deletion."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from roomkit.errors import RoomNotFoundError
from roomkit.models import ChannelType, Room, RoomStatus
from roomkit.store import ConversationStore, InMemoryStore
from tests.factories import (
    make_binding,
    make_event,
    make_observation,
    make_participant,
    make_room,
    make_task,
)


def _at(day: int) -> datetime:
    return datetime(2024, 1, day, tzinfo=UTC)


async def test_create_room_returns_stored_room(store: ConversationStore) -> None:
    created = await store.create_room(make_room(id="r1", organization_id="org", metadata={"k": 1}))

    fetched = await store.get_room("r1")

    assert created.id == "r1"
    assert fetched == created
    assert fetched is not None and fetched.metadata == {"k": 1}
    assert fetched.event_count == 0
    assert fetched.latest_index == -1


async def test_get_unknown_room_is_none(store: ConversationStore) -> None:
    assert await store.get_room("missing") is None


async def test_update_room_replaces_fields(store: ConversationStore, room: Room) -> None:
    changed = room.model_copy(update={"status": RoomStatus.PAUSED, "metadata": {"topic": "x"}})

    updated = await store.update_room(changed)

    assert updated.status is RoomStatus.PAUSED
    stored = await store.get_room(room.id)
    assert stored is not None
    assert stored.status is RoomStatus.PAUSED
    assert stored.metadata == {"topic": "x"}


async def test_update_unknown_room_raises(store: ConversationStore) -> None:
    with pytest.raises(RoomNotFoundError):
        await store.update_room(make_room(id="missing"))


async def test_delete_room_reports_whether_it_existed(
    store: ConversationStore, room: Room
) -> None:
    assert await store.delete_room(room.id) is True
    assert await store.get_room(room.id) is None
    assert await store.delete_room(room.id) is False
    assert await store.delete_room("never-existed") is False


async def test_delete_room_removes_everything_in_it(store: ConversationStore) -> None:
    await store.create_room(make_room(id="gone"))
    await store.create_room(make_room(id="kept"))
    event = await store.add_event(make_event("gone", idempotency_key="k1"))
    kept_event = await store.add_event(make_event("kept", idempotency_key="k1"))
    await store.add_binding(make_binding("gone", "sms-1"))
    await store.add_participant(make_participant("gone", "user-1"))
    task = await store.add_task(make_task("gone"))
    await store.add_observation(make_observation("gone"))

    assert await store.delete_room("gone") is True

    assert await store.get_event(event.id) is None
    assert await store.list_events("gone") == []
    assert await store.get_event_count("gone") == 0
    assert await store.check_idempotency("gone", "k1") is False
    assert await store.get_binding("gone", "sms-1") is None
    assert await store.list_bindings("gone") == []
    assert await store.find_room_id_by_channel("sms-1") is None
    assert await store.get_participant("gone", "user-1") is None
    assert await store.list_participants("gone") == []
    assert await store.find_latest_room("user-1") is None
    assert await store.get_task(task.id) is None
    assert await store.list_tasks("gone") == []
    assert await store.list_observations("gone") == []
    assert [r.id for r in await store.list_rooms()] == ["kept"]
    assert await store.get_event(kept_event.id) == kept_event
    assert await store.check_idempotency("kept", "k1") is True


async def test_deleted_room_id_can_be_reused(store: ConversationStore) -> None:
    await store.create_room(make_room(id="r1"))
    await store.add_event(make_event("r1"))
    await store.delete_room("r1")

    await store.create_room(make_room(id="r1"))
    event = await store.add_event(make_event("r1"))

    assert event.index == 0
    assert await store.get_event_count("r1") == 1


async def test_list_rooms_pages_oldest_first(store: ConversationStore) -> None:
    for number in range(7):
        await store.create_room(make_room(id=f"r{number}"))

    first = await store.list_rooms(offset=0, limit=3)
    second = await store.list_rooms(offset=3, limit=3)
    last = await store.list_rooms(offset=6, limit=3)

    assert [r.id for r in first] == ["r0", "r1", "r2"]
    assert [r.id for r in second] == ["r3", "r4", "r5"]
    assert [r.id for r in last] == ["r6"]


async def test_list_rooms_skips_deleted_rooms(store: ConversationStore) -> None:
    for number in range(6):
        await store.create_room(make_room(id=f"r{number}"))
    await store.delete_room("r1")
    await store.delete_room("r4")

    assert [r.id for r in await store.list_rooms(offset=1, limit=3)] == ["r2", "r3", "r5"]


async def test_list_rooms_bounds(store: ConversationStore) -> None:
    await store.create_room(make_room(id="r0"))

    assert await store.list_rooms(offset=5) == []
    assert await store.list_rooms(limit=0) == []
    with pytest.raises(ValueError):
        await store.list_rooms(offset=-1)
    with pytest.raises(ValueError):
        await store.list_rooms(limit=-1)


async def test_find_rooms_filters_by_every_criterion(store: ConversationStore) -> None:
    await store.create_room(make_room(id="a", organization_id="acme", metadata={"tier": "gold"}))
    await store.create_room(make_room(id="b", organization_id="acme", metadata={"tier": "free"}))
    await store.create_room(
        make_room(
            id="c", organization_id="acme", status=RoomStatus.CLOSED, metadata={"tier": "gold"}
        )
    )
    await store.create_room(make_room(id="d", organization_id="other", metadata={"tier": "gold"}))
    await store.create_room(make_room(id="e", organization_id="acme"))

    async def ids(**filters: Any) -> list[str]:
        return [r.id for r in await store.find_rooms(**filters)]

    assert await ids() == ["a", "b", "c", "d", "e"]
    assert await ids(organization_id="acme") == ["a", "b", "c", "e"]
    assert await ids(status=RoomStatus.CLOSED) == ["c"]
    assert await ids(metadata_filter={"tier": "gold"}) == ["a", "c", "d"]
    assert await ids(
        organization_id="acme", status=RoomStatus.ACTIVE, metadata_filter={"tier": "gold"}
    ) == ["a"]
    assert await ids(metadata_filter={"tier": "gold", "missing": None}) == []


async def test_find_rooms_pages_after_filtering(store: ConversationStore) -> None:
    for number in range(6):
        org = "acme" if number % 2 == 0 else "other"
        await store.create_room(make_room(id=f"r{number}", organization_id=org))

    page = await store.find_rooms(organization_id="acme", offset=1, limit=1)

    assert [r.id for r in page] == ["r2"]
    assert await store.find_rooms(organization_id="acme", offset=3) == []
    assert await store.find_rooms(limit=0) == []
    with pytest.raises(ValueError):
        await store.find_rooms(offset=-1)
    with pytest.raises(ValueError):
        await store.find_rooms(limit=-1)


async def test_find_latest_room_picks_most_recently_created(store: ConversationStore) -> None:
    await store.create_room(make_room(id="newest", created_at=_at(3)))
    await store.create_room(make_room(id="oldest", created_at=_at(1)))
    await store.create_room(make_room(id="middle", created_at=_at(2)))
    await store.create_room(make_room(id="elsewhere", created_at=_at(4)))
    for room_id in ("oldest", "newest", "middle"):
        await store.add_participant(make_participant(room_id, "user-1"))
    await store.add_participant(make_participant("elsewhere", "user-2"))

    latest = await store.find_latest_room("user-1")

    assert latest is not None and latest.id == "newest"
    assert await store.find_latest_room("nobody") is None


async def test_find_latest_room_status_filter(store: ConversationStore) -> None:
    await store.create_room(make_room(id="old", created_at=_at(1)))
    await store.create_room(make_room(id="new", created_at=_at(2), status=RoomStatus.CLOSED))
    for room_id in ("old", "new"):
        await store.add_participant(make_participant(room_id, "user-1"))

    active = await store.find_latest_room("user-1", status=RoomStatus.ACTIVE)
    closed = await store.find_latest_room("user-1", status=RoomStatus.CLOSED)

    assert active is not None and active.id == "old"
    assert closed is not None and closed.id == "new"
    assert await store.find_latest_room("user-1", status=RoomStatus.ARCHIVED) is None


async def test_find_latest_room_channel_type_via_connected_channels(
    store: ConversationStore,
) -> None:
    await store.create_room(make_room(id="sms-room", created_at=_at(1)))
    await store.create_room(make_room(id="email-room", created_at=_at(2)))
    await store.add_binding(make_binding("sms-room", "sms-1", ChannelType.SMS))
    await store.add_binding(make_binding("email-room", "email-1", ChannelType.EMAIL))
    await store.add_binding(make_binding("email-room", "sms-9", ChannelType.SMS))
    await store.add_participant(
        make_participant("sms-room", "user-1", "ws-1", connected_via=["sms-1"])
    )
    await store.add_participant(
        make_participant("email-room", "user-1", "ws-1", connected_via=["email-1"])
    )

    by_sms = await store.find_latest_room("user-1", channel_type=ChannelType.SMS)
    by_email = await store.find_latest_room("user-1", channel_type=ChannelType.EMAIL)

    assert by_sms is not None and by_sms.id == "sms-room"
    assert by_email is not None and by_email.id == "email-room"
    assert await store.find_latest_room("user-1", channel_type=ChannelType.VOICE) is None


async def test_find_latest_room_channel_type_via_binding_participant(
    store: ConversationStore,
) -> None:
    await store.create_room(make_room(id="r1", created_at=_at(1)))
    await store.create_room(make_room(id="r2", created_at=_at(2)))
    await store.add_participant(make_participant("r1", "user-1", "ws-1"))
    await store.add_participant(make_participant("r2", "user-1", "ws-1"))
    await store.add_binding(
        make_binding("r1", "wa-1", ChannelType.WHATSAPP, participant_id="user-1")
    )
    await store.add_binding(
        make_binding("r2", "wa-2", ChannelType.WHATSAPP, participant_id="other")
    )

    found = await store.find_latest_room("user-1", channel_type=ChannelType.WHATSAPP)

    assert found is not None and found.id == "r1"


async def test_find_room_id_by_channel_returns_latest_attachment(
    store: ConversationStore,
) -> None:
    for room_id in ("r1", "r2", "r3"):
        await store.create_room(make_room(id=room_id))
    await store.add_binding(make_binding("r1", "sms-1"))
    await store.add_binding(make_binding("r2", "sms-1"))
    await store.add_binding(make_binding("r3", "other"))

    assert await store.find_room_id_by_channel("sms-1") == "r2"
    assert await store.find_room_id_by_channel("unknown") is None

    await store.add_binding(make_binding("r1", "sms-1"))
    assert await store.find_room_id_by_channel("sms-1") == "r1"

    await store.remove_binding("r1", "sms-1")
    assert await store.find_room_id_by_channel("sms-1") == "r2"


async def test_find_room_id_by_channel_status_filter(store: ConversationStore) -> None:
    await store.create_room(make_room(id="r1"))
    await store.create_room(make_room(id="r2", status=RoomStatus.CLOSED))
    await store.create_room(make_room(id="r3", status=RoomStatus.PAUSED))
    for room_id in ("r1", "r2", "r3"):
        await store.add_binding(make_binding(room_id, "sms-1"))

    assert await store.find_room_id_by_channel("sms-1") == "r3"
    assert await store.find_room_id_by_channel("sms-1", status=RoomStatus.ACTIVE) == "r1"
    assert await store.find_room_id_by_channel("sms-1", status=RoomStatus.CLOSED) == "r2"
    assert await store.find_room_id_by_channel("sms-1", status=RoomStatus.ARCHIVED) is None


async def test_find_room_id_by_channel_sees_status_updates(store: ConversationStore) -> None:
    await store.create_room(make_room(id="r1"))
    await store.create_room(make_room(id="r2"))
    for room_id in ("r1", "r2"):
        await store.add_binding(make_binding(room_id, "sms-1"))
    latest = await store.get_room("r2")
    assert latest is not None

    await store.update_room(latest.model_copy(update={"status": RoomStatus.CLOSED}))

    assert await store.find_room_id_by_channel("sms-1", status=RoomStatus.ACTIVE) == "r1"


async def test_find_rooms_compares_metadata_with_python_equality(
    store: ConversationStore,
) -> None:
    # PostgreSQL narrows the scan by JSON containment, which tells true from 1: values
    # holding numbers or booleans are left to the final check, which uses ==.
    await store.create_room(make_room(id="a", metadata={"vip": True, "tier": "gold"}))
    await store.create_room(make_room(id="b", metadata={"vip": False, "tier": "gold"}))
    await store.create_room(make_room(id="c", metadata={"vip": 1, "tier": "silver"}))

    found = await store.find_rooms(metadata_filter={"vip": 1})
    gold = await store.find_rooms(metadata_filter={"vip": 1.0, "tier": "gold"})
    none = await store.find_rooms(metadata_filter={"vip": [True]})

    assert [room.id for room in found] == ["a", "c"]
    assert [room.id for room in gold] == ["a"]
    assert none == []


async def test_latest_room_status_answers_as_find_latest_room(store: ConversationStore) -> None:
    """The router's lookup: the id and status of the room ``find_latest_room`` returns."""
    await store.create_room(make_room(id="sms-room", created_at=_at(1)))
    await store.create_room(make_room(id="closed", created_at=_at(2), status=RoomStatus.CLOSED))
    await store.add_binding(make_binding("sms-room", "sms-1", ChannelType.SMS))
    await store.add_binding(make_binding("closed", "email-1", ChannelType.EMAIL))
    await store.add_participant(make_participant("sms-room", "user-1", "sms-1"))
    await store.add_participant(make_participant("closed", "user-1", "email-1"))

    for channel_type in (None, ChannelType.SMS, ChannelType.EMAIL, ChannelType.VOICE):
        room = await store.find_latest_room("user-1", channel_type)
        expected = None if room is None else (room.id, room.status)
        assert await store._latest_room_status("user-1", channel_type) == expected
    assert await store._latest_room_status("user-1") == ("closed", RoomStatus.CLOSED)
    assert await store._latest_room_status("user-1", ChannelType.SMS) == (
        "sms-room",
        RoomStatus.ACTIVE,
    )
    assert await store._latest_room_status("nobody") is None


async def test_latest_room_status_by_default_reads_the_room() -> None:
    """A store that does not answer it itself answers through ``find_latest_room``."""

    class Plain(InMemoryStore):
        _latest_room_status = ConversationStore._latest_room_status

    store = Plain()
    await store.create_room(make_room(id="r1"))
    await store.add_participant(make_participant("r1", "user-1"))
    assert await store._latest_room_status("user-1") == ("r1", RoomStatus.ACTIVE)
    assert await store._latest_room_status("nobody") is None
