"""Running a handful of coroutines concurrently without paying for the scheduler.

``asyncio.gather`` schedules every coroutine on the loop even when it would finish
without ever waiting (an in-memory delivery, a mock provider). Eager tasks (Python 3.12)
run each coroutine synchronously up to its first real suspension, so fan-outs whose
members complete immediately cost a few microseconds instead of tens, while members
that do wait still run concurrently exactly as with ``gather``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Coroutine, Sequence
from types import CoroutineType
from typing import Any

__all__ = ["BackgroundTasks", "call_with_timeout", "run_concurrently"]


async def run_concurrently[T](
    coros: Sequence[Awaitable[T]],
) -> list[T | BaseException]:
    """Run ``coros`` concurrently; return each result or exception, in order.

    Cancelling the caller cancels every coroutine still running.
    """
    if not coros:
        return []
    if len(coros) == 1:  # nothing to overlap with: no task needed
        try:
            return [await coros[0]]
        except Exception as error:
            return [error]
    loop = asyncio.get_running_loop()
    tasks = [
        asyncio.Task(coro, loop=loop, eager_start=True)
        if isinstance(coro, CoroutineType)
        else asyncio.ensure_future(coro)
        for coro in coros
    ]
    pending = [task for task in tasks if not task.done()]
    if pending:
        try:
            await asyncio.wait(pending)
        except asyncio.CancelledError:
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            raise
    results: list[T | BaseException] = []
    for task in tasks:
        if task.cancelled():
            results.append(asyncio.CancelledError())
        elif (exc := task.exception()) is not None:
            results.append(exc)
        else:
            results.append(task.result())
    return results


async def call_with_timeout[T](awaitable: Awaitable[T], timeout: float) -> T:
    """Await ``awaitable`` for at most ``timeout`` seconds (``TimeoutError`` after that).

    A coroutine that completes without suspending never arms a timer: it is run eagerly
    and its result returned at once. Cancelling the caller cancels the work.
    """
    if isinstance(awaitable, CoroutineType):
        task: asyncio.Task[T] = asyncio.Task(
            awaitable, loop=asyncio.get_running_loop(), eager_start=True
        )
        if task.done():
            return task.result()
        return await asyncio.wait_for(task, timeout)
    return await asyncio.wait_for(awaitable, timeout)


class BackgroundTasks:
    """Fire-and-forget work of one component: kept referenced, failures logged.

    ``spawn`` starts a task and holds it until it ends; a task that fails is logged on
    ``logger`` with ``label`` (nobody awaits it). ``wait`` waits until no task is
    running, including tasks spawned meanwhile; ``cancel`` cancels and awaits them all.
    """

    def __init__(self, logger: logging.Logger, label: str) -> None:
        self._logger = logger
        self._label = label
        self._tasks: set[asyncio.Task[None]] = set()

    def spawn(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        """Run ``work`` as a task of this group; return the task."""
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            self._logger.error("%s background task failed", self._label, exc_info=task.exception())

    async def wait(self) -> None:
        """Wait until none of the group's tasks is running (tasks spawned meanwhile too)."""
        while True:
            # A finished task stays in the set until its done-callback runs; waiting on
            # finished ones only would complete eagerly and never let that callback run.
            running = [task for task in self._tasks if not task.done()]
            if not running:
                return
            await asyncio.wait(running)

    async def cancel(self) -> None:
        """Cancel every running task and wait for them to finish."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
