"""Waiting for another process's hold on a SQLite file, without blocking the loop.

The store's connection has a ``busy_timeout`` of 0, so a statement meeting another
process's lock fails at once with ``SQLITE_BUSY``; :class:`BusyBackoff` then sleeps
asynchronously, with growing pauses like SQLite's own busy handler, until the store's
``busy_timeout`` runs out.
"""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Protocol

__all__ = ["BusyBackoff", "is_busy"]

# SQLite's busy handler sleeps these steps (seconds), repeating the last; two shorter pauses
# come first, as another process's commit usually ends within a millisecond.
_SQLITE_STEPS = (0.001, 0.002, 0.005, 0.01, 0.015, 0.02, 0.025, 0.025, 0.025, 0.05, 0.05, 0.1)
_BACKOFF = (0.0002, 0.0005, *_SQLITE_STEPS)
_BUSY_CODES = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})


class _Waiting(Protocol):
    """What the pauses depend on: the store's patience and its own checkpoint."""

    @property
    def busy_timeout(self) -> float:
        """Seconds a statement may wait for another process, in all."""

    @property
    def checkpointing(self) -> bool:
        """Whether the store's own checkpoint is under way (waits for it never fail)."""


def is_busy(exc: Exception) -> bool:
    """Tell whether the error means another connection holds a lock we need."""
    return (getattr(exc, "sqlite_errorcode", 0) & 0xFF) in _BUSY_CODES


class BusyBackoff:
    """Paces the retries of a statement refused because the database is locked.

    Each pause sleeps asynchronously (``_BACKOFF``); the refusal is raised once the store's
    ``busy_timeout`` is up. The wait for the store's own checkpoint never fails a write.
    """

    __slots__ = ("_attempt", "_deadline", "_driver")

    def __init__(self, driver: _Waiting) -> None:
        """Start pacing now, with ``driver``'s ``busy_timeout`` as the deadline."""
        self._driver = driver
        self._deadline = asyncio.get_running_loop().time() + driver.busy_timeout
        self._attempt = 0

    async def pause(self, refused: Exception) -> None:
        """Wait before the next try, or raise ``refused`` when out of time."""
        if not is_busy(refused):
            raise refused
        remaining = self._deadline - asyncio.get_running_loop().time()
        if remaining <= 0 and not self._driver.checkpointing:
            raise refused
        delay = _BACKOFF[min(self._attempt, len(_BACKOFF) - 1)]
        self._attempt += 1
        await asyncio.sleep(max(min(delay, remaining), _BACKOFF[0]))
