"""The SQLite driver: statements run on the event loop's thread, never waiting there.

A statement on an indexed SQLite table takes microseconds, far less than handing it to
a worker thread and back (about 100 µs a call on a busy 2-core machine, mostly thread
wake-ups and the GIL changing hands), so the store's one connection is used directly
on the loop. Three things could make such a call wait; none blocks the loop:

* **Another process holding the write lock.** The connection's own ``busy_timeout``
  is 0, so a locked database answers ``SQLITE_BUSY`` at once; the driver then sleeps
  asynchronously and retries, with growing pauses like SQLite's own, until the store's
  ``busy_timeout`` runs out (then the ``OperationalError`` is raised as before; see
  :mod:`.sqlite_busy`).
* **Checkpoints**, which wait for the disk: they run in a worker thread
  (:mod:`.sqlite_checkpoint`) every ``CHECKPOINT_EVERY`` changed rows.
* **Commits**, cheap but not free: concurrent writes share one (:mod:`.sqlite_commit`).

Durability is unchanged: WAL with ``synchronous = NORMAL`` puts each commit in the log
before the call returns, so it survives the process being killed; a power cut may lose
the commits since the last checkpoint (never the database's consistency).

A write without ``RETURNING`` answers one row, the number of rows it changed: cheaper
than ``RETURNING``, for which SQLite builds a temporary table each time.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from typing import Any

from roomkit.errors import UnstorableValueError
from roomkit.models._util import utcnow
from roomkit.store._sql.batch import settle
from roomkit.store._sql.driver import IntegrityConflict, Row, SQLConnection, SQLDriver
from roomkit.store._sql.migrations import migrate
from roomkit.store._sql.sqlite_busy import BusyBackoff, is_busy
from roomkit.store._sql.sqlite_checkpoint import Checkpointer
from roomkit.store._sql.sqlite_commit import GroupCommit, GroupRun, Pending
from roomkit.store._sql.sqlite_schema import SQLITE_MIGRATIONS

__all__ = ["CHECKPOINT_EVERY", "SQLiteDriver"]

logger = logging.getLogger("roomkit.store.sqlite")

CHECKPOINT_EVERY = 1000
"""Changed rows between two background checkpoints (SQLite's default is 1000 pages)."""

_PLACEHOLDER = re.compile(r"\$(\d+)")
_WRITES = frozenset({"INSERT", "UPDATE", "DELETE"})

# A statement as SQLite takes it: ``?`` placeholders, the argument each one takes, whether
# it writes (through the group commit) and whether it answers its count of changed rows.
_Translated = tuple[str, tuple[int, ...], bool, bool]


def _translate(sql: str) -> _Translated:
    """Rewrite ``$n`` placeholders as ``?``; list the argument each takes; tell writes."""
    order = tuple(int(number) - 1 for number in _PLACEHOLDER.findall(sql))
    writes = sql.lstrip().split(None, 1)[0].upper() in _WRITES
    counts = writes and "RETURNING" not in sql.upper()
    return _PLACEHOLDER.sub("?", sql), order, writes, counts


class _Translations(dict[str, _Translated]):
    """Statements in their SQLite form, each worked out the first time it is asked for.

    A plain subscript (``translations[sql]``) both finds a known statement and makes a
    new one, without a Python call in the usual case: statements run on every message.
    """

    def __missing__(self, sql: str) -> _Translated:
        found = self[sql] = _translate(sql)
        return found


class _Runner(SQLConnection):
    """Runs statements on the connection, translating placeholders and conflicts."""

    __slots__ = ("_conn", "_cursor", "_driver", "_translations")

    def __init__(self, conn: sqlite3.Connection, driver: SQLiteDriver) -> None:
        self._conn = conn
        # One cursor serves every statement (each is run and fetched to the end before
        # the next starts): ``conn.execute`` would make a cursor, and a weak reference the
        # connection keeps to it, for every statement.
        self._cursor = conn.cursor()
        self._driver = driver
        self._translations = driver.translations

    def run(self, sql: str, args: tuple[Any, ...]) -> list[Row]:
        """Run one statement now, on the calling thread."""
        text, order, _, counts = self._translations[sql]
        cursor = self._cursor
        try:
            rows: list[Row] = cursor.execute(text, [args[i] for i in order]).fetchall()
        except sqlite3.IntegrityError as exc:
            if "UNIQUE" not in str(exc):
                raise
            raise IntegrityConflict(str(exc)) from exc
        except UnicodeEncodeError as exc:  # a lone surrogate in an id or key
            raise UnstorableValueError(f"SQLite cannot hold this text: {exc}") from exc
        return [(cursor.rowcount,)] if counts else rows

    async def rows(self, sql: str, args: tuple[Any, ...]) -> list[Row]:
        """Run the statement now (inside a transaction, or while opening)."""
        return self.run(sql, args)

    def run_group(self, group: list[Pending]) -> GroupRun:
        """Run writes in one transaction and settle their callers.

        A write breaking a constraint fails alone (SQLite undoes that statement only).
        Another process holding the database undoes the group, to be tried again
        whole (the refusal is returned); any other error undoes it too, to be run
        again one write at a time (``False``).
        """
        conn = self._conn
        outcomes: list[list[Row] | BaseException] = []
        try:
            conn.execute("BEGIN IMMEDIATE")
            for sql, args, _ in group:
                try:
                    outcomes.append(self.run(sql, args))
                except (IntegrityConflict, sqlite3.IntegrityError) as exc:
                    if not conn.in_transaction:
                        raise
                    outcomes.append(exc)
            conn.execute("COMMIT")
        except Exception as exc:  # nothing of the group is kept
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if is_busy(exc):  # only SQLite's own errors carry a code
                return exc
            return False
        for (_, _, future), outcome in zip(group, outcomes, strict=True):
            settle(future, outcome)
        self._driver.changed()
        return True

    async def execute(self, sql: str, *args: Any) -> None:
        """Run a statement whose result is not needed."""
        await self.rows(sql, args)

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        """Run a query and return every row."""
        return await self.rows(sql, args)

    async def fetchrow(self, sql: str, *args: Any) -> Row | None:
        """Run a query and return its first row, or ``None``."""
        rows = await self.rows(sql, args)
        return rows[0] if rows else None

    async def fetchval(self, sql: str, *args: Any) -> Any:
        """Run a query and return the first column of its first row (``None`` if none)."""
        rows = await self.rows(sql, args)
        return rows[0][0] if rows else None


async def _roll_back(runner: _Runner) -> None:
    """Undo the open transaction, if ``BEGIN`` got as far as opening one."""
    try:
        await runner.execute("ROLLBACK")
    except sqlite3.OperationalError:  # no transaction is active
        logger.debug("nothing to roll back")


class SQLiteDriver(SQLDriver):
    """One SQLite connection used on the event loop, opened lazily.

    An asyncio lock keeps a transaction's statements together: while one task is in a
    transaction, other tasks' statements wait for it to end.
    """

    def __init__(self, path: str, busy_timeout: float, mmap_size: int = 0) -> None:
        """Prepare a driver on ``path``; ``busy_timeout`` is in seconds."""
        self.path = path
        self.busy_timeout = busy_timeout
        self.mmap_size = mmap_size
        self.translations = _Translations()
        """Every statement's SQLite form, by its text, worked out once (``translations[sql]``)."""
        self._conn: sqlite3.Connection | None = None
        self._runner: _Runner | None = None
        self._checkpointer: Checkpointer | None = None
        self._checkpointed_at = 0
        self._lock = asyncio.Lock()
        self._commits = GroupCommit(self)

    @property
    def checkpointing(self) -> bool:
        """Whether the store's own checkpoint is under way."""
        return self._checkpointer is not None and self._checkpointer.active

    def changed(self) -> None:
        """Start a background checkpoint when enough rows changed since the last one."""
        conn, checkpointer = self._conn, self._checkpointer
        if conn is None or checkpointer is None:
            return
        changes = conn.total_changes
        if changes - self._checkpointed_at >= CHECKPOINT_EVERY and checkpointer.start():
            self._checkpointed_at = changes

    async def _ready(self) -> _Runner:
        """Return the runner on the open connection (call with the lock held)."""
        runner = self._runner
        if runner is None:
            runner = await self._connect()
        return runner

    async def _connect(self) -> _Runner:
        conn = sqlite3.connect(self.path, isolation_level=None)
        runner = _Runner(conn, self)
        try:
            conn.execute("PRAGMA busy_timeout = 0")
            mode = (await self._waiting(runner, "PRAGMA journal_mode = WAL"))[0][0]
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute(f"PRAGMA mmap_size = {int(self.mmap_size)}").fetchall()
            await self._migrate(runner)
            if mode == "wal":
                self._checkpointer = Checkpointer(self.path)
                conn.execute("PRAGMA wal_autocheckpoint = 0")
        except BaseException:
            conn.close()
            raise
        self._conn, self._runner = conn, runner
        self._checkpointed_at = conn.total_changes
        return runner

    async def _waiting(self, runner: _Runner, sql: str) -> list[Row]:
        """Run a statement, retrying while the database is locked (lock held: opening)."""
        backoff = BusyBackoff(self)
        while True:
            try:
                return runner.run(sql, ())
            except sqlite3.OperationalError as exc:
                await backoff.pause(exc)

    async def _migrate(self, runner: _Runner) -> None:
        await self._waiting(runner, "BEGIN IMMEDIATE")
        try:
            applied = await migrate(
                runner,
                SQLITE_MIGRATIONS,
                version_table="schema_version",
                applied_at=utcnow().isoformat(),
            )
            await runner.execute("COMMIT")
        except BaseException:
            await _roll_back(runner)
            raise
        logger.debug("sqlite store %s open (migrations applied: %s)", self.path, applied)

    async def open(self) -> None:
        """Open the file and migrate its schema, if not done yet."""
        async with self._lock:
            await self._ready()

    async def close(self) -> None:
        """Close the connections (the next statement opens them again)."""
        async with self._lock:
            conn, self._conn, self._runner = self._conn, None, None
            checkpointer, self._checkpointer = self._checkpointer, None
            if conn is not None:
                conn.close()
            if checkpointer is not None:
                await checkpointer.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SQLConnection]:
        """An immediate (write-locking) transaction, committed unless the body raises."""
        runner = await self._begin()
        try:
            yield runner
            runner.run("COMMIT", ())
        except BaseException:
            await _roll_back(runner)
            raise
        finally:
            self._lock.release()

    async def _begin(self) -> _Runner:
        """Take the lock and open an immediate transaction; wait unlocked while busy."""
        backoff: BusyBackoff | None = None
        while True:
            await self._lock.acquire()
            try:
                runner = await self._ready()
                runner.run("BEGIN IMMEDIATE", ())
            except sqlite3.OperationalError as exc:
                self._lock.release()
                backoff = backoff or BusyBackoff(self)
                await backoff.pause(exc)
            except BaseException:
                self._lock.release()
                raise
            else:
                return runner

    async def run_alone(self, sql: str, args: tuple[Any, ...]) -> list[Row]:
        """Run one statement in its own transaction (autocommit) and return its rows.

        While another connection holds the database, the retries wait without holding
        the store's lock, so this store's readers carry on meanwhile. When no transaction
        holds the connection the statement runs at once: it runs to the end without
        awaiting, so taking the lock would change nothing.
        """
        backoff: BusyBackoff | None = None
        while True:
            runner = self._free_runner()
            if runner is not None:
                outcome = self._attempt(runner, sql, args)
            else:
                async with self._lock:
                    outcome = self._attempt(await self._ready(), sql, args)
            if not isinstance(outcome, sqlite3.OperationalError):
                return outcome
            backoff = backoff or BusyBackoff(self)
            await backoff.pause(outcome)

    def write_now(self, sql: str, args: tuple[Any, ...]) -> list[Row] | Exception | None:
        """Try a write once, in its own transaction: its rows, or the refusal if another
        process holds the database, or ``None`` if a transaction holds the connection."""
        runner = self._free_runner()
        if runner is None:
            return None
        outcome = self._attempt(runner, sql, args)
        if isinstance(outcome, sqlite3.OperationalError) and not is_busy(outcome):
            raise outcome
        return outcome

    def _free_runner(self) -> _Runner | None:
        """The open connection's runner if no transaction holds it (statements may run
        at once, to the end without awaiting), else ``None``."""
        return None if self._lock.locked() else self._runner

    def _attempt(
        self, runner: _Runner, sql: str, args: tuple[Any, ...]
    ) -> list[Row] | sqlite3.OperationalError:
        """Run the statement once; its rows, or the refusal to wait on and retry."""
        try:
            rows = runner.run(sql, args)
        except sqlite3.OperationalError as exc:
            return exc
        self.changed()
        return rows

    def run_group(self, group: list[Pending]) -> GroupRun:
        """Run writes in one transaction now, unless a transaction holds the connection."""
        runner = self._free_runner()
        if runner is None:
            return False
        return runner.run_group(group)

    def backoff(self) -> BusyBackoff:
        """Pace the retries of a write refused because another process holds the file."""
        return BusyBackoff(self)

    def _rows(self, sql: str, args: tuple[Any, ...]) -> Coroutine[Any, Any, list[Row]]:
        """The statement's rows, to await: a write joins the group commit, a read runs
        at once if it can. A plain method handing back the coroutine, so that a write
        waits one frame less deep: after each commit a message resumes its whole chain
        of coroutines."""
        if self.translations[sql][2]:
            return self._commits.write(sql, args)
        return self._read(sql, args)

    async def _read(self, sql: str, args: tuple[Any, ...]) -> list[Row]:
        runner = self._free_runner()
        if runner is not None:  # the usual read: run at once (it changes nothing)
            try:
                return runner.run(sql, args)
            except sqlite3.OperationalError as exc:
                if not is_busy(exc):
                    raise
        return await self.run_alone(sql, args)

    async def execute(self, sql: str, *args: Any) -> None:
        """Run one statement on its own."""
        await self._rows(sql, args)

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        """Run a query and return every row."""
        return await self._rows(sql, args)

    async def fetchrow(self, sql: str, *args: Any) -> Row | None:
        """Run a query and return its first row, or ``None``."""
        rows = await self._rows(sql, args)
        return rows[0] if rows else None

    async def fetchval(self, sql: str, *args: Any) -> Any:
        """Run a query and return the first value of its first row."""
        rows = await self._rows(sql, args)
        return rows[0][0] if rows else None
