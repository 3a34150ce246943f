"""SQLiteStore: the embedded persistent store, one database file (standard library only).

``RoomKit(store=SQLiteStore("roomkit.db"))`` is all it takes: the file is opened on first
use (or by ``await store.open()`` / ``await SQLiteStore.connect(path)``), switched to WAL
journaling, and its schema created or migrated. ``await store.close()`` (done by
``RoomKit.close``) closes it.

One connection serves the store; statements and transactions take turns on it, so a
reader never sees another task's transaction half-way. Statements run on the event
loop's thread (each takes microseconds); waiting for a lock held by another process and
checkpointing the log into the file happen without blocking the loop (see
:mod:`roomkit.store._sql.sqlite_driver`). Several processes may share the file: write
transactions are ``BEGIN IMMEDIATE`` and wait up to ``busy_timeout`` for each other, and
WAL lets readers carry on meanwhile.

A write is in the log when its method returns, so it survives the process being killed
(WAL with ``synchronous = NORMAL``); a power cut may lose the last commits, never the
database's consistency.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from roomkit.models._util import utcnow
from roomkit.store._sql.decoded import DECODED_PER_MODEL
from roomkit.store._sql.sqlite_driver import SQLiteDriver
from roomkit.store._sql.sqlite_schema import SQLITE_FRAGMENTS, SQLITE_STATEMENTS
from roomkit.store._sql.statements import build_statements
from roomkit.store._sql.store import SQLStore

__all__ = ["DEFAULT_MMAP_SIZE", "SQLiteStore"]

DEFAULT_MMAP_SIZE = 1 << 30
"""Bytes of the database file read through a memory map by default (1 GiB)."""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_STATEMENTS = build_statements(SQLITE_FRAGMENTS, SQLITE_STATEMENTS)


class SQLiteStore(SQLStore):
    """A :class:`~roomkit.store.base.ConversationStore` in one SQLite database file.

    ``path`` may be ``":memory:"`` for a private in-memory database. ``busy_timeout`` is
    how long a write waits for another process's write transaction, in seconds.
    ``mmap_size`` is how many bytes of the file SQLite reads through a memory map instead
    of read calls (``PRAGMA mmap_size``; 0 turns it off). It matters when several
    processes share the file: each commit by one makes the others read their pages again.
    ``decoded_cache_size`` is how many stored texts per kind of record (room, binding,
    participant, identity) the store remembers the decoded model of (0 for none; see
    the operations guide).
    """

    def __init__(
        self,
        path: str | os.PathLike[str] = "roomkit.db",
        *,
        busy_timeout: float = 5.0,
        mmap_size: int = DEFAULT_MMAP_SIZE,
        clock: Callable[[], datetime] = utcnow,
        decoded_cache_size: int = DECODED_PER_MODEL,
    ) -> None:
        """Prepare a store on ``path``; the file is opened on first use."""
        if busy_timeout < 0:
            raise ValueError("busy_timeout must be >= 0")
        if mmap_size < 0:
            raise ValueError("mmap_size must be >= 0")
        self.path = os.fspath(path)
        driver = SQLiteDriver(self.path, busy_timeout, mmap_size)
        super().__init__(driver, _STATEMENTS, clock=clock, decoded_cache_size=decoded_cache_size)

    @classmethod
    async def connect(
        cls,
        path: str | os.PathLike[str] = "roomkit.db",
        *,
        busy_timeout: float = 5.0,
        mmap_size: int = DEFAULT_MMAP_SIZE,
        clock: Callable[[], datetime] = utcnow,
        decoded_cache_size: int = DECODED_PER_MODEL,
    ) -> SQLiteStore:
        """Create a store and open its file now (schema created or migrated)."""
        store = cls(
            path,
            busy_timeout=busy_timeout,
            mmap_size=mmap_size,
            clock=clock,
            decoded_cache_size=decoded_cache_size,
        )
        await store.open()
        return store

    def __repr__(self) -> str:
        """Show the database path."""
        return f"SQLiteStore({self.path!r})"

    def _ts(self, value: datetime) -> Any:
        """Store a datetime as integer microseconds since the epoch (exact, sortable)."""
        return (value - _EPOCH) // _MICROSECOND

    def _datetime(self, value: Any) -> datetime:
        """Rebuild a datetime from integer microseconds since the epoch."""
        microseconds: int = value
        return _EPOCH + microseconds * _MICROSECOND
