"""Circuit breaker: stop calling a provider that keeps failing, probe it now and then.

States::

    CLOSED --(failure_threshold consecutive failures)--> OPEN
    OPEN --(recovery_timeout elapsed, checked lazily)--> HALF_OPEN
    HALF_OPEN --(probe succeeds)--> CLOSED
    HALF_OPEN --(probe fails)--> OPEN (the timeout starts again)

While half-open exactly one probe request is let through until it reports back with
:meth:`CircuitBreaker.record_success` or :meth:`CircuitBreaker.record_failure`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from enum import StrEnum, unique

from roomkit.errors import CircuitOpenError

__all__ = ["CircuitBreaker", "CircuitState"]

logger = logging.getLogger("roomkit.core.circuit_breaker")


@unique
class CircuitState(StrEnum):
    """Where a circuit breaker stands."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


StateChangeCallback = Callable[[CircuitState, CircuitState], None]


class CircuitBreaker:
    """Consecutive-failure circuit breaker with a lazily evaluated recovery timeout.

    ``clock`` returns monotonic seconds (inject a fake one in tests). ``on_state_change``
    is called with ``(old, new)`` on every transition; if it raises, the error is logged
    and the transition still happens.
    """

    def __init__(
        self,
        failure_threshold: int = 5,
        recovery_timeout: float = 60.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        on_state_change: StateChangeCallback | None = None,
    ) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        if recovery_timeout < 0:
            raise ValueError("recovery_timeout must not be negative")
        self.failure_threshold = failure_threshold
        self.recovery_timeout = recovery_timeout
        self._clock = clock
        self._on_state_change = on_state_change
        self._state = CircuitState.CLOSED
        self._failure_count = 0
        self._opened_at = 0.0
        self._probe_in_flight = False

    @property
    def state(self) -> CircuitState:
        """Current state; an open circuit whose timeout has passed turns half-open here."""
        if (
            self._state is CircuitState.OPEN
            and self._clock() - self._opened_at >= self.recovery_timeout
        ):
            self._probe_in_flight = False
            self._transition(CircuitState.HALF_OPEN)
        return self._state

    @property
    def failure_count(self) -> int:
        """Number of consecutive failures recorded since the last success or reset."""
        return self._failure_count

    @property
    def retry_after(self) -> float:
        """Seconds until an open circuit lets a probe through (0 when not open)."""
        if self.state is not CircuitState.OPEN:
            return 0.0
        return max(0.0, self._opened_at + self.recovery_timeout - self._clock())

    def allow_request(self) -> bool:
        """Return whether a request may go out now (claims the probe slot when half-open)."""
        if self._state is CircuitState.CLOSED:  # the usual case, without the property
            return True
        state = self.state  # open, or half-open once the recovery timeout passed
        if state is CircuitState.OPEN or self._probe_in_flight:
            return False
        self._probe_in_flight = True
        return True

    def record_success(self) -> None:
        """Report a successful call: closes a half-open circuit, clears the failure count.

        A success reported while the circuit is open (a call started before it tripped)
        leaves it open: only a probe may close it.
        """
        if self._state is CircuitState.CLOSED:  # the usual case, without the property
            self._failure_count = 0
            return
        state = self.state
        if state is CircuitState.OPEN:
            return
        self._failure_count = 0
        if state is CircuitState.HALF_OPEN:
            self._probe_in_flight = False
            self._transition(CircuitState.CLOSED)

    def record_failure(self) -> None:
        """Report a failed call: may trip a closed circuit; reopens a half-open one."""
        state = self.state
        self._failure_count += 1
        tripped = state is CircuitState.CLOSED and self._failure_count >= self.failure_threshold
        if tripped or state is CircuitState.HALF_OPEN:
            self._open()

    def reset(self) -> None:
        """Force the circuit closed and forget every recorded failure."""
        self._failure_count = 0
        self._probe_in_flight = False
        if self._state is not CircuitState.CLOSED:
            self._transition(CircuitState.CLOSED)

    async def call[**P, T](
        self, fn: Callable[P, Awaitable[T]], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Await ``fn(*args, **kwargs)`` through the breaker, recording the outcome.

        Raises :class:`~roomkit.errors.CircuitOpenError` without calling ``fn`` when the
        circuit refuses the request. A cancelled call records nothing but frees the probe.
        """
        if not self.allow_request():
            raise CircuitOpenError(
                f"circuit is {self._state.value}; retry in {self.retry_after:.1f}s"
            )
        try:
            result = await fn(*args, **kwargs)
        except asyncio.CancelledError:
            self._probe_in_flight = False
            raise
        except Exception:
            self.record_failure()
            raise
        self.record_success()
        return result

    def _open(self) -> None:
        self._opened_at = self._clock()
        self._probe_in_flight = False
        self._transition(CircuitState.OPEN)

    def _transition(self, new: CircuitState) -> None:
        old = self._state
        self._state = new
        level = logging.WARNING if new is CircuitState.OPEN else logging.INFO
        logger.log(level, "circuit breaker %s -> %s", old.value, new.value)
        if self._on_state_change is None:
            return
        try:
            self._on_state_change(old, new)
        except Exception:
            logger.exception("circuit breaker state-change callback failed")
