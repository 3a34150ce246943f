"""Behaviour of the token-bucket rate limiter, driven by a fake clock."""

from __future__ import annotations

import asyncio

import pytest
from fake_time import FakeClock

from roomkit.core.rate_limiter import TokenBucketRateLimiter
from roomkit.models import RateLimit


def make_limiter(clock: FakeClock) -> TokenBucketRateLimiter:
    return TokenBucketRateLimiter(clock=clock, sleep=clock.sleep)


async def test_unlimited_rate_never_waits() -> None:
    clock = FakeClock()
    limiter = make_limiter(clock)
    for _ in range(100):
        assert await limiter.acquire("k", RateLimit()) == 0.0
        assert limiter.try_acquire("k", RateLimit())
    assert clock.sleeps == []


async def test_burst_up_to_capacity_then_waits_for_refill() -> None:
    clock = FakeClock()
    limiter = make_limiter(clock)
    limit = RateLimit(max_per_second=2)
    assert await limiter.acquire("k", limit) == 0.0
    assert await limiter.acquire("k", limit) == 0.0
    assert await limiter.acquire("k", limit) == pytest.approx(0.5)
    assert await limiter.acquire("k", limit) == pytest.approx(0.5)


async def test_fractional_limit_has_capacity_one() -> None:
    clock = FakeClock()
    limiter = make_limiter(clock)
    limit = RateLimit(max_per_second=0.5)
    assert await limiter.acquire("k", limit) == 0.0
    assert await limiter.acquire("k", limit) == pytest.approx(2.0)


async def test_non_integer_limit_capacity_is_rounded_up() -> None:
    limiter = make_limiter(FakeClock())
    limit = RateLimit(max_per_second=2.5)
    assert [limiter.try_acquire("k", limit) for _ in range(4)] == [True, True, True, False]


async def test_every_window_must_have_a_token() -> None:
    clock = FakeClock()
    limiter = make_limiter(clock)
    limit = RateLimit(max_per_second=10, max_per_minute=2)
    assert await limiter.acquire("k", limit) == 0.0
    assert await limiter.acquire("k", limit) == 0.0
    assert await limiter.acquire("k", limit) == pytest.approx(30.0)


async def test_hour_window() -> None:
    clock = FakeClock()
    limiter = make_limiter(clock)
    limit = RateLimit(max_per_hour=1)
    await limiter.acquire("k", limit)
    assert await limiter.acquire("k", limit) == pytest.approx(3600.0)


async def test_buckets_refill_continuously() -> None:
    clock = FakeClock()
    limiter = make_limiter(clock)
    limit = RateLimit(max_per_second=2)
    assert limiter.try_acquire("k", limit)
    assert limiter.try_acquire("k", limit)
    assert not limiter.try_acquire("k", limit)
    clock.advance(0.25)
    assert not limiter.try_acquire("k", limit)
    clock.advance(0.25)
    assert limiter.try_acquire("k", limit)
    assert not limiter.try_acquire("k", limit)


async def test_refill_never_exceeds_capacity() -> None:
    clock = FakeClock()
    limiter = make_limiter(clock)
    limit = RateLimit(max_per_second=2)
    limiter.try_acquire("k", limit)
    clock.advance(100)
    assert [limiter.try_acquire("k", limit) for _ in range(3)] == [True, True, False]


async def test_keys_are_independent() -> None:
    limiter = make_limiter(FakeClock())
    limit = RateLimit(max_per_second=1)
    assert limiter.try_acquire("room-1:sms", limit)
    assert not limiter.try_acquire("room-1:sms", limit)
    assert limiter.try_acquire("room-2:sms", limit)


async def test_waiters_on_one_key_are_served_in_order() -> None:
    clock = FakeClock()
    limiter = make_limiter(clock)
    limit = RateLimit(max_per_second=1)
    order: list[int] = []
    granted_at: list[float] = []

    async def send(n: int) -> None:
        await limiter.acquire("k", limit)
        order.append(n)
        granted_at.append(clock())

    await asyncio.gather(*(send(n) for n in range(4)))
    assert order == [0, 1, 2, 3]
    assert granted_at == pytest.approx([1000.0, 1001.0, 1002.0, 1003.0])


async def test_try_acquire_does_not_jump_ahead_of_waiters() -> None:
    clock = FakeClock()
    release = asyncio.Event()

    async def gated_sleep(seconds: float) -> None:
        await release.wait()
        clock.advance(seconds)

    limiter = TokenBucketRateLimiter(clock=clock, sleep=gated_sleep)
    limit = RateLimit(max_per_second=1)
    await limiter.acquire("k", limit)
    waiter = asyncio.create_task(limiter.acquire("k", limit))
    await asyncio.sleep(0)
    clock.advance(5)
    assert not limiter.try_acquire("k", limit)
    release.set()
    assert await waiter == pytest.approx(6.0)
    assert not limiter.try_acquire("k", limit)


async def test_lowering_a_limit_caps_saved_tokens() -> None:
    limiter = make_limiter(FakeClock())
    assert limiter.try_acquire("k", RateLimit(max_per_second=10))
    lower = RateLimit(max_per_second=2)
    assert [limiter.try_acquire("k", lower) for _ in range(3)] == [True, True, False]


async def test_dropping_a_window_stops_enforcing_it() -> None:
    limiter = make_limiter(FakeClock())
    both = RateLimit(max_per_second=5, max_per_minute=1)
    assert limiter.try_acquire("k", both)
    assert not limiter.try_acquire("k", both)
    assert limiter.try_acquire("k", RateLimit(max_per_second=5))


async def test_reset_refills_one_key_or_all() -> None:
    limiter = make_limiter(FakeClock())
    limit = RateLimit(max_per_second=1)
    assert await limiter.acquire("a", limit) == 0.0
    assert limiter.try_acquire("b", limit)
    limiter.reset("a")
    assert limiter.try_acquire("a", limit)
    assert not limiter.try_acquire("b", limit)
    limiter.reset()
    assert limiter.try_acquire("a", limit)
    assert limiter.try_acquire("b", limit)


async def test_real_clock_defaults_do_not_wait_within_capacity() -> None:
    limiter = TokenBucketRateLimiter()
    limit = RateLimit(max_per_second=3)
    for _ in range(3):
        assert await limiter.acquire("k", limit) < 0.1
