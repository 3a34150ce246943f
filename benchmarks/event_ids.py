"""What the form of event ids costs a large SQL store: random or time-ordered UUIDs.

Each store keeps a unique index on event ids. With random (version 4) ids every new
event lands on a random page of that index, so the pages a commit writes grow with the
store; with time-ordered (version 7) ids, what ``new_id`` makes, new ids join the index
at its right edge whatever its size.

Each run fills 100 rooms of a fresh store with ``--events-per-room`` events (1 million
in all by default) whose ids have the form under test, then times 6,400 events written
as the pipeline writes them (``add_event``, then ``update_event`` with the delivery
results), 32 at a time, with new ids of the same form. It reports the wall time and the
process's CPU time per event, and on SQLite the 512-byte blocks the process wrote per
event (the log and the checkpoints: ``getrusage``, Linux; PostgreSQL's writes are the
server's), median of ``--repeats`` runs of each form, run in turn. Run with
``uv run python benchmarks/event_ids.py [--store postgres]``.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import time
import uuid
from collections.abc import Callable

import inbound  # the benchmark script beside this one: its store set-up
from _bulk import fill

from roomkit.models import ChannelType, EventSource, Room, RoomEvent, TextContent
from roomkit.models._util import new_id

ROOMS = 100
WRITERS = 32
EVENTS_PER_WRITER = 200
FORMS: dict[str, Callable[[], str]] = {"random": lambda: uuid.uuid4().hex, "ordered": new_id}


async def _run(form: str, events_per_room: int) -> tuple[float, float, float]:
    """Time the writes once on a fresh store; return µs wall, µs CPU, blocks per event."""
    make_id = FORMS[form]
    async with inbound._fresh_store() as store:
        rooms = [f"room-{i}" for i in range(ROOMS)]
        for room_id in rooms:
            await store.create_room(Room(id=room_id))
        await fill(store, rooms, events_per_room, random_ids=form == "random")
        source = EventSource(channel_id="ws", channel_type=ChannelType.WEBSOCKET)
        content = TextContent(body="Where is my order?")

        async def writer(number: int) -> None:
            for k in range(EVENTS_PER_WRITER):
                room_id = rooms[(number * EVENTS_PER_WRITER + k) % ROOMS]
                event = RoomEvent(id=make_id(), room_id=room_id, source=source, content=content)
                await store.update_event(await store.add_event(event))

        before = resource.getrusage(resource.RUSAGE_SELF)
        start = time.perf_counter()
        await asyncio.gather(*(writer(number) for number in range(WRITERS)))
        elapsed = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_SELF)
        await store.close()
    events = WRITERS * EVENTS_PER_WRITER
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    blocks = after.ru_oublock - before.ru_oublock
    return elapsed / events * 1e6, cpu / events * 1e6, blocks / events


async def main() -> None:
    """Measure both id forms in turn and print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--events-per-room", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    inbound.STORE = args.store
    found: dict[str, list[tuple[float, float, float]]] = {form: [] for form in FORMS}
    for _ in range(args.repeats):
        for form, runs in found.items():
            runs.append(await _run(form, args.events_per_room))
    total = ROOMS * args.events_per_room
    print(f"store: {args.store}, {total:,} events filled; {WRITERS} writers, median of runs")
    for form, runs in found.items():
        wall, cpu, blocks = (statistics.median(run[i] for run in runs) for i in range(3))
        written = f", {blocks:5.1f} blocks written/event" if args.store == "sqlite" else ""
        print(f"{form:>8} ids: {wall:6.1f} µs/event, CPU {cpu:6.1f} µs/event{written}")


if __name__ == "__main__":
    asyncio.run(main())
