"""Behaviour of retry with exponential backoff, with an instant fake sleep."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from fake_time import FakeClock

from roomkit.core.retry import (
    compute_delay,
    default_is_retryable,
    get_attempts,
    retry_with_backoff,
    retry_with_backoff_counted,
)
from roomkit.errors import CircuitOpenError, LockTimeoutError, ProviderError
from roomkit.models import RetryPolicy


def failing_then(
    results: list[BaseException | str],
) -> tuple[Callable[[], Awaitable[str]], list[int]]:
    """Return an async fn that raises or returns the scripted results in turn."""
    calls: list[int] = []

    async def fn() -> str:
        calls.append(1)
        outcome = results[len(calls) - 1]
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    return fn, calls


@pytest.mark.parametrize(
    ("attempt", "expected"),
    [(0, 1.0), (1, 2.0), (2, 4.0), (5, 32.0), (6, 60.0), (100, 60.0), (10_000, 60.0)],
)
def test_compute_delay_grows_exponentially_and_is_capped(attempt: int, expected: float) -> None:
    assert compute_delay(RetryPolicy(), attempt) == expected


def test_compute_delay_uses_policy_values() -> None:
    policy = RetryPolicy(base_delay_seconds=0.5, exponential_base=3.0, max_delay_seconds=10.0)
    assert [compute_delay(policy, n) for n in range(4)] == [0.5, 1.5, 4.5, 10.0]


def test_compute_delay_adds_jitter_fraction() -> None:
    policy = RetryPolicy(base_delay_seconds=2.0, jitter=0.5)
    assert compute_delay(policy, 1, random=lambda: 0.0) == 4.0
    assert compute_delay(policy, 1, random=lambda: 0.5) == 5.0
    assert compute_delay(policy, 1, random=lambda: 1.0) == 6.0


def test_compute_delay_without_jitter_ignores_random() -> None:
    def never() -> float:
        raise AssertionError("random must not be used")

    assert compute_delay(RetryPolicy(), 0, random=never) == 1.0


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (ProviderError("x", retryable=True), True),
        (ProviderError("x", retryable=False), False),
        (TimeoutError(), True),
        (LockTimeoutError(), True),
        (ConnectionError(), True),
        (ConnectionResetError(), True),
        (OSError(), True),
        (CircuitOpenError(), False),
        (ValueError(), False),
        (RuntimeError(), False),
    ],
)
def test_default_is_retryable(exc: BaseException, expected: bool) -> None:
    assert default_is_retryable(exc) is expected


async def test_success_first_try_does_not_sleep() -> None:
    clock = FakeClock()
    fn, calls = failing_then(["ok"])
    assert await retry_with_backoff_counted(fn, RetryPolicy(), sleep=clock.sleep) == ("ok", 1)
    assert clock.sleeps == []


async def test_retries_transient_failures_then_succeeds() -> None:
    clock = FakeClock()
    fn, calls = failing_then([ConnectionError("a"), TimeoutError("b"), "ok"])
    result = await retry_with_backoff(fn, RetryPolicy(max_retries=3), sleep=clock.sleep)
    assert result == "ok"
    assert len(calls) == 3
    assert clock.sleeps == [1.0, 2.0]


async def test_counted_reports_attempts() -> None:
    clock = FakeClock()
    fn, _ = failing_then([ConnectionError(), ConnectionError(), "done"])
    assert await retry_with_backoff_counted(fn, RetryPolicy(), sleep=clock.sleep) == ("done", 3)


async def test_exhausted_retries_reraise_last_exception_with_attempts() -> None:
    clock = FakeClock()
    errors = [ConnectionError(f"fail {n}") for n in range(3)]
    fn, calls = failing_then(list(errors))
    with pytest.raises(ConnectionError) as info:
        await retry_with_backoff(fn, RetryPolicy(max_retries=2), sleep=clock.sleep)
    assert info.value is errors[-1]
    assert len(calls) == 3
    assert clock.sleeps == [1.0, 2.0]
    assert get_attempts(info.value) == 3
    assert info.value.roomkit_attempts == 3  # type: ignore[attr-defined]
    assert any("3 attempt" in note for note in info.value.__notes__)


async def test_non_retryable_error_is_raised_at_once() -> None:
    clock = FakeClock()
    fn, calls = failing_then([ValueError("bad input"), "never"])
    with pytest.raises(ValueError) as info:
        await retry_with_backoff(fn, RetryPolicy(), sleep=clock.sleep)
    assert len(calls) == 1
    assert clock.sleeps == []
    assert get_attempts(info.value) == 1


async def test_non_retryable_provider_error_stops_retrying() -> None:
    clock = FakeClock()
    fn, calls = failing_then(
        [ProviderError("rate", retryable=True), ProviderError("auth", retryable=False)]
    )
    with pytest.raises(ProviderError, match="auth"):
        await retry_with_backoff(fn, RetryPolicy(), sleep=clock.sleep)
    assert len(calls) == 2


async def test_zero_retries_means_one_attempt() -> None:
    clock = FakeClock()
    fn, calls = failing_then([ConnectionError(), "never"])
    with pytest.raises(ConnectionError):
        await retry_with_backoff(fn, RetryPolicy(max_retries=0), sleep=clock.sleep)
    assert len(calls) == 1


async def test_custom_is_retryable() -> None:
    clock = FakeClock()
    fn, calls = failing_then([ValueError("flaky"), "ok"])
    result = await retry_with_backoff(
        fn,
        RetryPolicy(),
        is_retryable=lambda exc: isinstance(exc, ValueError),
        sleep=clock.sleep,
    )
    assert result == "ok"
    assert len(calls) == 2


async def test_on_retry_gets_retry_number_error_and_delay() -> None:
    clock = FakeClock()
    first, second = ConnectionError("1"), ConnectionError("2")
    fn, _ = failing_then([first, second, "ok"])
    seen: list[tuple[int, BaseException, float]] = []
    await retry_with_backoff(
        fn,
        RetryPolicy(jitter=0.5),
        sleep=clock.sleep,
        on_retry=lambda n, exc, delay: seen.append((n, exc, delay)),
        random=lambda: 1.0,
    )
    assert seen == [(1, first, 1.5), (2, second, 3.0)]
    assert clock.sleeps == [1.5, 3.0]


async def test_cancellation_is_not_retried() -> None:
    clock = FakeClock()
    fn, calls = failing_then([asyncio.CancelledError(), "never"])
    with pytest.raises(asyncio.CancelledError):
        await retry_with_backoff(fn, RetryPolicy(), sleep=clock.sleep)
    assert len(calls) == 1


def test_get_attempts_is_none_for_foreign_exceptions() -> None:
    assert get_attempts(ValueError()) is None
