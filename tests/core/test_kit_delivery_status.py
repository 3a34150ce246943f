"""Vendor reports reaching the kit: process_delivery_status and process_webhook."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import pytest
from pipeline_support import FrameworkLog, add_sms, body_of, message, messages_of

from roomkit import (
    DeliveryStatus,
    EventStatus,
    HookExecution,
    HookTrigger,
    MockSMSProvider,
    RoomEvent,
    RoomKit,
    SMSChannel,
    WebSocketChannel,
)
from roomkit.models.webhook import WebhookMeta


async def _sent_event(kit: RoomKit, **sms: Any) -> RoomEvent:
    """Room ``room-s``: a WebSocket user's message delivered to ``sms-1`` (and maybe more)."""
    kit.register_channel(WebSocketChannel("ws-user"))
    await kit.create_room(room_id="room-s")
    await kit.attach_channel("room-s", "ws-user")
    await add_sms(kit, "room-s", **sms)
    result = await kit.process_inbound(message("ws-user", "your order shipped"))
    assert result.event is not None
    return result.event


def _status(status: str, message_id: str = "mock-sms-1", **fields: Any) -> DeliveryStatus:
    return DeliveryStatus(provider="mock", message_id=message_id, status=status, **fields)


async def test_a_status_report_is_recorded_on_the_delivery_it_concerns(
    kit: RoomKit, framework_log: FrameworkLog
) -> None:
    event = await _sent_event(kit)
    handled: list[DeliveryStatus] = []
    hooked: list[tuple[DeliveryStatus, str | None]] = []
    kit.on_delivery_status(_append_to(handled))

    @kit.hook(HookTrigger.ON_DELIVERY_STATUS, execution=HookExecution.ASYNC)
    async def on_status(status: DeliveryStatus, ctx: Any) -> None:
        hooked.append((status, ctx.room.id if ctx is not None else None))

    report = _status("delivered", timestamp="2030-01-01T12:00:00Z")
    await kit.process_delivery_status(report)

    stored = await kit.store.get_event(event.id)
    assert stored is not None and stored.status == EventStatus.DELIVERED
    result = stored.delivery_results["sms-1"]
    assert result["status"] == "delivered"
    assert result["provider_status"] == "delivered"
    assert result["status_reported_at"] == "2030-01-01T12:00:00Z"
    assert handled == [report]
    assert hooked == [(report, "room-s")]
    [emitted] = framework_log.of("delivery_status")
    assert (emitted.room_id, emitted.event_id) == ("room-s", event.id)
    assert emitted.data["recorded"] is True


async def test_a_failure_report_marks_the_delivery_and_the_event_failed(kit: RoomKit) -> None:
    event = await _sent_event(kit)

    await kit.process_delivery_status(_status("undelivered", error_message="handset off"))

    stored = await kit.store.get_event(event.id)
    assert stored is not None and stored.status == EventStatus.FAILED
    assert stored.delivery_results["sms-1"]["status"] == "failed"
    assert stored.delivery_results["sms-1"]["error"] == "handset off"


async def test_a_failure_on_one_of_several_deliveries_keeps_the_event_delivered(
    kit: RoomKit,
) -> None:
    event = await _sent_event(kit)
    await add_sms(kit, "room-s", "sms-2", provider=MockSMSProvider())
    second = await kit.process_inbound(message("ws-user", "two targets now"))
    assert second.event is not None

    await kit.process_delivery_status(_status("failed", message_id="mock-sms-2"))

    stored = await kit.store.get_event(second.event.id)
    assert stored is not None and stored.status == EventStatus.DELIVERED
    assert stored.delivery_results["sms-1"]["status"] == "failed"
    assert stored.delivery_results["sms-2"]["status"] == "delivered"
    untouched = await kit.store.get_event(event.id)
    assert untouched is not None and untouched.status == EventStatus.DELIVERED


async def test_a_report_about_an_unknown_message_still_reaches_handlers(
    kit: RoomKit, framework_log: FrameworkLog, caplog: pytest.LogCaptureFixture
) -> None:
    handled: list[DeliveryStatus] = []

    @kit.on_delivery_status
    async def broken(status: DeliveryStatus) -> None:
        raise RuntimeError("handler bug")

    kit.on_delivery_status(_append_to(handled))

    await kit.process_delivery_status(_status("delivered", message_id="nobody-knows"))

    assert [s.message_id for s in handled] == ["nobody-knows"]
    [emitted] = framework_log.of("delivery_status")
    assert emitted.room_id is None and emitted.data["recorded"] is False
    assert "handler bug" in caplog.text


async def test_an_inbound_webhook_becomes_a_message(kit: RoomKit) -> None:
    kit.register_channel(SMSChannel("sms-1", provider=MockSMSProvider()))
    meta = WebhookMeta(provider="mock", sender="+15550001111", body="hi", message_id="SM9")

    await kit.process_webhook(meta, "sms-1")
    await kit.process_webhook(meta, "sms-1")  # a vendor retry is a duplicate

    [room] = await kit.store.list_rooms()
    stored = messages_of(await kit.get_timeline(room.id))
    assert [(body_of(e), e.idempotency_key) for e in stored] == [("hi", "mock:SM9")]


async def test_a_status_webhook_becomes_a_delivery_status(kit: RoomKit) -> None:
    event = await _sent_event(kit)
    meta = WebhookMeta(provider="mock", kind="status", message_id="mock-sms-1", status="read")

    await kit.process_webhook(meta, "sms-1")

    stored = await kit.store.get_event(event.id)
    assert stored is not None
    assert stored.delivery_results["sms-1"]["provider_status"] == "read"


async def test_other_webhooks_are_ignored(kit: RoomKit, framework_log: FrameworkLog) -> None:
    kit.register_channel(SMSChannel("sms-1", provider=MockSMSProvider()))

    await kit.process_webhook(WebhookMeta(provider="mock", kind="other"), "sms-1")

    assert await kit.store.list_rooms() == []
    assert framework_log.events == []


def _append_to(
    items: list[DeliveryStatus],
) -> Callable[[DeliveryStatus], Coroutine[Any, Any, None]]:
    async def handler(status: DeliveryStatus) -> None:
        items.append(status)

    return handler
