"""Concurrent statements sent to the database together: one round trip, one commit.

Many rooms busy at once call the store with the same few statements (add an event,
record its delivery, read a room's bindings...). Each call on its own costs a round
trip to the server, and each write its own commit. :class:`StatementBatcher` holds the
calls made while the event loop runs one pass of ready callbacks, groups them by
statement, and sends every group with more than one call as one pipelined batch
(asyncpg's ``fetchmany`` / ``executemany``: all executions in one implicit
transaction, so one commit and one wait for the disk). A call returns only once the
batch holding it is committed, so a write is as durable on return as it was alone.

A batch holds at most ``max_batch`` calls (:data:`MAX_BATCH` by default); a larger
group goes as several batches at once, on several connections. One batch for every
caller keeps them all in step: all waiting on the server while the process has nothing
to do, then all working while the server idles. Batches that come back at different
times let the process handle one batch's callers while the server runs another, at the
price of more round trips and commits: worth it unless the server and several such
processes share the host's cores (see the PostgreSQL store's ``max_batch``).

To give each caller its own rows, the batched form of a statement returns the
caller's position as an extra first column (:func:`tagged`). Writes run in the order
of their first argument (a room or event id), so concurrent batches, from this process
or another, lock the same rows in the same order. A batch that fails (say one caller's
event breaks a unique key) changed nothing, being one transaction; its calls are then
run one by one, so each caller gets the outcome it would have had alone.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Sequence
from functools import lru_cache
from operator import itemgetter
from typing import Any, Protocol

from roomkit.store._sql.driver import Row

__all__ = ["MAX_BATCH", "BatchRunner", "StatementBatcher", "settle", "tagged"]

MAX_BATCH = 16
"""Calls in one batch at most, by default; more go as further batches at the same time."""

_PARAM = re.compile(r"\$(\d+)")
_UNTAGGED = itemgetter(slice(1, None))  # a batched row without its leading tag
_WRITES = frozenset({"INSERT", "UPDATE", "DELETE", "WITH"})

_Call = tuple[tuple[Any, ...], "asyncio.Future[list[Row]]"]
_Key = tuple[str, bool]


class BatchRunner(Protocol):
    """What the batcher runs statements on: one at a time, or one statement many times."""

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        """Run a query and return every row."""

    async def execute(self, sql: str, *args: Any) -> None:
        """Run a statement whose result is not needed."""

    async def fetchmany(self, sql: str, args: Sequence[tuple[Any, ...]]) -> list[Row]:
        """Run the statement once per argument tuple, atomically; return all the rows."""

    async def executemany(self, sql: str, args: Sequence[tuple[Any, ...]]) -> None:
        """Run the statement once per argument tuple, atomically."""


def tagged(sql: str) -> str | None:
    """The statement returning, first, the caller's position as an extra parameter.

    ``None`` when the statement's shape is not one this can rewrite safely (only a plain
    ``SELECT`` or a write whose outermost statement has a ``RETURNING`` clause is).
    """
    tag = f"CAST(${max((int(n) for n in _PARAM.findall(sql)), default=0) + 1} AS INTEGER), "
    if sql.startswith("SELECT ") and " UNION " not in sql.upper():
        return f"SELECT {tag}{sql[len('SELECT ') :]}"
    head, returning, tail = sql.rpartition(" RETURNING ")
    if returning and head.count("(") == head.count(")"):
        # The statement's own RETURNING, not one inside a parenthesised CTE.
        return f"{head} RETURNING {tag}{tail}"
    return None


@lru_cache(maxsize=512)
def _writes(sql: str) -> bool:
    """Whether the statement writes (worked out once per statement, not per flush)."""
    return sql.lstrip().split(None, 1)[0].upper() in _WRITES


def _first_argument(call: _Call) -> str:
    """What batched writes are ordered by: their first argument (a room or event id)."""
    args = call[0]
    return str(args[0]) if args else ""


def settle(future: asyncio.Future[list[Row]], outcome: list[Row] | BaseException) -> None:
    """Hand a caller its rows or its error (unless it stopped waiting)."""
    if future.done():
        return
    if isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)


class StatementBatcher:
    """Groups the statements called during one loop pass and runs each group at once."""

    def __init__(
        self, runner: Callable[[], Awaitable[BatchRunner]], max_batch: int | None = MAX_BATCH
    ) -> None:
        """Run statements on ``runner()``, at most ``max_batch`` (``None``: any) a batch."""
        if max_batch is not None and max_batch < 1:
            raise ValueError("max_batch must be at least 1 (or None)")
        self._runner = runner
        self._max_batch = max_batch
        self._pending: dict[_Key, list[_Call]] = {}
        self._scheduled = False
        self._running: set[asyncio.Task[None]] = set()
        self._forms: dict[str, str | None] = {}

    async def run(self, sql: str, args: tuple[Any, ...], *, rows: bool) -> list[Row]:
        """Run the statement with ``args`` (with others like it); its rows if ``rows``."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[list[Row]] = loop.create_future()
        self._pending.setdefault((sql, rows), []).append((args, future))
        if not self._scheduled:
            self._scheduled = True
            loop.call_soon(self._flush)
        return await future

    def _flush(self) -> None:
        """Send each statement's waiting calls, ``max_batch`` at most per group."""
        self._scheduled = False
        pending, self._pending = self._pending, {}
        loop = asyncio.get_running_loop()
        size = self._max_batch
        for key, calls in pending.items():
            if len(calls) > 1 and _writes(key[0]):
                # Sorted before splitting: the batches of one statement lock rows in the
                # same order, and mostly different rows.
                calls.sort(key=_first_argument)
            step = size or len(calls)
            for start in range(0, len(calls), step):
                group = calls[start : start + step]
                task = loop.create_task(self._run_group(key, group))
                self._running.add(task)
                task.add_done_callback(self._running.discard)

    async def _run_group(self, key: _Key, calls: list[_Call]) -> None:
        sql, rows = key
        try:
            if len(calls) == 1 or not await self._run_batch(sql, rows, calls):
                await asyncio.gather(*(self._run_one(sql, rows, call) for call in calls))
        except asyncio.CancelledError:
            for _, future in calls:
                future.cancel()
            raise

    async def _run_one(self, sql: str, rows: bool, call: _Call) -> None:
        args, future = call
        try:
            runner = await self._runner()
            if rows:
                settle(future, await runner.fetch(sql, *args))
            else:
                await runner.execute(sql, *args)
                settle(future, [])
        except Exception as exc:
            settle(future, exc)

    async def _run_batch(self, sql: str, rows: bool, calls: list[_Call]) -> bool:
        """Run the calls as one batch and settle them; False to run them one by one."""
        form = self._form(sql) if rows else sql
        if form is None:
            return False
        try:
            runner = await self._runner()
            if not rows:
                await runner.executemany(form, [args for args, _ in calls])
                results: list[list[Row]] = [[] for _ in calls]
            else:
                found = await runner.fetchmany(
                    form, [(*args, i) for i, (args, _) in enumerate(calls)]
                )
                results = [[] for _ in calls]
                for row in found:
                    results[row[0]].append(_UNTAGGED(row))
        except Exception:
            return False
        for (_, future), result in zip(calls, results, strict=True):
            settle(future, result)
        return True

    def _form(self, sql: str) -> str | None:
        """The tagged form of ``sql``, worked out once."""
        if sql not in self._forms:
            self._forms[sql] = tagged(sql)
        return self._forms[sql]
