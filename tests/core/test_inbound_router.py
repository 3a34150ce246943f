"""DefaultInboundRoomRouter on the in-memory store: which room a message belongs to."""

from __future__ import annotations

import pytest

from roomkit import ChannelType, DefaultInboundRoomRouter, InMemoryStore, RoomStatus
from tests.factories import make_binding, make_participant, make_room

SMS = ChannelType.SMS


@pytest.fixture
def store() -> InMemoryStore:
    """An empty in-memory store."""
    return InMemoryStore()


async def _room(
    store: InMemoryStore,
    room_id: str,
    *,
    participant: str | None = None,
    dedicated_to: str | None = None,
    status: RoomStatus = RoomStatus.ACTIVE,
) -> None:
    """A room with ``sms-1`` attached and, optionally, a participant reached through it."""
    await store.create_room(make_room(id=room_id, status=status))
    await store.add_binding(make_binding(room_id, "sms-1", participant_id=dedicated_to))
    if participant is not None:
        await store.add_participant(make_participant(room_id, participant, "sms-1"))


async def test_unknown_channel_and_sender_means_a_new_room(store: InMemoryStore) -> None:
    assert await DefaultInboundRoomRouter(store).route("sms-1", SMS, "+1555") is None


async def test_the_senders_latest_open_room_wins(store: InMemoryStore) -> None:
    await _room(store, "old", participant="+1555")
    await _room(store, "new", participant="+1555")
    await _room(store, "someone-else", participant="+1666")

    assert await DefaultInboundRoomRouter(store).route("sms-1", SMS, "+1555") == "new"


async def test_a_closed_room_of_the_sender_is_not_reused(store: InMemoryStore) -> None:
    await _room(store, "closed", participant="+1555", status=RoomStatus.CLOSED)

    assert await DefaultInboundRoomRouter(store).route("sms-1", SMS, "+1555") is None


async def test_an_older_open_room_is_not_revived_after_a_newer_one_closed(
    store: InMemoryStore,
) -> None:
    await _room(store, "older", participant="+1555", dedicated_to="+1555")
    await _room(store, "newer", participant="+1555", dedicated_to="+1555")
    await store.update_room(make_room(id="newer", status=RoomStatus.CLOSED))

    assert await DefaultInboundRoomRouter(store).route("sms-1", SMS, "+1555") is None


async def test_a_shared_channel_routes_to_its_room(store: InMemoryStore) -> None:
    await _room(store, "lobby")
    router = DefaultInboundRoomRouter(store)

    assert await router.route("sms-1", SMS, "+1777") == "lobby"
    assert await router.route("sms-1", SMS) == "lobby"


async def test_a_binding_dedicated_to_another_sender_is_not_shared(
    store: InMemoryStore,
) -> None:
    await _room(store, "alice-room", dedicated_to="+1555")
    router = DefaultInboundRoomRouter(store)

    assert await router.route("sms-1", SMS, "+1777") is None
    assert await router.route("sms-1", SMS, "+1555") == "alice-room"


async def test_a_paused_channel_room_is_still_open(store: InMemoryStore) -> None:
    await _room(store, "paused", status=RoomStatus.PAUSED)

    assert await DefaultInboundRoomRouter(store).route("sms-1", SMS, "+1777") == "paused"


async def test_a_closed_channel_room_is_not_reused(store: InMemoryStore) -> None:
    await _room(store, "closed", status=RoomStatus.ARCHIVED)

    assert await DefaultInboundRoomRouter(store).route("sms-1", SMS, "+1777") is None


async def test_a_detached_channel_no_longer_routes_to_the_room(store: InMemoryStore) -> None:
    await _room(store, "lobby")
    await store.remove_binding("lobby", "sms-1")

    assert await DefaultInboundRoomRouter(store).route("sms-1", SMS, "+1777") is None


class _StaleIndexStore(InMemoryStore):
    """A store whose channel index still names a room the channel has left."""

    async def find_room_id_by_channel(
        self, channel_id: str, status: RoomStatus | None = None
    ) -> str | None:
        return "lobby"


async def test_a_stale_channel_index_without_a_binding_means_a_new_room() -> None:
    store = _StaleIndexStore()
    await store.create_room(make_room(id="lobby"))

    assert await DefaultInboundRoomRouter(store).route("sms-1", SMS, "+1777") is None
