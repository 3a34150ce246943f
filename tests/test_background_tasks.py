"""BackgroundTasks: the fire-and-forget helper the voice channels share."""

from __future__ import annotations

import asyncio
import logging

import pytest

from roomkit._concurrency import BackgroundTasks

LOG = logging.getLogger("roomkit.tests.background")


async def test_wait_covers_tasks_spawned_while_waiting() -> None:
    tasks = BackgroundTasks(LOG, "test")
    order: list[str] = []

    async def second() -> None:
        await asyncio.sleep(0)
        order.append("second")

    async def first() -> None:
        await asyncio.sleep(0)
        order.append("first")
        tasks.spawn(second())

    tasks.spawn(first())
    await asyncio.wait_for(tasks.wait(), 5)
    assert order == ["first", "second"]


async def test_wait_returns_when_every_task_already_finished() -> None:
    tasks = BackgroundTasks(LOG, "test")
    signalled = asyncio.Event()

    async def signal_then_end() -> None:
        signalled.set()  # wakes the test before this task's done-callbacks run

    tasks.spawn(signal_then_end())
    await signalled.wait()
    await asyncio.wait_for(tasks.wait(), 5)  # must not spin on the finished task


async def test_a_failing_task_is_logged_with_its_label(caplog: pytest.LogCaptureFixture) -> None:
    tasks = BackgroundTasks(LOG, "voice channel 'v'")

    async def broken() -> None:
        raise RuntimeError("boom")

    with caplog.at_level(logging.ERROR, logger=LOG.name):
        tasks.spawn(broken())
        await tasks.wait()
        await asyncio.sleep(0)  # let the done-callback log
    assert "voice channel 'v' background task failed" in caplog.text
    assert "boom" in caplog.text


async def test_cancel_stops_running_tasks() -> None:
    tasks = BackgroundTasks(LOG, "test")
    forever = tasks.spawn(asyncio.sleep(3600))
    await asyncio.sleep(0)
    await tasks.cancel()
    assert forever.cancelled()
