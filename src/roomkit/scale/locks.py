"""RedisLockManager: per-room locks shared by every process that uses the same Redis.

Acquiring sets ``<prefix><room_id>`` to a token unique to this acquisition, only if the
key is absent (``SET NX PX ttl``); a waiter retries with a growing, jittered pause until
it gets the key or its ``timeout`` runs out (:class:`~roomkit.errors.LockTimeoutError`,
as with the in-memory manager). Waiters are not queued: whichever poll finds the key
free takes it, so a later waiter may go first (the in-memory manager keeps arrival
order). While the body runs a background task pushes the expiry forward every
``ttl / 3`` seconds, so long work keeps the lock, yet a holder that dies frees it
within ``ttl``. Renewal and release are Lua scripts that act only if the key
still holds the holder's token: nobody can extend or delete a lock they do not hold.

If renewal finds the lock gone (the process stalled past ``ttl``, say), it logs an error
and stops: the body is not interrupted, but exclusion is no longer guaranteed. Choose a
``ttl`` comfortably above the longest pause you expect.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from uuid import uuid4

from roomkit.core.locks import RoomLockManager
from roomkit.errors import LockTimeoutError
from roomkit.scale._redis import Redis, redis_client

__all__ = ["RedisLockManager"]

logger = logging.getLogger("roomkit.scale.locks")

# KEYS[1] = lock key, ARGV[1] = token, ARGV[2] = new ttl in ms.
_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""
# KEYS[1] = lock key, ARGV[1] = token.
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""


class RedisLockManager(RoomLockManager):
    """Per-room locks in Redis, with a unique token, expiry, renewal and safe release.

    Give ``url`` (the manager creates and closes its client) or an existing ``client``.
    ``ttl`` is how long a lock outlives a holder that stopped renewing it; waiters poll
    every ``min_poll`` seconds at first, backing off to ``max_poll``. ``clock`` and
    ``sleep`` measure and spend time (tests pass fakes).
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        client: Redis | None = None,
        prefix: str = "roomkit:lock:",
        ttl: float = 30.0,
        min_poll: float = 0.005,
        max_poll: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """Prepare the manager; nothing is sent to Redis until a lock is asked for."""
        if ttl <= 0:
            raise ValueError("ttl must be positive")
        if not 0 < min_poll <= max_poll:
            raise ValueError("need 0 < min_poll <= max_poll")
        self._redis, self._owns_client = redis_client(url, client)
        self.prefix = prefix
        self.ttl = ttl
        self._ttl_ms = max(1, int(ttl * 1000))
        self._polls = (min_poll, max_poll)
        self._clock = clock
        self._sleep = sleep
        self._renew = self._redis.register_script(_RENEW)
        self._release = self._redis.register_script(_RELEASE)

    def __repr__(self) -> str:
        """Show the key prefix and ttl (never the URL, which may hold a password)."""
        return f"RedisLockManager(prefix={self.prefix!r}, ttl={self.ttl})"

    def key(self, room_id: str) -> str:
        """Return the Redis key of the lock of ``room_id``."""
        return f"{self.prefix}{room_id}"

    def locked(
        self, room_id: str, timeout: float | None = None
    ) -> AbstractAsyncContextManager[None]:
        """Hold the lock of ``room_id`` for the ``async with`` body (see the base class)."""
        return self._held(room_id, timeout)

    @asynccontextmanager
    async def _held(self, room_id: str, timeout: float | None) -> AsyncIterator[None]:
        key = self.key(room_id)
        token = uuid4().hex
        try:
            await self._acquire(key, token, room_id, timeout)
        except asyncio.CancelledError:
            # The SET may have landed before the cancellation: do not leave it behind.
            await self._give_back(key, token, quiet=True)
            raise
        renewer = asyncio.create_task(self._keep(key, token), name=f"roomkit-lock-{room_id}")
        try:
            yield
        finally:
            renewer.cancel()
            await asyncio.gather(renewer, return_exceptions=True)
            await self._give_back(key, token)

    async def _acquire(self, key: str, token: str, room_id: str, timeout: float | None) -> None:
        """Set the key to ``token`` once it is free, or raise ``LockTimeoutError``."""
        deadline = None if timeout is None else self._clock() + timeout
        pause, max_pause = self._polls
        while not await self._redis.set(key, token, nx=True, px=self._ttl_ms):
            if deadline is not None:
                left = deadline - self._clock()
                if left <= 0:
                    logger.warning("room lock timeout after %ss: %s", timeout, room_id)
                    raise LockTimeoutError(f"could not lock room {room_id!r} within {timeout}s")
                pause = min(pause, left)
            await self._sleep(pause * random.uniform(0.5, 1.0))
            pause = min(pause * 2, max_pause)

    async def _keep(self, key: str, token: str) -> None:
        """Push the lock's expiry forward every third of its ttl while it is held."""
        while True:
            await self._sleep(self.ttl / 3)
            try:
                renewed = await self._renew(keys=[key], args=[token, self._ttl_ms])
            except Exception:
                logger.warning("could not renew lock %s; retrying", key, exc_info=True)
                continue
            if not renewed:
                logger.error("lock %s was lost before its holder finished", key)
                return

    async def _give_back(self, key: str, token: str, *, quiet: bool = False) -> None:
        """Delete the key if it still holds ``token``; never raises (the ttl frees it)."""
        try:
            released = await self._release(keys=[key], args=[token])
        except Exception:
            logger.warning("could not release lock %s; it expires by itself", key, exc_info=True)
            return
        if not released and not quiet:
            logger.warning("lock %s had expired or changed hands before release", key)

    async def close(self) -> None:
        """Close the Redis client if the manager created it."""
        if self._owns_client:
            await self._redis.aclose()
