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
"""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

from roomkit.store._sql.batch import settle
from roomkit.store._sql.driver import Row

__all__ = ["PROBE_EVERY", "GroupCommit", "Pending"]

PROBE_EVERY = 8
"""Lone writes between two that wait to see whether others come along."""

Pending = tuple[str, tuple[Any, ...], "asyncio.Future[list[Row]]"]
"""A write waiting for its group: statement, arguments, and the caller's future."""


class Committer(Protocol):
    """What runs the writes: one alone, or a group in one transaction."""

    async def run_alone(self, sql: str, args: tuple[Any, ...]) -> list[Row]:
        """Run one write in its own transaction and return its rows."""

    def run_group(self, group: list[Pending]) -> bool:
        """Run the writes in one transaction and settle them; False if it cannot now."""


class GroupCommit:
    """Gathers the writes made during one loop pass and commits them together."""

    def __init__(self, committer: Committer) -> None:
        """Commit the gathered writes with ``committer``."""
        self._committer = committer
        self._pending: list[Pending] = []
        self._grouped = False
        self._alone = 0
        self._fallbacks: set[asyncio.Task[None]] = set()

    async def write(self, sql: str, args: tuple[Any, ...]) -> list[Row]:
        """Run a write, alone or with the others made meanwhile; return its rows."""
        if not self._wait_for_company():
            return await self._committer.run_alone(sql, args)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[list[Row]] = loop.create_future()
        if not self._pending:
            loop.call_soon(self._flush)
        self._pending.append((sql, args, future))
        return await future

    def _wait_for_company(self) -> bool:
        """Whether this write should wait for the loop's next pass."""
        if self._pending or self._grouped:
            return True
        self._alone += 1
        if self._alone < PROBE_EVERY:
            return False
        self._alone = 0
        return True

    def _flush(self) -> None:
        """Commit the writes gathered so far (one by one if a group cannot run now)."""
        group, self._pending = self._pending, []
        self._grouped = len(group) > 1
        if self._committer.run_group(group):
            return
        task = asyncio.get_running_loop().create_task(self._one_by_one(group))
        self._fallbacks.add(task)
        task.add_done_callback(self._fallbacks.discard)

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
