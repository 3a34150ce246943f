"""Token-bucket rate limiting per key (usually ``"room_id:channel_id"``).

Each window set on a :class:`~roomkit.models.RateLimit` (per second, minute, hour) is a
bucket whose capacity is the limit rounded up (at least 1) and which refills continuously
at ``limit / window`` tokens per second. A request takes one token from every bucket of
its key. :meth:`TokenBucketRateLimiter.acquire` waits (backpressure, no drops); callers
waiting on the same key are served first come, first served.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from roomkit.models.channel import RateLimit

__all__ = ["TokenBucketRateLimiter"]

logger = logging.getLogger("roomkit.core.rate_limiter")

_EPSILON = 1e-9
"""Tolerance for float drift: a bucket this close to one token counts as having it."""


@dataclass
class _Bucket:
    limit: float
    window: float
    tokens: float
    updated_at: float

    @property
    def capacity(self) -> float:
        return float(max(1, math.ceil(self.limit)))

    @property
    def rate(self) -> float:
        return self.limit / self.window

    def refill(self, now: float) -> None:
        elapsed = max(0.0, now - self.updated_at)
        self.tokens = min(self.capacity, self.tokens + elapsed * self.rate)
        self.updated_at = now

    def wait_time(self) -> float:
        missing = 1.0 - self.tokens
        return 0.0 if missing <= _EPSILON else missing / self.rate


def _windows(rate_limit: RateLimit) -> dict[float, float]:
    """Map window length in seconds to the limit set for it."""
    limits = {
        1.0: rate_limit.max_per_second,
        60.0: rate_limit.max_per_minute,
        3600.0: rate_limit.max_per_hour,
    }
    return {window: limit for window, limit in limits.items() if limit is not None}


class TokenBucketRateLimiter:
    """Per-key token buckets with waiting (``acquire``) and non-blocking (``try_acquire``) use.

    ``clock`` returns monotonic seconds and ``sleep`` waits that many seconds; tests inject
    a fake pair where sleeping advances the clock.
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._buckets: dict[str, dict[float, _Bucket]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def acquire(self, key: str, rate_limit: RateLimit) -> float:
        """Wait until ``key`` may send under ``rate_limit``; return the seconds waited."""
        if not _windows(rate_limit):
            return 0.0
        started = self._clock()
        async with self._lock(key):
            while True:
                buckets = self._refilled(key, rate_limit)
                wait = max(bucket.wait_time() for bucket in buckets)
                if wait <= 0.0:
                    self._take(buckets)
                    break
                logger.debug("rate limit on %s: waiting %.3fs", key, wait)
                await self._sleep(wait)
        return max(0.0, self._clock() - started)

    def try_acquire(self, key: str, rate_limit: RateLimit) -> bool:
        """Take a token for ``key`` if one is free in every window right now.

        Returns False, without taking anything, when a token is missing or when other
        callers are already waiting on ``key`` (they go first).
        """
        if not _windows(rate_limit):
            return True
        lock = self._locks.get(key)
        if lock is not None and lock.locked():
            return False
        buckets = self._refilled(key, rate_limit)
        if any(bucket.wait_time() > 0.0 for bucket in buckets):
            return False
        self._take(buckets)
        return True

    def reset(self, key: str | None = None) -> None:
        """Forget the buckets of ``key`` (of every key when None): they start full again."""
        keys = list(self._buckets) if key is None else [key]
        for name in keys:
            self._buckets.pop(name, None)
            lock = self._locks.get(name)
            if lock is not None and not lock.locked():
                del self._locks[name]

    def _lock(self, key: str) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        return lock

    def _refilled(self, key: str, rate_limit: RateLimit) -> list[_Bucket]:
        """Return the key's buckets for ``rate_limit``, refilled up to now.

        Buckets follow the limits passed in: a window no longer set is dropped, a new one
        starts full, and a changed limit keeps its tokens (capped at the new capacity).
        """
        now = self._clock()
        wanted = _windows(rate_limit)
        current = self._buckets.get(key, {})
        buckets: dict[float, _Bucket] = {}
        for window, limit in wanted.items():
            bucket = current.get(window)
            if bucket is None:
                bucket = _Bucket(limit=limit, window=window, tokens=0.0, updated_at=now)
                bucket.tokens = bucket.capacity
            else:
                bucket.refill(now)
                if bucket.limit != limit:
                    bucket.limit = limit
                    bucket.tokens = min(bucket.tokens, bucket.capacity)
            buckets[window] = bucket
        self._buckets[key] = buckets
        return list(buckets.values())

    @staticmethod
    def _take(buckets: list[_Bucket]) -> None:
        for bucket in buckets:
            bucket.tokens = max(0.0, bucket.tokens - 1.0)
