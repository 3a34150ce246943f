"""A store written to the spec's method list alone (no ``update_event``) still works."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from pipeline_support import add_sms, message, sent_bodies

from roomkit import (
    ConversationStore,
    DeliveryStatus,
    EventStatus,
    InMemoryStore,
    Room,
    RoomEvent,
    RoomKit,
    WebSocketChannel,
)


def _delegate(name: str) -> Any:
    async def method(self: SpecOnlyStore, *args: Any, **kwargs: Any) -> Any:
        return await getattr(self.inner, name)(*args, **kwargs)

    method.__name__ = name
    return method


class SpecOnlyStore(ConversationStore):
    """Implements exactly the abstract methods, by delegating to an in-memory store."""

    def __init__(self) -> None:
        self.inner = InMemoryStore()


for _name in ConversationStore.__abstractmethods__:
    setattr(SpecOnlyStore, _name, _delegate(_name))
SpecOnlyStore.__abstractmethods__ = frozenset()


async def test_the_base_update_event_keeps_the_event_as_first_stored(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("roomkit.store.base._warned_no_updates", set())
    store = SpecOnlyStore()
    await store.create_room(Room(id="r"))
    event = await store.add_event(
        RoomEvent.model_validate(
            {
                "room_id": "r",
                "source": {"channel_id": "c", "channel_type": "websocket"},
                "content": {"type": "text", "body": "hi"},
            }
        )
    )
    changed = event.model_copy(update={"metadata": {"k": "v"}})
    with caplog.at_level(logging.WARNING, logger="roomkit.store"):
        assert await store.update_event(changed) is changed
    stored = await store.get_event(event.id)
    assert stored is not None and stored.metadata == {}
    assert "SpecOnlyStore does not implement update_event" in caplog.text


async def test_messages_flow_and_the_gap_is_reported_once(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("roomkit.store.base._warned_no_updates", set())
    store = SpecOnlyStore()
    async with RoomKit(store=store) as kit:
        kit.register_channel(WebSocketChannel("ws-user"))
        await kit.create_room(room_id="room-s")
        await kit.attach_channel("room-s", "ws-user")
        sms = await add_sms(kit, "room-s")
        with caplog.at_level(logging.WARNING, logger="roomkit.store"):
            first = await kit.process_inbound(message("ws-user", "one"))
            second = await kit.process_inbound(message("ws-user", "two"))
            await kit.process_delivery_status(
                DeliveryStatus(provider="mock", message_id="unknown", status="delivered")
            )

    assert sent_bodies(sms) == ["one", "two"]
    assert first.event is not None and second.event is not None
    stored = await store.get_event(second.event.id)
    assert stored is not None
    assert stored.status is EventStatus.DELIVERED
    assert stored.delivery_results == {}  # delivered, but the record could not be kept
    warnings = [r for r in caplog.records if "does not implement update_event" in r.message]
    assert len(warnings) == 1  # once per store class, however many events
