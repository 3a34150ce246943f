"""Running a handful of coroutines concurrently without paying for the scheduler.

``asyncio.gather`` schedules every coroutine on the loop even when it would finish
without ever waiting (an in-memory delivery, a mock provider). Eager tasks (Python 3.12)
run each coroutine synchronously up to its first real suspension, so fan-outs whose
members complete immediately cost a few microseconds instead of tens, while members
that do wait still run concurrently exactly as with ``gather``.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Coroutine, Sequence
from typing import Any, cast

__all__ = ["call_with_timeout", "run_concurrently"]


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
        if inspect.iscoroutine(coro)
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
    if inspect.iscoroutine(awaitable):
        coro = cast(Coroutine[Any, Any, T], awaitable)
        task = asyncio.Task(coro, loop=asyncio.get_running_loop(), eager_start=True)
        if task.done():
            return task.result()
        return await asyncio.wait_for(task, timeout)
    return await asyncio.wait_for(awaitable, timeout)
