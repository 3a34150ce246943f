"""Behaviour of the in-memory realtime backend and the ephemeral event model."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime

import pytest

from roomkit.realtime import (
    EphemeralEvent,
    EphemeralEventType,
    InMemoryRealtime,
    RealtimeBackend,
)


def typing(room_id: str = "room-1", user_id: str = "u1", **data: object) -> EphemeralEvent:
    return EphemeralEvent(
        room_id=room_id, type=EphemeralEventType.TYPING_START, user_id=user_id, data=data
    )


class Recorder:
    """An async callback that remembers what it was given."""

    def __init__(self) -> None:
        self.events: list[EphemeralEvent] = []
        self.got_one = asyncio.Event()

    async def __call__(self, event: EphemeralEvent) -> None:
        self.events.append(event)
        self.got_one.set()


# --- EphemeralEvent -----------------------------------------------------------------


def test_event_type_values() -> None:
    assert [t.value for t in EphemeralEventType] == [
        "typing_start",
        "typing_stop",
        "presence_online",
        "presence_away",
        "presence_offline",
        "read_receipt",
        "custom",
    ]


def test_event_defaults() -> None:
    event = typing()
    assert len(event.id) == 32
    int(event.id, 16)
    assert event.timestamp.tzinfo is not None
    assert event.timestamp.utcoffset() == UTC.utcoffset(None)
    assert event.channel_id is None
    assert typing().id != event.id


def test_naive_timestamp_is_taken_as_utc() -> None:
    event = EphemeralEvent(
        room_id="r",
        type=EphemeralEventType.PRESENCE_AWAY,
        user_id="u",
        timestamp=datetime(2024, 5, 1, 12, 0),
    )
    assert event.timestamp == datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def test_to_dict_is_json_ready_and_round_trips() -> None:
    event = EphemeralEvent(
        room_id="r",
        type=EphemeralEventType.READ_RECEIPT,
        user_id="u",
        channel_id="ws",
        data={"event_id": "e-9"},
    )
    as_dict = event.to_dict()
    assert as_dict["type"] == "read_receipt"
    assert isinstance(as_dict["timestamp"], str)
    wire = json.loads(json.dumps(as_dict))
    assert EphemeralEvent.from_dict(wire) == event


# --- publish / subscribe --------------------------------------------------------------


async def test_subscribers_of_a_channel_receive_its_events_only() -> None:
    backend = InMemoryRealtime()
    first, second, elsewhere = Recorder(), Recorder(), Recorder()
    await backend.subscribe("room:r1", first)
    await backend.subscribe("room:r1", second)
    await backend.subscribe("room:r2", elsewhere)
    event = typing("r1")
    await backend.publish("room:r1", event)
    await backend.drain()
    assert first.events == [event]
    assert second.events == [event]
    assert elsewhere.events == []
    await backend.close()


async def test_room_helpers_use_room_channel() -> None:
    backend = InMemoryRealtime()
    assert backend.room_channel("abc") == "room:abc"
    by_room, by_channel = Recorder(), Recorder()
    await backend.subscribe_to_room("abc", by_room)
    await backend.subscribe("room:abc", by_channel)
    event = typing("abc")
    await backend.publish_to_room("abc", event)
    await backend.drain()
    assert by_room.events == [event]
    assert by_channel.events == [event]
    await backend.close()


async def test_events_arrive_in_publish_order() -> None:
    backend = InMemoryRealtime()
    recorder = Recorder()
    await backend.subscribe("c", recorder)
    events = [typing(n=n) for n in range(20)]
    for event in events:
        await backend.publish("c", event)
    await backend.drain()
    assert recorder.events == events
    await backend.close()


async def test_publish_without_subscribers_is_fine() -> None:
    backend = InMemoryRealtime()
    await backend.publish("nobody", typing())
    await backend.drain()
    assert backend.subscription_count == 0


async def test_slow_subscriber_blocks_neither_publish_nor_others() -> None:
    backend = InMemoryRealtime()
    gate = asyncio.Event()
    slow_seen: list[EphemeralEvent] = []

    async def slow(event: EphemeralEvent) -> None:
        await gate.wait()
        slow_seen.append(event)

    fast = Recorder()
    await backend.subscribe("c", slow)
    await backend.subscribe("c", fast)
    event = typing()
    await backend.publish("c", event)
    async with asyncio.timeout(5):
        await fast.got_one.wait()
    assert slow_seen == []
    gate.set()
    await backend.drain()
    assert slow_seen == [event]
    await backend.close()


async def test_failing_callback_is_logged_and_keeps_subscription(
    caplog: pytest.LogCaptureFixture,
) -> None:
    backend = InMemoryRealtime()
    seen: list[str] = []

    async def flaky(event: EphemeralEvent) -> None:
        seen.append(event.user_id)
        if event.user_id == "bad":
            raise RuntimeError("callback bug")

    await backend.subscribe("c", flaky)
    with caplog.at_level(logging.ERROR, logger="roomkit.realtime.memory"):
        await backend.publish("c", typing(user_id="bad"))
        await backend.publish("c", typing(user_id="good"))
        await backend.drain()
    assert seen == ["bad", "good"]
    assert "callback" in caplog.text
    assert "RuntimeError" in caplog.text
    await backend.close()


async def test_full_queue_drops_oldest_event_with_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    backend = InMemoryRealtime(max_queue=2)
    started, gate = asyncio.Event(), asyncio.Event()
    seen: list[int] = []

    async def blocked(event: EphemeralEvent) -> None:
        started.set()
        await gate.wait()
        seen.append(int(event.data["n"]))

    await backend.subscribe("c", blocked)
    await backend.publish("c", typing(n=1))
    await started.wait()
    with caplog.at_level(logging.WARNING, logger="roomkit.realtime.memory"):
        for n in (2, 3, 4):
            await backend.publish("c", typing(n=n))
    assert "dropped" in caplog.text
    gate.set()
    await backend.drain()
    assert seen == [1, 3, 4]
    await backend.close()


async def test_drain_waits_for_events_published_by_callbacks() -> None:
    backend = InMemoryRealtime()
    downstream = Recorder()

    async def relay(event: EphemeralEvent) -> None:
        await asyncio.sleep(0)
        await backend.publish("out", event)

    await backend.subscribe("out", downstream)
    await backend.subscribe("in", relay)
    event = typing()
    await backend.publish("in", event)
    await backend.drain()
    assert downstream.events == [event]
    await backend.close()


# --- unsubscribe / close ------------------------------------------------------------------


async def test_unsubscribe_stops_delivery() -> None:
    backend = InMemoryRealtime()
    gone, kept = Recorder(), Recorder()
    gone_id = await backend.subscribe("c", gone)
    await backend.subscribe("c", kept)
    assert await backend.unsubscribe(gone_id) is True
    assert await backend.unsubscribe(gone_id) is False
    await backend.publish("c", typing())
    await backend.drain()
    assert gone.events == []
    assert len(kept.events) == 1
    assert backend.subscription_count == 1
    await backend.close()


async def test_unsubscribe_unknown_id_returns_false() -> None:
    assert await InMemoryRealtime().unsubscribe("nope") is False


async def test_unsubscribe_cancels_a_running_callback_and_discards_pending() -> None:
    backend = InMemoryRealtime()
    started = asyncio.Event()
    outcome: list[str] = []

    async def stuck(event: EphemeralEvent) -> None:
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            outcome.append("cancelled")
            raise

    sub_id = await backend.subscribe("c", stuck)
    await backend.publish("c", typing())
    await backend.publish("c", typing())
    await started.wait()
    await backend.unsubscribe(sub_id)
    assert outcome == ["cancelled"]
    await backend.drain()


async def test_callback_may_unsubscribe_itself() -> None:
    backend = InMemoryRealtime()
    seen: list[EphemeralEvent] = []
    sub_id = ""

    async def once(event: EphemeralEvent) -> None:
        seen.append(event)
        assert await backend.unsubscribe(sub_id)

    sub_id = await backend.subscribe("c", once)
    await backend.publish("c", typing())
    await backend.drain()
    await backend.publish("c", typing())
    await backend.drain()
    assert len(seen) == 1
    assert backend.subscription_count == 0


async def test_close_cancels_every_subscription() -> None:
    backend = InMemoryRealtime()
    started = asyncio.Event()
    cancelled: list[bool] = []

    async def stuck(event: EphemeralEvent) -> None:
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.append(True)
            raise

    recorder = Recorder()
    await backend.subscribe("a", stuck)
    await backend.subscribe("b", recorder)
    await backend.publish("a", typing())
    await started.wait()
    await backend.close()
    assert cancelled == [True]
    assert backend.subscription_count == 0
    with pytest.raises(RuntimeError, match="closed"):  # as RedisRealtime does
        await backend.publish("b", typing())
    await backend.drain()
    assert recorder.events == []


def test_invalid_max_queue() -> None:
    with pytest.raises(ValueError):
        InMemoryRealtime(max_queue=0)


def test_realtime_backend_is_abstract() -> None:
    with pytest.raises(TypeError):
        RealtimeBackend()  # type: ignore[abstract]
