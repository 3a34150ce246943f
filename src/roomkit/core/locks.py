"""Per-room locks: one inbound message is processed at a time in each room.

:class:`InMemoryLockManager` keeps one :class:`asyncio.Lock` per room, so it serialises
work inside one process only; several processes need a distributed implementation of
:class:`RoomLockManager`. Locks are not re-entrant. The in-memory manager serves its
waiters in arrival order; :class:`~roomkit.scale.locks.RedisLockManager`'s waiters poll,
so whichever poll finds the lock free takes it.
"""

from __future__ import annotations

import asyncio
import logging
from abc import ABC, abstractmethod
from collections import OrderedDict
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field

from roomkit.errors import LockTimeoutError

__all__ = ["InMemoryLockManager", "RoomLockManager"]

logger = logging.getLogger("roomkit.core.locks")


class RoomLockManager(ABC):
    """Hands out exclusive per-room locks as async context managers."""

    @abstractmethod
    def locked(
        self, room_id: str, timeout: float | None = None
    ) -> AbstractAsyncContextManager[None]:
        """Hold the lock of ``room_id`` for the ``async with`` body.

        Waits at most ``timeout`` seconds (forever when None) and raises
        :class:`~roomkit.errors.LockTimeoutError` if the lock could not be had in time.
        """

    async def close(self) -> None:
        """Release what the manager holds; the default manager holds nothing."""
        return None


@dataclass
class _Entry:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0
    """Tasks holding or waiting for the lock: while non-zero it is never evicted."""


class InMemoryLockManager(RoomLockManager):
    """One :class:`asyncio.Lock` per room, with LRU eviction of idle locks.

    At most ``max_locks`` idle locks are kept; a lock that is held or awaited is never
    evicted, so the map may exceed ``max_locks`` while many rooms are busy.
    """

    def __init__(self, max_locks: int = 1024) -> None:
        if max_locks < 1:
            raise ValueError("max_locks must be at least 1")
        self.max_locks = max_locks
        self._entries: OrderedDict[str, _Entry] = OrderedDict()

    @property
    def lock_count(self) -> int:
        """Number of room locks currently tracked."""
        return len(self._entries)

    @property
    def tracked_rooms(self) -> list[str]:
        """Rooms that currently have a lock, least recently used first."""
        return list(self._entries)

    def is_locked(self, room_id: str) -> bool:
        """Return whether the lock of ``room_id`` is held right now."""
        entry = self._entries.get(room_id)
        return entry is not None and entry.lock.locked()

    def locked(
        self, room_id: str, timeout: float | None = None
    ) -> AbstractAsyncContextManager[None]:
        """Hold the lock of ``room_id`` for the ``async with`` body (see the base class)."""
        return _Held(self, room_id, timeout)

    def _release(self, entry: _Entry, *, acquired: bool) -> None:
        if acquired:
            entry.lock.release()
        entry.users -= 1
        if len(self._entries) > self.max_locks:
            self._evict()

    async def close(self) -> None:
        """Forget every idle lock; locks still held are released by their holders."""
        for room_id in [key for key, entry in self._entries.items() if entry.users == 0]:
            del self._entries[room_id]

    @staticmethod
    async def _acquire(lock: asyncio.Lock, room_id: str, timeout: float | None) -> None:
        if timeout is None or not (lock.locked() or getattr(lock, "_waiters", None)):
            await lock.acquire()  # free and nobody queued: acquired without waiting
            return
        try:
            async with asyncio.timeout(timeout):
                await lock.acquire()
        except TimeoutError:
            logger.warning("room lock timeout after %ss: %s", timeout, room_id)
            raise LockTimeoutError(f"could not lock room {room_id!r} within {timeout}s") from None

    def _checkout(self, room_id: str) -> _Entry:
        entry = self._entries.get(room_id)
        if entry is None:
            entry = self._entries[room_id] = _Entry()
        else:
            self._entries.move_to_end(room_id)
        entry.users += 1
        if len(self._entries) > self.max_locks:
            self._evict()
        return entry

    def _evict(self) -> None:
        excess = len(self._entries) - self.max_locks
        if excess <= 0:
            return
        idle = [key for key, entry in self._entries.items() if entry.users == 0][:excess]
        for room_id in idle:
            del self._entries[room_id]
            logger.debug("room lock evicted: %s", room_id)


class _Held(AbstractAsyncContextManager[None]):
    """``async with manager.locked(room_id)``: acquire on entry, release on exit."""

    __slots__ = ("_entry", "_manager", "_room_id", "_timeout")

    def __init__(self, manager: InMemoryLockManager, room_id: str, timeout: float | None) -> None:
        self._manager = manager
        self._room_id = room_id
        self._timeout = timeout
        self._entry: _Entry | None = None

    async def __aenter__(self) -> None:
        entry = self._entry = self._manager._checkout(self._room_id)
        try:
            await self._manager._acquire(entry.lock, self._room_id, self._timeout)
        except BaseException:
            self._manager._release(entry, acquired=False)
            raise

    async def __aexit__(self, *exc_info: object) -> None:
        if self._entry is not None:
            self._manager._release(self._entry, acquired=True)
            self._entry = None
