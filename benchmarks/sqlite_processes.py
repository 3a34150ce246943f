"""Two processes writing to one SQLite file: what the store's writes cost them.

Where one process serves each room but several share the file (``--workers 2 --locks
process`` in ``inbound.py``), every commit by one process empties the page cache of the
others, and a write finding the database held by another process waits. This times the
store alone, without the pipeline around it, so changes to how writes are grouped,
retried and checkpointed show above the machine's noise.

100 rooms are filled with ``--small`` events each (1,000 in all by default) and, in
another file, ``--events-per-room`` (1 million in all), once; each run copies the filled
file, waits for the copy to reach the disk, and starts two processes on it, each with
32 writers on its half of the rooms. Each writer does what the pipeline does per stored
event, ``--per-writer`` times: read the room, ``add_event``, then ``update_event`` with
delivery results. Reported: such writes per second over both processes, and both
processes' CPU time per write, median of ``--repeats`` runs; the sizes run in turn.
Run with ``uv run python benchmarks/sqlite_processes.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import resource
import shutil
import statistics
import tempfile
import time
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier

from _bulk import fill  # the benchmarks' own helper, beside this script

from roomkit.models import ChannelType, EventSource, Room, RoomEvent, TextContent
from roomkit.models._util import replace
from roomkit.store.sqlite import SQLiteStore

ROOMS = 100
PROCESSES = 2
WRITERS = 32


async def _make(path: str, events_per_room: int) -> None:
    """Create the rooms in a new file and fill them."""
    store = SQLiteStore(path)
    rooms = [f"room-{i}" for i in range(ROOMS)]
    for room_id in rooms:
        await store.create_room(Room(id=room_id))
    await fill(store, rooms, events_per_room)
    await store.close()


async def _write(path: str, part: int, per_writer: int, barrier: Barrier) -> tuple[float, ...]:
    """One process's share: its writers' start and end times and its CPU seconds."""
    store = await SQLiteStore.connect(path, busy_timeout=60.0)
    rooms = [f"room-{i}" for i in range(part, ROOMS, PROCESSES)]
    source = EventSource(channel_id="ws", channel_type=ChannelType.WEBSOCKET)
    content = TextContent(body="Where is my order?")
    results = {"ws": {"status": "delivered"}}

    async def writer(number: int) -> None:
        for k in range(per_writer):
            room_id = rooms[(number * per_writer + k) % len(rooms)]
            await store.get_room(room_id)
            event = RoomEvent(room_id=room_id, source=source, content=content)
            event = await store.add_event(event)
            await store.update_event(replace(event, delivery_results=results))

    await asyncio.to_thread(barrier.wait)
    before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    await asyncio.gather(*(writer(number) for number in range(WRITERS)))
    end = time.perf_counter()
    after = resource.getrusage(resource.RUSAGE_SELF)
    await store.close()
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return start, end, cpu


def _process(path: str, part: int, per_writer: int, barrier: Barrier, out: Queue[object]) -> None:
    out.put(asyncio.run(_write(path, part, per_writer, barrier)))


def _copy_to_disk(source: str, target: str) -> None:
    """Copy the filled file and wait until the copy is on disk.

    A fresh copy of the million-event file is ~900 MB of dirty pages; left to the
    kernel, writing them back would fall inside the timed run (the store's first
    checkpoint syncs the file, and the kernel throttles the processes' own writes).
    """
    shutil.copyfile(source, target)
    descriptor = os.open(target, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _run(filled: str, directory: str, per_writer: int) -> tuple[float, float]:
    """Copy the filled file, write to it from the processes; writes/s and CPU µs/write."""
    path = os.path.join(directory, "run.db")
    _copy_to_disk(filled, path)
    context = multiprocessing.get_context("spawn")
    barrier, out = context.Barrier(PROCESSES), context.Queue()
    processes = [
        context.Process(target=_process, args=(path, part, per_writer, barrier, out))
        for part in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    found = [out.get() for _ in processes]
    for process in processes:
        process.join()
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    writes = PROCESSES * WRITERS * per_writer
    wall = max(end for _, end, _ in found) - min(start for start, _, _ in found)
    return writes / wall, sum(cpu for _, _, cpu in found) / writes * 1e6


def main() -> None:
    """Fill both files, run each size in turn, print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10, help="events per room, small file")
    parser.add_argument("--events-per-room", type=int, default=10_000)
    parser.add_argument("--per-writer", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    sizes = (args.small, args.events_per_room)
    with tempfile.TemporaryDirectory() as directory:
        filled = {size: os.path.join(directory, f"filled-{size}.db") for size in sizes}
        for size, path in filled.items():
            asyncio.run(_make(path, size))
        runs: dict[int, list[tuple[float, float]]] = {size: [] for size in sizes}
        for _ in range(args.repeats):
            for size in sizes:
                runs[size].append(_run(filled[size], directory, args.per_writer))
    print(f"{PROCESSES} processes x {WRITERS} writers, one SQLite file; median of {args.repeats}")
    for size in sizes:
        rate = statistics.median(rate for rate, _ in runs[size])
        cpu = statistics.median(cpu for _, cpu in runs[size])
        print(
            f"~{size * ROOMS:>9,} events: {rate:7,.0f} writes/s (read room, add, update),"
            f" CPU {cpu:5.1f} µs/write"
        )


if __name__ == "__main__":
    main()
