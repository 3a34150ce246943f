"""Circuit breakers, rate limits, retries and AI failures seen through the kit.

Breakers and the rate limiter get a fake monotonic clock through
``RoomKit(breaker_factory=..., rate_limiter=...)``, so nothing here waits for real time.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from fake_time import FakeClock
from pipeline_support import FrameworkLog, add_sms, message, sent_bodies

from roomkit import (
    AIChannel,
    ChannelCategory,
    CircuitBreaker,
    CircuitState,
    EventStatus,
    EventType,
    MockAIProvider,
    MockSMSProvider,
    RateLimit,
    RetryPolicy,
    RoomEvent,
    RoomKit,
    TextContent,
    TokenBucketRateLimiter,
    WebSocketChannel,
)
from roomkit.core.retry import retry_with_backoff_counted

ROOM = "room-r"


@dataclass
class Desk:
    """A kit on a fake clock with a room where ``ws-user`` writes to the channels added."""

    kit: RoomKit
    clock: FakeClock
    log: FrameworkLog
    transitions: list[tuple[CircuitState, CircuitState]]

    async def say(self, body: str = "hello") -> RoomEvent:
        """Send a message from the WebSocket user; return it as stored after delivery."""
        result = await self.kit.process_inbound(message("ws-user", body))
        assert result.event is not None and result.event.room_id == ROOM
        stored = await self.kit.store.get_event(result.event.id)
        assert stored is not None
        return stored


@pytest.fixture
async def desk() -> AsyncIterator[Desk]:
    """The kit, its fake clock, a framework-event log and the breaker transitions."""
    clock = FakeClock()
    transitions: list[tuple[CircuitState, CircuitState]] = []

    def breaker() -> CircuitBreaker:
        return CircuitBreaker(
            clock=clock, on_state_change=lambda old, new: transitions.append((old, new))
        )

    limiter = TokenBucketRateLimiter(clock=clock, sleep=clock.sleep)
    async with RoomKit(breaker_factory=breaker, rate_limiter=limiter) as kit:
        log = FrameworkLog()
        kit.on("*")(log.record)
        kit.register_channel(WebSocketChannel("ws-user"))
        await kit.create_room(ROOM)
        await kit.attach_channel(ROOM, "ws-user")
        yield Desk(kit, clock, log, transitions)


def state(desk: Desk, channel_id: str = "sms-1") -> CircuitState:
    """The current state of a channel's circuit breaker."""
    return desk.kit.event_router.breaker(channel_id).state


async def trip(desk: Desk, provider: MockSMSProvider) -> None:
    """Fail five deliveries in a row so the SMS circuit opens."""
    for number in range(5):
        event = await desk.say(f"m{number}")
        assert event.delivery_results["sms-1"]["error"] != "circuit_open"
    assert state(desk) is CircuitState.OPEN


async def test_circuit_half_opens_after_the_recovery_timeout_and_closes_on_success(
    desk: Desk,
) -> None:
    down = await add_sms(desk.kit, ROOM, provider=MockSMSProvider(error="down"))
    await trip(desk, down)

    refused = await desk.say("while open")
    assert refused.delivery_results["sms-1"]["error"] == "circuit_open"
    assert refused.status is EventStatus.FAILED
    desk.clock.advance(59)
    assert state(desk) is CircuitState.OPEN
    desk.clock.advance(1)
    assert state(desk) is CircuitState.HALF_OPEN

    down.error = None
    probe = await desk.say("probe")

    assert probe.delivery_results["sms-1"]["status"] == "delivered"
    assert state(desk) is CircuitState.CLOSED
    assert sent_bodies(down) == ["m0", "m1", "m2", "m3", "m4", "probe"]
    assert desk.transitions == [
        (CircuitState.CLOSED, CircuitState.OPEN),
        (CircuitState.OPEN, CircuitState.HALF_OPEN),
        (CircuitState.HALF_OPEN, CircuitState.CLOSED),
    ]


async def test_a_failed_probe_reopens_the_circuit_for_another_timeout(desk: Desk) -> None:
    down = await add_sms(desk.kit, ROOM, provider=MockSMSProvider(error="down"))
    await trip(desk, down)
    desk.clock.advance(60)

    probe = await desk.say("probe")

    assert probe.delivery_results["sms-1"]["status"] == "failed"
    assert probe.delivery_results["sms-1"]["error"] != "circuit_open"
    assert state(desk) is CircuitState.OPEN
    desk.clock.advance(59)
    assert (await desk.say("still open")).delivery_results["sms-1"]["error"] == "circuit_open"
    desk.clock.advance(1)
    assert state(desk) is CircuitState.HALF_OPEN
    assert len(down.calls) == 6


async def test_each_channel_has_its_own_circuit(desk: Desk) -> None:
    down = await add_sms(desk.kit, ROOM, provider=MockSMSProvider(error="down"))
    healthy = await add_sms(desk.kit, ROOM, "sms-2", "+15550002222")
    await trip(desk, down)

    event = await desk.say("after the trip")

    assert event.delivery_results["sms-1"]["error"] == "circuit_open"
    assert event.delivery_results["sms-2"]["status"] == "delivered"
    assert event.status is EventStatus.DELIVERED
    assert state(desk, "sms-2") is CircuitState.CLOSED
    assert len(sent_bodies(healthy)) == 6


async def test_a_rate_limited_binding_waits_for_its_token_and_refills(desk: Desk) -> None:
    limited = await add_sms(desk.kit, ROOM, rate_limit=RateLimit(max_per_second=1))

    await desk.say("one")
    await desk.say("two")
    desk.clock.advance(5)
    await desk.say("three")
    await desk.say("four")

    assert sent_bodies(limited) == ["one", "two", "three", "four"]
    assert desk.clock.sleeps == [pytest.approx(1.0), pytest.approx(1.0)]
    waits = desk.log.of("rate_limited")
    assert [w.data["waited_seconds"] for w in waits] == [pytest.approx(1.0)] * 2
    assert {w.channel_id for w in waits} == {"sms-1"}


async def test_rate_limit_windows_combine(desk: Desk) -> None:
    limit = RateLimit(max_per_second=5, max_per_minute=2)
    limited = await add_sms(desk.kit, ROOM, rate_limit=limit)

    for body in ("a", "b", "c"):
        await desk.say(body)

    assert sent_bodies(limited) == ["a", "b", "c"]
    assert desk.clock.sleeps == [pytest.approx(30.0)]


async def test_rate_limits_are_kept_per_room(desk: Desk) -> None:
    limit = RateLimit(max_per_second=1)
    limited = await add_sms(desk.kit, ROOM, rate_limit=limit)
    await desk.kit.create_room("room-2")
    await desk.kit.attach_channel(
        "room-2", "sms-1", metadata={"phone_number": "+15550003333"}, rate_limit=limit
    )

    await desk.kit.send_event(ROOM, "system", TextContent(body="room one"))
    await desk.kit.send_event("room-2", "system", TextContent(body="room two"))

    assert sent_bodies(limited) == ["room one", "room two"]
    assert desk.clock.sleeps == []


async def test_retries_follow_the_backoff_schedule(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The router awaits retries with asyncio.sleep; hand it the fake clock's sleep instead.
    monkeypatch.setattr(
        "roomkit.core.event_router.retry_with_backoff_counted",
        functools.partial(retry_with_backoff_counted, sleep=desk.clock.sleep),
    )
    flaky = MockSMSProvider(error="busy", retryable=True, fail_count=2)
    policy = RetryPolicy(max_retries=3, base_delay_seconds=1.0, exponential_base=2.0)
    await add_sms(desk.kit, ROOM, provider=flaky, retry_policy=policy)

    event = await desk.say("eventually")

    assert event.delivery_results["sms-1"]["status"] == "delivered"
    assert event.delivery_results["sms-1"]["attempts"] == 3
    assert desk.clock.sleeps == [1.0, 2.0]
    assert desk.kit.event_router.breaker("sms-1").failure_count == 0


async def test_an_exhausted_retry_counts_as_one_breaker_failure(desk: Desk) -> None:
    down = MockSMSProvider(error="busy", retryable=True)
    policy = RetryPolicy(max_retries=2, base_delay_seconds=0)
    await add_sms(desk.kit, ROOM, provider=down, retry_policy=policy)

    event = await desk.say("doomed")

    result = event.delivery_results["sms-1"]
    assert (result["status"], result["attempts"]) == ("failed", 3)
    assert event.status is EventStatus.FAILED
    assert len(down.calls) == 3
    assert desk.kit.event_router.breaker("sms-1").failure_count == 1
    [report] = desk.log.of("delivery_failed")
    assert report.event_id == event.id and report.data["attempts"] == 3


async def test_a_failing_ai_provider_is_isolated(desk: Desk) -> None:
    broken = MockAIProvider(fail_with=RuntimeError("model overloaded"))
    desk.kit.register_channel(AIChannel("ai-bot", provider=broken))
    await desk.kit.attach_channel(ROOM, "ai-bot", category=ChannelCategory.INTELLIGENCE)
    sms = await add_sms(desk.kit, ROOM)

    first = await desk.say("hello")
    second = await desk.say("anyone?")

    assert first.status is EventStatus.DELIVERED and second.status is EventStatus.DELIVERED
    assert sent_bodies(sms) == ["hello", "anyone?"]
    assert len(broken.calls) == 2
    errors = desk.log.of("channel_error")
    assert [(e.channel_id, e.event_id) for e in errors] == [
        ("ai-bot", first.id),
        ("ai-bot", second.id),
    ]
    assert errors[0].data == {"error": "RuntimeError: model overloaded"}
    timeline = await desk.kit.get_timeline(ROOM)
    senders = [e.source.channel_id for e in timeline if e.type is EventType.MESSAGE]
    assert senders == ["ws-user", "ws-user"]
