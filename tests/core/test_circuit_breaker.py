"""Behaviour of the circuit breaker: tripping, lazy recovery, single probe, callbacks."""

from __future__ import annotations

import asyncio
import logging

import pytest
from fake_time import FakeClock

from roomkit.core.circuit_breaker import CircuitBreaker, CircuitState
from roomkit.errors import CircuitOpenError


def make_breaker(
    clock: FakeClock, changes: list[tuple[CircuitState, CircuitState]] | None = None
) -> CircuitBreaker:
    callback = None if changes is None else lambda old, new: changes.append((old, new))
    return CircuitBreaker(
        failure_threshold=3, recovery_timeout=10.0, clock=clock, on_state_change=callback
    )


def trip(breaker: CircuitBreaker) -> None:
    for _ in range(breaker.failure_threshold):
        breaker.record_failure()


def test_defaults_match_spec() -> None:
    breaker = CircuitBreaker()
    assert breaker.failure_threshold == 5
    assert breaker.recovery_timeout == 60.0
    assert breaker.state is CircuitState.CLOSED
    assert breaker.allow_request()


def test_state_values() -> None:
    assert [s.value for s in CircuitState] == ["closed", "open", "half_open"]


def test_opens_after_threshold_consecutive_failures() -> None:
    breaker = make_breaker(FakeClock())
    breaker.record_failure()
    breaker.record_failure()
    assert breaker.state is CircuitState.CLOSED
    assert breaker.failure_count == 2
    breaker.record_failure()
    assert breaker.state is CircuitState.OPEN
    assert not breaker.allow_request()


def test_success_in_closed_state_resets_failure_count() -> None:
    breaker = make_breaker(FakeClock())
    breaker.record_failure()
    breaker.record_failure()
    breaker.record_success()
    assert breaker.failure_count == 0
    breaker.record_failure()
    breaker.record_failure()
    assert breaker.state is CircuitState.CLOSED


def test_open_turns_half_open_lazily_after_recovery_timeout() -> None:
    clock = FakeClock()
    breaker = make_breaker(clock)
    trip(breaker)
    clock.advance(9.99)
    assert breaker.state is CircuitState.OPEN
    assert breaker.retry_after == pytest.approx(0.01)
    clock.advance(0.01)
    assert breaker.state is CircuitState.HALF_OPEN
    assert breaker.retry_after == 0.0


def test_half_open_lets_exactly_one_probe_through() -> None:
    clock = FakeClock()
    breaker = make_breaker(clock)
    trip(breaker)
    clock.advance(10)
    assert breaker.allow_request()
    assert not breaker.allow_request()
    assert not breaker.allow_request()


def test_successful_probe_closes_circuit() -> None:
    clock = FakeClock()
    breaker = make_breaker(clock)
    trip(breaker)
    clock.advance(10)
    assert breaker.allow_request()
    breaker.record_success()
    assert breaker.state is CircuitState.CLOSED
    assert breaker.failure_count == 0
    assert breaker.allow_request()
    assert breaker.allow_request()


def test_failed_probe_reopens_and_restarts_timeout() -> None:
    clock = FakeClock()
    breaker = make_breaker(clock)
    trip(breaker)
    clock.advance(10)
    assert breaker.allow_request()
    breaker.record_failure()
    assert breaker.state is CircuitState.OPEN
    clock.advance(9)
    assert breaker.state is CircuitState.OPEN
    assert not breaker.allow_request()
    clock.advance(1)
    assert breaker.state is CircuitState.HALF_OPEN
    assert breaker.allow_request()


def test_failure_after_timeout_without_probe_counts_as_failed_probe() -> None:
    clock = FakeClock()
    breaker = make_breaker(clock)
    trip(breaker)
    clock.advance(15)
    breaker.record_failure()
    assert breaker.state is CircuitState.OPEN
    assert breaker.retry_after == pytest.approx(10.0)


def test_success_reported_while_open_keeps_circuit_open() -> None:
    breaker = make_breaker(FakeClock())
    trip(breaker)
    breaker.record_success()
    assert breaker.state is CircuitState.OPEN


def test_reset_closes_and_clears() -> None:
    changes: list[tuple[CircuitState, CircuitState]] = []
    breaker = make_breaker(FakeClock(), changes)
    trip(breaker)
    breaker.reset()
    assert breaker.state is CircuitState.CLOSED
    assert breaker.failure_count == 0
    assert changes[-1] == (CircuitState.OPEN, CircuitState.CLOSED)
    breaker.reset()
    assert len(changes) == 2


def test_state_change_callback_sees_every_transition() -> None:
    clock = FakeClock()
    changes: list[tuple[CircuitState, CircuitState]] = []
    breaker = make_breaker(clock, changes)
    trip(breaker)
    clock.advance(10)
    breaker.allow_request()
    breaker.record_failure()
    clock.advance(10)
    breaker.allow_request()
    breaker.record_success()
    closed, open_, half = CircuitState.CLOSED, CircuitState.OPEN, CircuitState.HALF_OPEN
    assert changes == [
        (closed, open_),
        (open_, half),
        (half, open_),
        (open_, half),
        (half, closed),
    ]


def test_failing_callback_is_logged_and_transition_happens(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def explode(old: CircuitState, new: CircuitState) -> None:
        raise RuntimeError("boom")

    breaker = CircuitBreaker(failure_threshold=1, clock=FakeClock(), on_state_change=explode)
    with caplog.at_level(logging.ERROR, logger="roomkit.core.circuit_breaker"):
        breaker.record_failure()
    assert breaker.state is CircuitState.OPEN
    assert "state-change callback failed" in caplog.text


@pytest.mark.parametrize(
    ("threshold", "timeout"),
    [(0, 1.0), (-1, 1.0), (1, -0.5)],
)
def test_invalid_configuration_is_rejected(threshold: int, timeout: float) -> None:
    with pytest.raises(ValueError):
        CircuitBreaker(threshold, timeout)


async def test_call_returns_result_and_records_success() -> None:
    breaker = make_breaker(FakeClock())
    breaker.record_failure()

    async def add(a: int, b: int = 0) -> int:
        return a + b

    assert await breaker.call(add, 2, b=3) == 5
    assert breaker.failure_count == 0


async def test_call_records_failure_and_reraises() -> None:
    breaker = make_breaker(FakeClock())

    async def fail() -> None:
        raise ConnectionError("down")

    for _ in range(3):
        with pytest.raises(ConnectionError):
            await breaker.call(fail)
    assert breaker.state is CircuitState.OPEN


async def test_call_refuses_without_calling_when_open() -> None:
    breaker = make_breaker(FakeClock())
    trip(breaker)
    calls: list[int] = []

    async def work() -> int:
        calls.append(1)
        return 1

    with pytest.raises(CircuitOpenError, match="open"):
        await breaker.call(work)
    assert calls == []


async def test_call_probe_in_half_open_closes_on_success() -> None:
    clock = FakeClock()
    breaker = make_breaker(clock)
    trip(breaker)
    clock.advance(10)
    gate = asyncio.Event()

    async def slow() -> str:
        await gate.wait()
        return "ok"

    probe = asyncio.create_task(breaker.call(slow))
    await asyncio.sleep(0)

    async def other() -> str:
        return "other"

    with pytest.raises(CircuitOpenError):
        await breaker.call(other)
    gate.set()
    assert await probe == "ok"
    assert breaker.state is CircuitState.CLOSED


async def test_cancelled_probe_frees_the_probe_slot() -> None:
    clock = FakeClock()
    breaker = make_breaker(clock)
    trip(breaker)
    clock.advance(10)

    async def hang() -> None:
        await asyncio.Event().wait()

    probe = asyncio.create_task(breaker.call(hang))
    await asyncio.sleep(0)
    assert not breaker.allow_request()
    probe.cancel()
    with pytest.raises(asyncio.CancelledError):
        await probe
    assert breaker.state is CircuitState.HALF_OPEN
    assert breaker.allow_request()
