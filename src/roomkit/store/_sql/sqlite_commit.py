"""Group commit for the SQLite store: concurrent writes share one transaction.

Committing a SQLite transaction costs more than the statement it commits (the log
frames, their checksums, the write to the file and the shared-memory locks). When many
rooms are busy at once, their writes arrive within one pass of the event loop;
:class:`GroupCommit` then runs them in a single transaction and lets each caller go
only once that transaction is committed, so a write is exactly as durable on return
as it was on its own.

Waiting for the loop's next pass costs a lone writer more than it saves, so writes run
at once while the store sees no concurrency; every ``PROBE_EVERY`` lone write waits
for company, and writes keep waiting as long as they find some.

When another process holds the database, a group is tried again whole after a pause,
and the writes made meanwhile join it: one transaction instead of one per write, so
the processes hand the write lock back and forth less often, and each commit costs the
others their page cache once, not once per write. Writes that join a waiting group
share its deadline (the store's ``busy_timeout``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, Protocol

from roomkit.store._sql.batch import settle
from roomkit.store._sql.driver import Row

__all__ = ["PROBE_EVERY", "Backoff", "GroupCommit", "GroupRun", "Pending"]

PROBE_EVERY = 8
"""Lone writes between two that wait to see whether others come along."""

Pending = tuple[str, tuple[Any, ...], "asyncio.Future[list[Row]]"]
"""A write waiting for its group: statement, arguments, and the caller's future."""


GroupRun = bool | Exception
"""How a group went: ``True`` committed (its writes settled); ``False`` to be run one
write at a time; an exception: refused because the database is busy, nothing done."""


class Backoff(Protocol):
    """Paces the retries of a refused write."""

    async def pause(self, refused: Exception) -> None:
        """Wait before the next try, or raise ``refused`` when out of time."""


class Committer(Protocol):
    """What runs the writes: one alone, or a group in one transaction."""

    async def run_alone(self, sql: str, args: tuple[Any, ...]) -> list[Row]:
        """Run one write in its own transaction and return its rows."""

    def write_now(self, sql: str, args: tuple[Any, ...]) -> list[Row] | Exception | None:
        """Try one write at once: its rows, a busy refusal, or ``None`` if it cannot now."""

    def run_group(self, group: list[Pending]) -> GroupRun:
        """Run the writes in one transaction and settle them (see :data:`GroupRun`)."""

    def backoff(self) -> Backoff:
        """A fresh pacing for the retries of a group refused as busy."""


class GroupCommit:
    """Gathers the writes made during one loop pass and commits them together."""

    def __init__(self, committer: Committer) -> None:
        """Commit the gathered writes with ``committer``."""
        self._committer = committer
        self._pending: list[Pending] = []
        self._grouped = False
        self._waiting = False  # a group refused as busy waits to be tried again
        self._alone = 0
        self._fallbacks: set[asyncio.Task[None]] = set()

    async def write(self, sql: str, args: tuple[Any, ...]) -> list[Row]:
        """Run a write, alone or with the others made meanwhile; return its rows.

        It waits for the loop's next pass (or a waiting group) when others are writing,
        and every ``PROBE_EVERY``-th lone write, to find out whether they are.
        """
        if not (self._pending or self._grouped or self._waiting):
            self._alone += 1
            if self._alone < PROBE_EVERY:
                return await self._alone_or_waiting(sql, args)
            self._alone = 0
        loop = asyncio.get_running_loop()
        future: asyncio.Future[list[Row]] = loop.create_future()
        if not self._pending and not self._waiting:
            loop.call_soon(self._flush)
        self._pending.append((sql, args, future))
        return await future

    async def _alone_or_waiting(self, sql: str, args: tuple[Any, ...]) -> list[Row]:
        """Run a lone write now; if the database is busy, wait as a group of one."""
        outcome = self._committer.write_now(sql, args)
        if outcome is None:  # a transaction holds the connection: wait for it
            return await self._committer.run_alone(sql, args)
        if not isinstance(outcome, Exception):
            return outcome
        future: asyncio.Future[list[Row]] = asyncio.get_running_loop().create_future()
        self._waiting = True  # writes made meanwhile join this one
        self._in_background(self._retry([(sql, args, future)], outcome))
        return await future

    def _flush(self) -> None:
        """Commit the writes gathered so far (one by one if a group cannot run now)."""
        group, self._pending = self._pending, []
        self._grouped = len(group) > 1
        outcome = self._committer.run_group(group)
        if outcome is True:
            return
        if outcome is False:
            self._in_background(self._one_by_one(group))
            return
        self._waiting = True
        self._in_background(self._retry(group, outcome))

    def _in_background(self, work: Coroutine[Any, Any, None]) -> None:
        """Run ``work`` as a task kept until it ends."""
        task = asyncio.get_running_loop().create_task(work)
        self._fallbacks.add(task)
        task.add_done_callback(self._fallbacks.discard)

    async def _retry(self, group: list[Pending], refused: Exception) -> None:
        """Try a group refused as busy again, with the writes made meanwhile."""
        backoff = self._committer.backoff()
        try:
            while True:
                try:
                    await backoff.pause(refused)
                except Exception as exc:  # out of time (or not a refusal to wait on)
                    for _, _, future in group:
                        settle(future, exc)
                    return
                group += self._pending
                self._pending = []
                outcome = self._committer.run_group(group)
                if outcome is True:
                    return
                if outcome is False:
                    await self._one_by_one(group)
                    return
                refused = outcome
        except asyncio.CancelledError:
            for _, _, future in group:
                future.cancel()
            raise
        finally:
            self._waiting = False
            if self._pending:  # made after the last try: they start a group of their own
                asyncio.get_running_loop().call_soon(self._flush)

    async def _one_by_one(self, group: list[Pending]) -> None:
        """Run each write of a group that could not run together on its own."""
        try:
            for sql, args, future in group:
                try:
                    settle(future, await self._committer.run_alone(sql, args))
                except Exception as exc:
                    settle(future, exc)
        except asyncio.CancelledError:
            for _, _, future in group:
                future.cancel()
            raise
