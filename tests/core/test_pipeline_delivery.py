"""Delivery to transports: per-target results, failures, retries, circuit breaker, rate limit."""

from __future__ import annotations

import pytest
from pipeline_support import FrameworkLog, add_sms, message, sent_bodies

from roomkit import (
    CircuitState,
    EventStatus,
    MockSMSProvider,
    ProcessTimeoutError,
    ProviderError,
    RateLimit,
    RetryPolicy,
    RoomEvent,
    RoomKit,
    TokenBucketRateLimiter,
    WebSocketChannel,
)

FAST_RETRY = RetryPolicy(max_retries=3, base_delay_seconds=0)


async def _room(kit: RoomKit) -> str:
    """Room ``room-d`` with a WebSocket user who writes to the SMS channels added later."""
    kit.register_channel(WebSocketChannel("ws-user"))
    await kit.create_room(room_id="room-d")
    await kit.attach_channel("room-d", "ws-user")
    return "room-d"


async def _say(kit: RoomKit, body: str = "hello") -> RoomEvent:
    """Send a message from the WebSocket user; return it as stored after delivery."""
    result = await kit.process_inbound(message("ws-user", body))
    assert result.event is not None
    stored = await kit.store.get_event(result.event.id)
    assert stored is not None
    return stored


async def test_each_target_gets_a_delivery_result_on_the_event(kit: RoomKit) -> None:
    room_id = await _room(kit)
    await add_sms(kit, room_id, "sms-1", "+15550000001")
    await add_sms(kit, room_id, "sms-2", "+15550000002")

    event = await _say(kit)

    assert set(event.delivery_results) == {"sms-1", "sms-2"}
    first = event.delivery_results["sms-1"]
    assert first["channel_id"] == "sms-1"
    assert first["status"] == "delivered"
    assert first["provider_message_id"] == "mock-sms-1"
    assert first["attempts"] == 1
    assert event.status == EventStatus.DELIVERED


async def test_a_failing_provider_is_recorded_and_others_still_delivered(
    kit: RoomKit, framework_log: FrameworkLog
) -> None:
    room_id = await _room(kit)
    await add_sms(kit, room_id, "sms-bad", provider=MockSMSProvider(error="carrier rejected"))
    good = await add_sms(kit, room_id, "sms-good")

    event = await _say(kit, "important")

    failed = event.delivery_results["sms-bad"]
    assert failed["status"] == "failed"
    assert "carrier rejected" in failed["error"]
    assert event.delivery_results["sms-good"]["status"] == "delivered"
    assert event.status == EventStatus.DELIVERED
    assert sent_bodies(good) == ["important"]
    [report] = framework_log.of("delivery_failed")
    assert report.channel_id == "sms-bad" and report.event_id == event.id
    assert report.data["attempts"] == 1


async def test_an_event_no_target_accepted_is_marked_failed(kit: RoomKit) -> None:
    room_id = await _room(kit)
    boom = ProviderError("gateway down", code="unavailable", retryable=False)
    await add_sms(kit, room_id, provider=MockSMSProvider(fail_with=boom))

    event = await _say(kit)

    assert event.status == EventStatus.FAILED
    assert "gateway down" in event.delivery_results["sms-1"]["error"]


async def test_retry_policy_retries_a_retryable_failure(kit: RoomKit) -> None:
    room_id = await _room(kit)
    flaky = MockSMSProvider(error="busy", retryable=True, fail_count=2)
    await add_sms(kit, room_id, provider=flaky, retry_policy=FAST_RETRY)

    event = await _say(kit, "eventually")

    result = event.delivery_results["sms-1"]
    assert result["status"] == "delivered"
    assert result["attempts"] == 3
    assert result["provider_message_id"] == "mock-sms-3"
    assert len(flaky.calls) == 3


async def test_retry_policy_does_not_retry_a_permanent_failure(kit: RoomKit) -> None:
    room_id = await _room(kit)
    permanent = MockSMSProvider(error="invalid number", retryable=False)
    await add_sms(kit, room_id, provider=permanent, retry_policy=FAST_RETRY)

    event = await _say(kit)

    assert event.delivery_results["sms-1"]["status"] == "failed"
    assert event.delivery_results["sms-1"]["attempts"] == 1
    assert len(permanent.calls) == 1


async def test_retries_give_up_after_max_retries(kit: RoomKit) -> None:
    room_id = await _room(kit)
    down = MockSMSProvider(error="busy", retryable=True)
    policy = RetryPolicy(max_retries=2, base_delay_seconds=0)
    await add_sms(kit, room_id, provider=down, retry_policy=policy)

    event = await _say(kit)

    assert event.delivery_results["sms-1"]["status"] == "failed"
    assert event.delivery_results["sms-1"]["attempts"] == 3
    assert len(down.calls) == 3


async def test_circuit_opens_after_five_failures(
    kit: RoomKit, framework_log: FrameworkLog
) -> None:
    room_id = await _room(kit)
    down = MockSMSProvider(error="down")
    await add_sms(kit, room_id, provider=down)

    for number in range(5):
        event = await _say(kit, f"m{number}")
        assert "down" in event.delivery_results["sms-1"]["error"]
    assert kit.event_router.breaker("sms-1").state is CircuitState.OPEN

    later = await _say(kit, "after the trip")

    assert later.delivery_results["sms-1"]["status"] == "failed"
    assert later.delivery_results["sms-1"]["error"] == "circuit_open"
    assert later.delivery_results["sms-1"]["attempts"] == 0
    assert len(down.calls) == 5
    assert framework_log.of("delivery_failed")[-1].data == {"error": "circuit_open"}


async def test_rate_limited_binding_consults_the_limiter(
    kit: RoomKit, monkeypatch: pytest.MonkeyPatch
) -> None:
    consulted: list[tuple[str, RateLimit]] = []
    real_acquire = TokenBucketRateLimiter.acquire

    async def spy(self: TokenBucketRateLimiter, key: str, rate_limit: RateLimit) -> float:
        consulted.append((key, rate_limit))
        return await real_acquire(self, key, rate_limit)

    monkeypatch.setattr(TokenBucketRateLimiter, "acquire", spy)
    room_id = await _room(kit)
    limit = RateLimit(max_per_second=1000, max_per_hour=100_000)
    limited = await add_sms(kit, room_id, "sms-limited", rate_limit=limit)
    free = await add_sms(kit, room_id, "sms-free")

    await _say(kit, "one")
    await _say(kit, "two")

    assert consulted == [("room-d:sms-limited", limit)] * 2
    assert sent_bodies(limited) == sent_bodies(free) == ["one", "two"]


async def test_rate_limit_holds_back_a_delivery_over_the_limit() -> None:
    async with RoomKit(process_timeout=0.05) as kit:
        room_id = await _room(kit)
        limited = await add_sms(kit, room_id, rate_limit=RateLimit(max_per_hour=1))

        await _say(kit, "first")
        with pytest.raises(ProcessTimeoutError):  # the next token is an hour away
            await _say(kit, "second")

        assert sent_bodies(limited) == ["first"]
