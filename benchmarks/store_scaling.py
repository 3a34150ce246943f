"""How InMemoryStore costs scale with the size of a room's timeline.

Run with ``python benchmarks/store_scaling.py [--events N]`` (default 1,000,000). The
script fills one room, then compares per-operation costs in a room of 1,000 events with
those in the big room, measured in the same process. Costs that stay flat show the store
does not scan timelines. Absolute figures rise with the size of the process heap (a heap
of several GiB slows allocation for every room alike), so compare the two columns.
Filling a million events takes about 20 seconds and 3.5 GiB of memory.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import time
from collections.abc import Awaitable, Callable, Iterator

from roomkit.models import ChannelType, EventSource, Room, RoomEvent, TextContent
from roomkit.models._clone import clone
from roomkit.store import InMemoryStore

PAGE = 50
INTERNAL_EVERY = 10  # one event in ten is written with visibility="internal"


def _template(room_id: str) -> RoomEvent:
    return RoomEvent(
        room_id=room_id,
        source=EventSource(channel_id="sms-1", channel_type=ChannelType.SMS),
        content=TextContent(body="Hello, I would like to know where my order is."),
        metadata={"locale": "en", "campaign": {"id": "spring"}},
    )


def _events(room_id: str, count: int, start: int = 0) -> Iterator[RoomEvent]:
    """Yield ``count`` events cheaply: shallow copies of one template, new id each."""
    template = _template(room_id)
    internal = template.model_copy(update={"visibility": "internal"})
    for number in range(start, start + count):
        source = internal if number % INTERNAL_EVERY == 0 else template
        yield source.model_copy(update={"id": f"{room_id}-{number}"})


async def _fill(store: InMemoryStore, room_id: str, count: int) -> None:
    """Add ``count`` events to the room."""
    for event in _events(room_id, count):
        await store.add_event(event)


def _per_op_us(total_seconds: float, operations: int) -> float:
    return total_seconds / operations * 1e6


def _settle() -> None:
    """Move every object alive now out of the collector's sight before a timing.

    CPython's cyclic collector rescans objects created since the last freeze, so
    without this a later timing pays for the garbage of earlier ones, whatever the room.
    """
    gc.freeze()


async def _time_calls(call: Callable[[], Awaitable[object]], repeat: int) -> float:
    _settle()
    started = time.perf_counter()
    for _ in range(repeat):
        await call()
    return _per_op_us(time.perf_counter() - started, repeat)


async def _add_cost(store: InMemoryStore, room_id: str, adds: int) -> float:
    """Time ``add_event`` alone: the events to add are built beforehand."""
    events = list(_events(room_id, adds, start=await store.get_event_count(room_id)))
    _settle()
    started = time.perf_counter()
    for event in events:
        await store.add_event(event)
    return _per_op_us(time.perf_counter() - started, adds)


async def _read_costs(store: InMemoryStore, room_id: str, repeat: int) -> dict[str, float]:
    count = await store.get_event_count(room_id)
    internal = (count + INTERNAL_EVERY - 1) // INTERNAL_EVERY
    last_id = f"{room_id}-{count - 1}"
    return {
        "last page (50)": await _time_calls(
            lambda: store.list_events(room_id, offset=count - PAGE, limit=PAGE), repeat
        ),
        "last internal page (50)": await _time_calls(
            lambda: store.list_events(
                room_id, offset=internal - PAGE, limit=PAGE, visibility_filter="internal"
            ),
            repeat,
        ),
        "get_event": await _time_calls(lambda: store.get_event(last_id), repeat * 20),
        "check_idempotency": await _time_calls(
            lambda: store.check_idempotency(room_id, "absent"), repeat * 20
        ),
    }


def _clone_cost(repeat: int = 100_000) -> float:
    event = _template("room")
    _settle()
    started = time.perf_counter()
    for _ in range(repeat):
        clone(event)
    return _per_op_us(time.perf_counter() - started, repeat)


async def main(big: int) -> None:
    """Fill a small and a big room, then print per-operation costs for both."""
    store = InMemoryStore()
    await store.create_room(Room(id="small"))
    await store.create_room(Room(id="big"))
    print(f"clone(RoomEvent): {_clone_cost():.2f} us")

    gc.disable()  # the fill allocates millions of long-lived objects
    started = time.perf_counter()
    await _fill(store, "small", 1_000)
    await _fill(store, "big", big)
    print(f"filled {big:,} events in {time.perf_counter() - started:.1f} s")
    gc.enable()

    adds = 10_000
    small_add = await _add_cost(store, "small", adds)
    big_add = await _add_cost(store, "big", adds)
    print(f"add_event: {small_add:.2f} us/op at ~1k events, {big_add:.2f} us/op at ~{big:,}")

    small_reads = await _read_costs(store, "small", repeat=2_000)
    big_reads = await _read_costs(store, "big", repeat=2_000)
    for name, small_cost in small_reads.items():
        print(f"{name}: {small_cost:.2f} us at ~1k events, {big_reads[name]:.2f} us at ~{big:,}")
    page_clones = PAGE * _clone_cost()
    print(f"  (of a 50-event page, copying out the events alone costs ~{page_clones:.0f} us)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="events in the big room")
    asyncio.run(main(parser.parse_args().events))
