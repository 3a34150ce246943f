"""Channel fallback (RCS -> SMS) and circuit-breaker framework events in the router."""

from __future__ import annotations

from pipeline_support import FrameworkLog, body_of, message

from roomkit import (
    Access,
    EventStatus,
    MockRCSProvider,
    MockSMSProvider,
    RCSChannel,
    RichContent,
    RoomKit,
    SMSChannel,
    WebSocketChannel,
)
from roomkit.errors import ProviderError

PHONE = "+15550009999"


async def _room(
    kit: RoomKit, rcs: MockRCSProvider, sms: MockSMSProvider, **sms_binding: object
) -> str:
    kit.register_channel(WebSocketChannel("agent"))
    kit.register_channel(RCSChannel("rcs", provider=rcs))
    kit.register_channel(SMSChannel("sms", provider=sms))
    room = await kit.create_room(room_id="fallback-room")
    await kit.attach_channel(room.id, "agent")
    await kit.attach_channel(
        room.id, "rcs", metadata={"phone_number": PHONE, "fallback_channel_id": "sms"}
    )
    await kit.attach_channel(room.id, "sms", metadata={"phone_number": PHONE}, **sms_binding)
    return room.id


async def test_failed_rcs_delivery_falls_back_to_a_write_only_sms_binding(kit: RoomKit) -> None:
    rcs = MockRCSProvider(fail_with=ProviderError("no RCS here", code="rcs_unavailable"))
    sms = MockSMSProvider()
    log = FrameworkLog()
    kit.on("*")(log.record)
    room_id = await _room(kit, rcs, sms, access=Access.WRITE_ONLY)

    result = await kit.process_inbound(
        message("agent", content=RichContent(body="<b>Your code</b> is 1234", format="html"))
    )

    assert result.event is not None
    assert [body_of(c.event) for c in sms.calls] == ["Your code is 1234"]  # transcoded for SMS
    stored = await kit.store.get_event(result.event.id)
    assert stored is not None
    rcs_result, sms_result = stored.delivery_results["rcs"], stored.delivery_results["sms"]
    assert rcs_result["status"] == "failed" and rcs_result["metadata"]["fallback_to"] == "sms"
    assert sms_result["status"] == "delivered" and sms_result["metadata"]["fallback_for"] == "rcs"
    assert stored.status is EventStatus.DELIVERED  # one delivery got through
    assert [e.data for e in log.of("delivery_fallback")] == [{"from": "rcs", "to": "sms"}]
    assert room_id == stored.room_id


async def test_no_fallback_when_rcs_succeeds(kit: RoomKit) -> None:
    rcs, sms = MockRCSProvider(), MockSMSProvider()
    await _room(kit, rcs, sms, access=Access.WRITE_ONLY)

    await kit.process_inbound(message("agent", "hi"))

    assert len(rcs.calls) == 1 and sms.calls == []


async def test_fallback_target_that_already_received_the_event_is_not_used_twice(
    kit: RoomKit,
) -> None:
    rcs = MockRCSProvider(fail_with=ProviderError("down"))
    sms = MockSMSProvider()
    await _room(kit, rcs, sms)  # SMS is a normal READ_WRITE target too

    await kit.process_inbound(message("agent", "hi"))

    assert len(sms.calls) == 1


async def test_unusable_fallback_is_skipped(kit: RoomKit) -> None:
    rcs = MockRCSProvider(fail_with=ProviderError("down"))
    sms = MockSMSProvider()
    await _room(kit, rcs, sms, access=Access.NONE)

    result = await kit.process_inbound(message("agent", "hi"))

    assert sms.calls == []
    assert result.event is not None
    stored = await kit.store.get_event(result.event.id)
    assert stored is not None and stored.status is EventStatus.FAILED


async def test_breaker_transitions_are_reported(kit: RoomKit) -> None:
    rcs = MockRCSProvider(fail_with=ProviderError("down"))
    log = FrameworkLog()
    kit.on("circuit_state_changed")(log.record)
    await _room(kit, rcs, MockSMSProvider(), access=Access.WRITE_ONLY)

    for n in range(6):
        await kit.process_inbound(message("agent", f"m{n}"))

    assert [(e.channel_id, e.data["to"]) for e in log.events] == [("rcs", "open")]
    assert kit.event_router.breaker("rcs").state == "open"
