"""PostgresStore: the shared, multi-process store on PostgreSQL (needs ``asyncpg``).

Two ways to start it:

* ``PostgresStore(dsn, schema="roomkit")``: nothing happens until the first call, which
  creates the connection pool and brings the schema up to date. Handy where the store is
  built synchronously, e.g. ``RoomKit(store=PostgresStore(dsn))``.
* ``await PostgresStore.connect(dsn, schema="roomkit")``: the same, done before it
  returns, so a bad DSN or a refused connection fails at start-up instead of on the
  first message.

An existing :class:`asyncpg.Pool` may be passed as ``pool=`` instead of a DSN; the store
then uses it and leaves closing it to its owner. Every table lives in ``schema``
(created if missing). Schema changes are ordered migrations recorded in
``<schema>.schema_version`` and applied in one transaction under an advisory lock, so
several processes starting together migrate once.

Each event is inserted in the transaction that increments its room's counter
(``UPDATE ... RETURNING``), which makes ``index`` gap-free and unique per room with any
number of writing processes; a unique partial index on ``(room_id, idempotency_key)``
refuses a second event with the same key in a room.

Round trips are what a busy store spends its time on, so calls made concurrently with
the same statement travel together, pipelined in one transaction (one commit); see
:mod:`roomkit.store._sql.batch`. A pool the store creates also skips asyncpg's reset
query on every release (the store leaves no session state behind). Nothing is cached:
every call reads the shared database, so any number of processes stay consistent.
"""

from __future__ import annotations

import asyncio
import logging
import re
import zlib
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

try:
    import asyncpg
    from asyncpg.pool import PoolConnectionProxy
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "PostgresStore needs the asyncpg package; install it with: pip install 'roomkit[postgres]'"
    ) from exc

from roomkit.errors import UnstorableValueError
from roomkit.models._util import utcnow
from roomkit.store._sql.batch import MAX_BATCH, StatementBatcher
from roomkit.store._sql.decoded import DECODED_PER_MODEL
from roomkit.store._sql.driver import IntegrityConflict, Row, SQLConnection, SQLDriver
from roomkit.store._sql.migrations import migrate
from roomkit.store._sql.postgres_schema import (
    POSTGRES_STATEMENTS,
    postgres_fragments,
    postgres_migrations,
)
from roomkit.store._sql.statements import build_statements
from roomkit.store._sql.store import SQLStore

__all__ = ["PostgresStore"]

logger = logging.getLogger("roomkit.store.postgres")

_SCHEMA_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")


_REFUSALS = (asyncpg.UniqueViolationError, asyncpg.DataError)
"""Errors that may be refusals the store reports as its own (see :func:`_refuse`)."""

_UNSTORABLE_TEXT = (
    asyncpg.UntranslatableCharacterError,  # "\u0000" in JSONB
    asyncpg.CharacterNotInRepertoireError,  # NUL in a text column
)


def _refuse(exc: Exception) -> None:
    """Raise the store's error for a refusal (a conflict, or text it cannot hold).

    Return if ``exc`` is neither, for the caller to raise it as it is.
    """
    if isinstance(exc, asyncpg.UniqueViolationError):
        raise IntegrityConflict(str(exc)) from exc
    # A lone surrogate fails to encode on the client, which reports it as a DataError.
    if isinstance(exc, _UNSTORABLE_TEXT) or isinstance(exc.__cause__, UnicodeEncodeError):
        raise UnstorableValueError(f"PostgreSQL cannot hold this text: {exc}") from exc


class _Refusals:
    """Turns a refusal raised inside ``with`` into the store's error (see :func:`_refuse`)."""

    __slots__ = ()

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, exc: BaseException | None, traceback: object) -> None:
        if isinstance(exc, _REFUSALS):
            _refuse(exc)


_REFUSING = _Refusals()


class _Runner(SQLConnection):
    """Runs statements on one connection, turning the server's refusals into errors."""

    __slots__ = ("_conn",)

    def __init__(self, conn: asyncpg.Pool | PoolConnectionProxy[asyncpg.Record]) -> None:
        self._conn = conn

    async def execute(self, sql: str, *args: Any) -> None:
        """Run a statement whose result is not needed."""
        with _REFUSING:
            await self._conn.execute(sql, *args)

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        """Run a query and return every row."""
        with _REFUSING:
            return list(await self._conn.fetch(sql, *args))

    async def fetchrow(self, sql: str, *args: Any) -> Row | None:
        """Run a query and return its first row, or ``None``."""
        with _REFUSING:
            row: Row | None = await self._conn.fetchrow(sql, *args)
        return row

    async def fetchval(self, sql: str, *args: Any) -> Any:
        """Run a query and return the first value of its first row."""
        with _REFUSING:
            return await self._conn.fetchval(sql, *args)

    async def fetchmany(self, sql: str, args: Sequence[tuple[Any, ...]]) -> list[Row]:
        """Run the statement once per argument tuple in one transaction; every row."""
        with _REFUSING:
            return list(await self._conn.fetchmany(sql, args))

    async def executemany(self, sql: str, args: Sequence[tuple[Any, ...]]) -> None:
        """Run the statement once per argument tuple in one transaction."""
        with _REFUSING:
            await self._conn.executemany(sql, args)


async def _keep_session(_conn: asyncpg.Connection[asyncpg.Record]) -> None:
    """Skip the pool's per-release reset query on the store's own pool.

    asyncpg's default resets every released connection with one more round trip
    (``RESET ALL``, ``UNLISTEN *``, advisory unlocks, ``CLOSE ALL``). The store's
    statements change no session state (its one advisory lock is transaction-scoped),
    and asyncpg still rolls back a transaction left open, so that trip is saved.
    """


class _PostgresDriver(SQLDriver):
    """An asyncpg pool, created (and the schema migrated) on first use."""

    def __init__(
        self,
        dsn: str | None,
        schema: str,
        pool: asyncpg.Pool | None,
        min_size: int,
        max_size: int,
        max_batch: int | None,
    ) -> None:
        self._dsn = dsn
        self._schema = schema
        self._prefix = f'"{schema}".'
        self._pool = pool
        self._owns_pool = pool is None
        self._migrated = False
        self._sizes = (min_size, max_size)
        self._opening = asyncio.Lock()
        self._batcher = StatementBatcher(self._ready, max_batch)

    async def _ready(self) -> _Runner:
        """Return a runner on the pool, creating it and migrating first if needed."""
        pool = self._pool
        if pool is None or not self._migrated:
            pool = await self._open()
        return _Runner(pool)

    async def open(self) -> None:
        """Create the pool (unless given one) and migrate the schema, once."""
        await self._open()

    async def _open(self) -> asyncpg.Pool:
        async with self._opening:
            pool = self._pool
            if pool is None:
                min_size, max_size = self._sizes
                pool = await asyncpg.create_pool(
                    self._dsn, min_size=min_size, max_size=max_size, reset=_keep_session
                )
                self._pool = pool
            if not self._migrated:
                await self._migrate(pool)
                self._migrated = True
            return pool

    async def _migrate(self, pool: asyncpg.Pool) -> None:
        lock_key = zlib.crc32(f"roomkit-schema:{self._schema}".encode())
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", lock_key)
            await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{self._schema}"')
            applied = await migrate(
                _Runner(conn),
                postgres_migrations(self._prefix),
                version_table=f"{self._prefix}schema_version",
                applied_at=utcnow().isoformat(),
            )
        logger.debug("postgres store schema %s ready (applied: %s)", self._schema, applied)

    async def close(self) -> None:
        """Close the pool if the store created it (a later call creates a new one)."""
        async with self._opening:
            pool = self._pool
            self._migrated = False
            if pool is not None and self._owns_pool:
                self._pool = None
                await pool.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SQLConnection]:
        """One pooled connection in a transaction, committed unless the body raises."""
        pool = self._pool
        if pool is None or not self._migrated:
            pool = await self._open()
        async with pool.acquire() as conn, conn.transaction():
            yield _Runner(conn)

    async def execute(self, sql: str, *args: Any) -> None:
        """Run one statement on its own (batched with others like it)."""
        await self._batcher.run(sql, args, rows=False)

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        """Run a query and return every row."""
        return await self._batcher.run(sql, args, rows=True)

    async def fetchrow(self, sql: str, *args: Any) -> Row | None:
        """Run a query and return its first row, or ``None``."""
        rows = await self._batcher.run(sql, args, rows=True)
        return rows[0] if rows else None

    async def fetchval(self, sql: str, *args: Any) -> Any:
        """Run a query and return the first value of its first row."""
        rows = await self._batcher.run(sql, args, rows=True)
        return rows[0][0] if rows else None


class PostgresStore(SQLStore):
    """A :class:`~roomkit.store.base.ConversationStore` in a PostgreSQL schema.

    Give either ``dsn`` (the store creates a pool of ``min_pool_size`` to
    ``max_pool_size`` connections) or an existing ``pool``. ``schema`` must be a plain
    SQL identifier.

    Calls made at the same time with the same statement go to the server together, at
    most ``max_batch`` per batch; more go as further batches at once, so the process
    works on one batch's results while the server runs the next. Where the server and
    several busy application processes share the same few cores, fewer, larger batches
    do better: ``max_batch=None`` sends all of a moment's calls of a statement as one.
    ``decoded_cache_size`` is how many stored texts per kind of record (room, binding,
    participant, identity) the store remembers the decoded model of (0 for none; see
    the operations guide).
    """

    def __init__(
        self,
        dsn: str | None = None,
        *,
        schema: str = "public",
        pool: asyncpg.Pool | None = None,
        min_pool_size: int = 1,
        max_pool_size: int = 10,
        max_batch: int | None = MAX_BATCH,
        clock: Callable[[], datetime] = utcnow,
        decoded_cache_size: int = DECODED_PER_MODEL,
    ) -> None:
        """Prepare a store; the pool and schema are set up on first use."""
        if (dsn is None) == (pool is None):
            raise ValueError("give exactly one of dsn and pool")
        if not _SCHEMA_NAME.fullmatch(schema):
            raise ValueError(f"schema must be a plain SQL identifier, got {schema!r}")
        if not 1 <= min_pool_size <= max_pool_size:
            raise ValueError("need 1 <= min_pool_size <= max_pool_size")
        self.schema = schema
        prefix = f'"{schema}".'
        driver = _PostgresDriver(dsn, schema, pool, min_pool_size, max_pool_size, max_batch)
        statements = build_statements(postgres_fragments(prefix), POSTGRES_STATEMENTS)
        super().__init__(
            driver,
            statements,
            prefix=prefix,
            clock=clock,
            decoded_cache_size=decoded_cache_size,
        )

    @classmethod
    async def connect(
        cls,
        dsn: str | None = None,
        *,
        schema: str = "public",
        pool: asyncpg.Pool | None = None,
        min_pool_size: int = 1,
        max_pool_size: int = 10,
        max_batch: int | None = MAX_BATCH,
        clock: Callable[[], datetime] = utcnow,
        decoded_cache_size: int = DECODED_PER_MODEL,
    ) -> PostgresStore:
        """Create a store, its pool and its schema now, and return it."""
        store = cls(
            dsn,
            schema=schema,
            pool=pool,
            min_pool_size=min_pool_size,
            max_pool_size=max_pool_size,
            max_batch=max_batch,
            clock=clock,
            decoded_cache_size=decoded_cache_size,
        )
        await store.open()
        return store

    def __repr__(self) -> str:
        """Show the schema, never the DSN (it may hold a password)."""
        return f"PostgresStore(schema={self.schema!r})"

    def _metadata_condition(self, param: int) -> str | None:
        """Narrow rooms by JSON containment of the metadata filter."""
        return f"r.data->'metadata' @> CAST(${param} AS JSONB)"
