"""Retry with exponential backoff for transient failures.

Retry ``n`` (0-based) waits ``min(base * exponential_base ** n, max_delay)`` seconds plus
a random jitter of up to ``policy.jitter`` times that delay. When the retries run out, or
an error is not retryable, the last exception is re-raised with the number of attempts
made stored on it as ``exc.roomkit_attempts`` and mentioned in a note
(``exc.__notes__``).
"""

from __future__ import annotations

import asyncio
import logging
import random as _random
from collections.abc import Awaitable, Callable

from roomkit.errors import CircuitOpenError, ProviderError
from roomkit.models.channel import RetryPolicy

__all__ = [
    "ATTEMPTS_ATTRIBUTE",
    "compute_delay",
    "default_is_retryable",
    "get_attempts",
    "retry_with_backoff",
    "retry_with_backoff_counted",
]

logger = logging.getLogger("roomkit.core.retry")

ATTEMPTS_ATTRIBUTE = "roomkit_attempts"
"""Name of the attribute set on the final exception: how many attempts were made."""

RetryCallback = Callable[[int, BaseException, float], None]


def compute_delay(
    policy: RetryPolicy, attempt: int, *, random: Callable[[], float] = _random.random
) -> float:
    """Return the seconds to wait before retry number ``attempt`` (0 for the first retry)."""
    try:
        raw = policy.base_delay_seconds * policy.exponential_base ** max(0, attempt)
    except OverflowError:
        raw = policy.max_delay_seconds
    delay = min(raw, policy.max_delay_seconds)
    if policy.jitter:
        delay += delay * policy.jitter * random()
    return delay


def default_is_retryable(exc: BaseException) -> bool:
    """Decide whether ``exc`` is worth another try: transient network-ish errors are."""
    if isinstance(exc, CircuitOpenError):
        return False
    if isinstance(exc, ProviderError):
        return exc.retryable
    return isinstance(exc, TimeoutError | ConnectionError | OSError)


async def retry_with_backoff_counted[T](
    fn: Callable[[], Awaitable[T]],
    policy: RetryPolicy,
    *,
    is_retryable: Callable[[BaseException], bool] = default_is_retryable,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    on_retry: RetryCallback | None = None,
    random: Callable[[], float] = _random.random,
) -> tuple[T, int]:
    """Await ``fn()`` with retries; return its result and the number of attempts made.

    ``on_retry(retry_number, exc, delay)`` is called before each wait, ``retry_number``
    starting at 1. Cancellation is never retried.
    """
    attempts = 0
    while True:
        attempts += 1
        try:
            return await fn(), attempts
        except Exception as exc:
            if attempts > policy.max_retries or not is_retryable(exc):
                _mark_attempts(exc, attempts)
                raise
            delay = compute_delay(policy, attempts - 1, random=random)
            logger.debug(
                "attempt %d failed (%s); retrying in %.3fs", attempts, type(exc).__name__, delay
            )
            if on_retry is not None:
                on_retry(attempts, exc, delay)
            await sleep(delay)


async def retry_with_backoff[T](
    fn: Callable[[], Awaitable[T]],
    policy: RetryPolicy,
    *,
    is_retryable: Callable[[BaseException], bool] = default_is_retryable,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    on_retry: RetryCallback | None = None,
    random: Callable[[], float] = _random.random,
) -> T:
    """Await ``fn()``, retrying retryable failures up to ``policy.max_retries`` times."""
    result, _ = await retry_with_backoff_counted(
        fn, policy, is_retryable=is_retryable, sleep=sleep, on_retry=on_retry, random=random
    )
    return result


def get_attempts(exc: BaseException) -> int | None:
    """Return how many attempts the retry helpers made before raising ``exc``, if known."""
    value = getattr(exc, ATTEMPTS_ATTRIBUTE, None)
    return value if isinstance(value, int) else None


def _mark_attempts(exc: BaseException, attempts: int) -> None:
    setattr(exc, ATTEMPTS_ATTRIBUTE, attempts)
    exc.add_note(f"roomkit: gave up after {attempts} attempt(s)")
