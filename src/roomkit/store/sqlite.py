"""SQLiteStore: the embedded persistent store, one database file (needs ``aiosqlite``).

``RoomKit(store=SQLiteStore("roomkit.db"))`` is all it takes: the file is opened on first
use (or by ``await store.open()`` / ``await SQLiteStore.connect(path)``), switched to WAL
journaling, and its schema created or migrated. ``await store.close()`` (done by
``RoomKit.close``) closes it.

One connection serves the store; statements and transactions take turns on it, so a
reader never sees another task's transaction half-way. Several processes may share the
file: write transactions are ``BEGIN IMMEDIATE`` and wait up to ``busy_timeout`` for each
other, and WAL lets readers carry on meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

try:
    import aiosqlite
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "SQLiteStore needs the aiosqlite package; install it with: pip install 'roomkit[sqlite]'"
    ) from exc

from roomkit.models._util import utcnow
from roomkit.store._sql.driver import IntegrityConflict, Row, SQLConnection, SQLDriver
from roomkit.store._sql.migrations import migrate
from roomkit.store._sql.sqlite_schema import (
    SQLITE_FRAGMENTS,
    SQLITE_MIGRATIONS,
    SQLITE_STATEMENTS,
)
from roomkit.store._sql.statements import build_statements
from roomkit.store._sql.store import SQLStore

__all__ = ["SQLiteStore"]

logger = logging.getLogger("roomkit.store.sqlite")

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_PLACEHOLDER = re.compile(r"\$(\d+)")
_STATEMENTS = build_statements(SQLITE_FRAGMENTS, SQLITE_STATEMENTS)


_Translated = tuple[str, tuple[int, ...]]


def _translate(sql: str) -> _Translated:
    """Rewrite ``$n`` placeholders as ``?`` and list which argument each one takes."""
    order = tuple(int(number) - 1 for number in _PLACEHOLDER.findall(sql))
    return _PLACEHOLDER.sub("?", sql), order


class _Runner(SQLConnection):
    """Runs statements on the connection, translating placeholders and conflicts."""

    __slots__ = ("_conn", "_sql")

    def __init__(self, conn: aiosqlite.Connection, sql_cache: dict[str, _Translated]) -> None:
        self._conn = conn
        self._sql = sql_cache

    async def _rows(self, sql: str, args: tuple[Any, ...]) -> list[Row]:
        translated = self._sql.get(sql)
        if translated is None:
            translated = self._sql[sql] = _translate(sql)
        text, order = translated
        try:
            rows = await self._conn.execute_fetchall(text, [args[i] for i in order])
        except sqlite3.IntegrityError as exc:
            if "UNIQUE" not in str(exc):
                raise
            raise IntegrityConflict(str(exc)) from exc
        return list(rows)

    async def execute(self, sql: str, *args: Any) -> None:
        """Run a statement whose result is not needed."""
        await self._rows(sql, args)

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        """Run a query and return every row."""
        return await self._rows(sql, args)

    async def fetchrow(self, sql: str, *args: Any) -> Row | None:
        """Run a query and return its first row, or ``None``."""
        rows = await self._rows(sql, args)
        return rows[0] if rows else None

    async def fetchval(self, sql: str, *args: Any) -> Any:
        """Run a query and return the first column of its first row (``None`` if none)."""
        rows = await self._rows(sql, args)
        return rows[0][0] if rows else None


async def _roll_back(runner: _Runner) -> None:
    """Undo the open transaction, if ``BEGIN`` got as far as opening one."""
    try:
        await runner.execute("ROLLBACK")
    except sqlite3.OperationalError:  # no transaction is active
        logger.debug("nothing to roll back")


class _SQLiteDriver(SQLDriver):
    """One aiosqlite connection, opened lazily and shared under an asyncio lock."""

    def __init__(self, path: str, busy_timeout: float) -> None:
        self._path = path
        self._busy_timeout_ms = int(busy_timeout * 1000)
        self._conn: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()
        self._sql: dict[str, _Translated] = {}

    async def _ready(self) -> _Runner:
        """Return a runner on the open connection (call with the lock held)."""
        if self._conn is None:
            self._conn = await self._connect()
        return _Runner(self._conn, self._sql)

    async def _connect(self) -> aiosqlite.Connection:
        conn = await aiosqlite.connect(self._path, isolation_level=None)
        try:
            await conn.execute(f"PRAGMA busy_timeout = {self._busy_timeout_ms}")
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA synchronous = NORMAL")
            runner = _Runner(conn, self._sql)
            try:
                await runner.execute("BEGIN IMMEDIATE")
                applied = await migrate(
                    runner,
                    SQLITE_MIGRATIONS,
                    version_table="schema_version",
                    applied_at=utcnow().isoformat(),
                )
            except BaseException:
                await _roll_back(runner)
                raise
            await runner.execute("COMMIT")
        except BaseException:
            await conn.close()
            raise
        logger.debug("sqlite store %s open (migrations applied: %s)", self._path, applied)
        return conn

    async def open(self) -> None:
        """Open the file and migrate its schema, if not done yet."""
        async with self._lock:
            await self._ready()

    async def close(self) -> None:
        """Close the connection (the next statement opens it again)."""
        async with self._lock:
            if self._conn is not None:
                conn, self._conn = self._conn, None
                await conn.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SQLConnection]:
        """An immediate (write-locking) transaction, committed unless the body raises."""
        async with self._lock:
            runner = await self._ready()
            try:
                await runner.execute("BEGIN IMMEDIATE")
                yield runner
            except BaseException:
                await _roll_back(runner)
                raise
            await runner.execute("COMMIT")

    async def execute(self, sql: str, *args: Any) -> None:
        """Run one statement on its own."""
        async with self._lock:
            await (await self._ready()).execute(sql, *args)

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        """Run a query and return every row."""
        async with self._lock:
            return await (await self._ready()).fetch(sql, *args)

    async def fetchrow(self, sql: str, *args: Any) -> Row | None:
        """Run a query and return its first row, or ``None``."""
        async with self._lock:
            return await (await self._ready()).fetchrow(sql, *args)

    async def fetchval(self, sql: str, *args: Any) -> Any:
        """Run a query and return the first value of its first row."""
        async with self._lock:
            return await (await self._ready()).fetchval(sql, *args)


class SQLiteStore(SQLStore):
    """A :class:`~roomkit.store.base.ConversationStore` in one SQLite database file.

    ``path`` may be ``":memory:"`` for a private in-memory database. ``busy_timeout`` is
    how long a write waits for another process's write transaction, in seconds.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] = "roomkit.db",
        *,
        busy_timeout: float = 5.0,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        """Prepare a store on ``path``; the file is opened on first use."""
        if busy_timeout < 0:
            raise ValueError("busy_timeout must be >= 0")
        self.path = os.fspath(path)
        super().__init__(_SQLiteDriver(self.path, busy_timeout), _STATEMENTS, clock=clock)

    @classmethod
    async def connect(
        cls,
        path: str | os.PathLike[str] = "roomkit.db",
        *,
        busy_timeout: float = 5.0,
        clock: Callable[[], datetime] = utcnow,
    ) -> SQLiteStore:
        """Create a store and open its file now (schema created or migrated)."""
        store = cls(path, busy_timeout=busy_timeout, clock=clock)
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
        return _EPOCH + timedelta(microseconds=value)
