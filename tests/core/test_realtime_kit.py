"""Ephemeral events (typing, presence, read receipts) published through the kit."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from roomkit import (
    EphemeralEvent,
    EphemeralEventType,
    InMemoryRealtime,
    RoomKit,
    TextContent,
)


@dataclass
class Listener:
    """A subscriber callback that records events and signals each arrival."""

    events: list[EphemeralEvent] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def __call__(self, event: EphemeralEvent) -> None:
        self.events.append(event)
        self.arrived.set()

    @property
    def kinds(self) -> list[EphemeralEventType]:
        """The types received, in order."""
        return [e.type for e in self.events]


@dataclass
class Live:
    """A kit with its in-memory realtime backend and a room."""

    kit: RoomKit
    realtime: InMemoryRealtime
    room_id: str = "room-1"


@pytest.fixture
async def live() -> AsyncIterator[Live]:
    """A kit on an InMemoryRealtime the test can drain, with room ``room-1``."""
    realtime = InMemoryRealtime()
    async with RoomKit(realtime=realtime) as kit:
        await kit.create_room("room-1")
        yield Live(kit, realtime)


async def test_the_kit_exposes_its_realtime_backend(live: Live) -> None:
    assert live.kit.realtime is live.realtime


async def test_typing_start_and_stop(live: Live) -> None:
    listener = Listener()
    await live.kit.subscribe_room(live.room_id, listener)
    await live.kit.publish_typing(live.room_id, "alice")
    await live.kit.publish_typing(live.room_id, "alice", is_typing=False)
    await live.realtime.drain()

    assert listener.kinds == [EphemeralEventType.TYPING_START, EphemeralEventType.TYPING_STOP]
    assert {(e.room_id, e.user_id) for e in listener.events} == {(live.room_id, "alice")}


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        ("online", EphemeralEventType.PRESENCE_ONLINE),
        ("away", EphemeralEventType.PRESENCE_AWAY),
        ("offline", EphemeralEventType.PRESENCE_OFFLINE),
    ],
)
async def test_presence(live: Live, status: str, kind: EphemeralEventType) -> None:
    listener = Listener()
    await live.kit.subscribe_room(live.room_id, listener)
    await live.kit.publish_presence(live.room_id, "alice", status)
    await live.realtime.drain()
    assert listener.kinds == [kind]
    assert listener.events[0].user_id == "alice"


async def test_an_unknown_presence_status_is_refused(live: Live) -> None:
    listener = Listener()
    await live.kit.subscribe_room(live.room_id, listener)
    with pytest.raises(ValueError, match="busy"):
        await live.kit.publish_presence(live.room_id, "alice", "busy")
    await live.realtime.drain()
    assert listener.events == []


async def test_read_receipt_names_the_event(live: Live) -> None:
    listener = Listener()
    await live.kit.subscribe_room(live.room_id, listener)
    await live.kit.publish_read_receipt(live.room_id, "alice", "event-42")
    await live.realtime.drain()
    [receipt] = listener.events
    assert receipt.type is EphemeralEventType.READ_RECEIPT
    assert receipt.data == {"event_id": "event-42"}


async def test_subscribers_only_hear_their_room(live: Live) -> None:
    await live.kit.create_room("room-2")
    here, there = Listener(), Listener()
    await live.kit.subscribe_room(live.room_id, here)
    await live.kit.subscribe_room("room-2", there)
    await live.kit.publish_typing("room-2", "bob")
    await live.realtime.drain()
    assert here.events == []
    assert [e.room_id for e in there.events] == ["room-2"]


async def test_unsubscribe_stops_delivery(live: Live) -> None:
    listener = Listener()
    subscription = await live.kit.subscribe_room(live.room_id, listener)
    assert await live.kit.unsubscribe_room(subscription)
    assert not await live.kit.unsubscribe_room(subscription)
    await live.kit.publish_typing(live.room_id, "alice")
    await live.realtime.drain()
    assert listener.events == []


async def test_ephemeral_events_never_touch_the_store(live: Live) -> None:
    kit = live.kit
    await kit.send_event(live.room_id, "system", TextContent(body="a real message"))
    before = await kit.store.get_event_count(live.room_id)
    room_before = await kit.get_room(live.room_id)
    await kit.subscribe_room(live.room_id, Listener())

    await kit.publish_typing(live.room_id, "alice")
    await kit.publish_presence(live.room_id, "alice", "online")
    await kit.publish_read_receipt(live.room_id, "alice", "event-1")
    await live.realtime.drain()

    assert await kit.store.get_event_count(live.room_id) == before
    room_after = await kit.get_room(live.room_id)
    assert (room_after.event_count, room_after.latest_index) == (
        room_before.event_count,
        room_before.latest_index,
    )


async def test_a_slow_subscriber_does_not_hold_up_the_others(live: Live) -> None:
    gate = asyncio.Event()
    slow_seen: list[EphemeralEvent] = []

    async def slow(event: EphemeralEvent) -> None:
        await gate.wait()
        slow_seen.append(event)

    fast = Listener()
    await live.kit.subscribe_room(live.room_id, slow)
    await live.kit.subscribe_room(live.room_id, fast)
    await live.kit.publish_typing(live.room_id, "alice")

    async with asyncio.timeout(5):
        await fast.arrived.wait()
    assert fast.kinds == [EphemeralEventType.TYPING_START]
    assert slow_seen == []

    gate.set()
    await live.realtime.drain()
    assert [e.type for e in slow_seen] == [EphemeralEventType.TYPING_START]


async def test_a_failing_subscriber_does_not_stop_the_others(live: Live) -> None:
    failures = 0

    async def broken(event: EphemeralEvent) -> None:
        nonlocal failures
        failures += 1
        raise RuntimeError("subscriber bug")

    healthy = Listener()
    await live.kit.subscribe_room(live.room_id, broken)
    await live.kit.subscribe_room(live.room_id, healthy)
    await live.kit.publish_typing(live.room_id, "alice")
    await live.kit.publish_typing(live.room_id, "alice", is_typing=False)
    await live.realtime.drain()

    assert failures == 2
    assert healthy.kinds == [EphemeralEventType.TYPING_START, EphemeralEventType.TYPING_STOP]
