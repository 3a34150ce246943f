"""Run the inbound scenario in several worker processes sharing one SQL store.

This is how a persistent store is scaled out on one machine: N processes, each with
its own ``RoomKit``, writing to the same database. The scenario's rooms and messages
are dealt round-robin to the workers. Two deployments are measured: room locks in Redis
(``RedisLockManager``), so any process could serve any room, or each process's own
in-memory locks, which is enough when a router in front sends all of a room's traffic
to one process (the store keeps indexes gap-free and keys unique either way). Each
worker sets up its rooms and waits for the others at a barrier; then it sends each room
its first message (unless cold), waits at the barrier again, sends its messages and
reports when it started and finished. The
figure is all messages over the span from the first start to the last finish
(``time.monotonic`` is the same clock in every process).
"""

from __future__ import annotations

import asyncio
import gc
import multiprocessing
import os
import time
import uuid
from multiprocessing.synchronize import Barrier
from queue import Queue
from typing import Any

import inbound  # the benchmark script beside this one: its scenario and store choice

from roomkit.scale.locks import RedisLockManager

__all__ = ["prepare", "run_workers"]

REDIS_URL = os.environ.get("ROOMKIT_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")


async def prepare(store_kind: str, dsn: str, location: str) -> None:
    """Create the store's schema once, before the workers open it together."""
    inbound.STORE, inbound.DSN = store_kind, dsn
    store = inbound.open_store(location)
    await store.get_room("schema-check")
    await store.close()


def run_workers(
    store: str,
    dsn: str,
    location: str,
    workers: int,
    events_per_room: int,
    concurrency: int,
    redis_locks: bool = True,
    warm: bool = True,
) -> tuple[float, float]:
    """Run the scenario over ``workers`` processes.

    Return messages per second overall and the mean µs of a room's first message (sent
    before the timed ones when ``warm``, else 0).
    """
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(workers)
    results: Queue[tuple[float, float, int, float]] = context.Queue()  # type: ignore[assignment]
    prefix = f"roomkit-bench-{uuid.uuid4().hex[:8]}:lock:"
    processes = [
        context.Process(
            target=_worker,
            args=(
                {
                    "store": store,
                    "dsn": dsn,
                    "location": location,
                    "rooms": list(range(number, inbound.ROOMS, workers)),
                    "events_per_room": events_per_room,
                    "concurrency": concurrency,
                    "prefix": prefix if redis_locks else None,
                    "warm": warm,
                },
                barrier,
                results,
            ),
        )
        for number in range(workers)
    ]
    for process in processes:
        process.start()
    reports = [results.get(timeout=3600) for _ in processes]
    for process in processes:
        process.join()
        if process.exitcode != 0:
            raise RuntimeError(f"a benchmark worker failed (exit code {process.exitcode})")
    started = min(start for start, _, _, _ in reports)
    finished = max(end for _, end, _, _ in reports)
    first = sum(first for _, _, _, first in reports) / len(reports)
    return sum(count for _, _, count, _ in reports) / (finished - started), first


def _worker(config: dict[str, Any], barrier: Barrier, results: Queue[Any]) -> None:
    inbound.STORE, inbound.DSN = config["store"], config["dsn"]
    asyncio.run(_work(config, barrier, results))


async def _work(config: dict[str, Any], barrier: Barrier, results: Queue[Any]) -> None:
    store = inbound.open_store(config["location"])
    prefix = config["prefix"]
    locks = None if prefix is None else RedisLockManager(REDIS_URL, prefix=prefix)
    kit, messages, delivered = await inbound.build(
        store, config["events_per_room"], config["rooms"], locks
    )
    # Set-ups overlap (a bulk fill holds the database for seconds): every worker's is
    # over before any first message is timed.
    await asyncio.to_thread(barrier.wait)
    first = 0.0
    if config["warm"]:
        rooms = config["rooms"]
        seconds = await inbound.first_messages(kit, rooms, delivered, config["concurrency"])
        first = seconds / len(rooms) * 1e6
    gc.collect()
    await asyncio.to_thread(barrier.wait)
    start = time.monotonic()
    await inbound.send_all(kit, messages, config["concurrency"])
    end = time.monotonic()
    assert delivered[0] == len(messages), "every AI reply must reach the live connection"
    await kit.close()
    results.put((start, end, len(messages), first))
