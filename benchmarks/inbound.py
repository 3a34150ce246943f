"""Inbound pipeline throughput and its independence from the store's size.

Scenario (issue "Foundation"): 100 rooms, each with two WebSocket channels (one with a
live connection) and an AIChannel on MockAIProvider; one sync BEFORE_BROADCAST hook and
one async AFTER_BROADCAST hook; 3,000 inbound text messages sent round-robin over the
rooms. Every message is answered by the AI, so each inbound message stores and
broadcasts two events.

It runs the scenario twice: with the rooms holding ~1 thousand events in all, then with
~1 million (10,000 per room), and reports messages per second for both. It also times
reading the newest 50-event page of a room holding 1 million events.

Before the timed messages each room gets one message of its own, timed apart: a room's
first message loads its newest events from the store into the in-process history that
the pipeline and the AI read (up to 50 events: 10 in the small store, 50 in the big one),
a cost paid once per room and process, not per message. The 3,000 timed messages then
measure the steady state; ``--cold`` times them without that first round, as earlier
versions of this script did.

The mock AI keeps no record of its calls here (``record_calls=False``): in a test suite
that record is what users assert on, in a 3,000-message run it would only measure the
garbage collector walking 3,000 retained contexts.

Targets: >= 10,000 msg/s; the two per-message costs within 20 % of each other; the page
read under 100 µs. Run with ``make bench`` (or ``uv run python benchmarks/inbound.py``).

``--store sqlite`` (a new file in a temporary directory per run) and ``--store postgres``
(a new schema per run at ``--dsn``, dropped afterwards) measure the persistent stores;
their targets are >= 2,000 and >= 1,000 msg/s, with the same flatness. Their rooms are
filled in the setup by one bulk ``INSERT`` per room (``_bulk.py``), as ``add_event``
would leave them, rather than through the pipeline. A durable commit waits for the
disk (PostgreSQL) or at least for the log write (SQLite), so one message at a time
measures commit latency; ``--concurrency 32`` keeps several rooms busy at once, as
several workers would, and lets concurrent writes share commits. ``--workers N`` runs
the scenario in N processes sharing the SQL store (``_workers.py``), the rooms dealt
between them; ``--locks redis`` (the default) takes room locks in Redis, so any process
could serve any room, ``--locks process`` keeps each process's own in-memory locks, the
deployment where a front router sends each room's traffic to one process.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import platform
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from _bulk import fill as bulk_fill  # the benchmarks' own helper, beside this script

from roomkit import (
    AIChannel,
    ChannelCategory,
    HookExecution,
    HookResult,
    HookTrigger,
    InboundMessage,
    InMemoryStore,
    MockAIProvider,
    RoomContext,
    RoomEvent,
    RoomKit,
    RoomLockManager,
    TextContent,
    WebSocketChannel,
)
from roomkit.store import ConversationStore

ROOMS = 100
MESSAGES = 3_000
PAUSE_GC = False
GC_THRESHOLD = 0  # the collector's first threshold while timing; 0: as the process has it
STORE = "memory"
CONCURRENCY = 1
WORKERS = 1
LOCKS = "redis"
WARM = True
DSN = os.environ.get("ROOMKIT_BENCH_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test")
TARGETS = {"memory": 10_000, "sqlite": 2_000, "postgres": 1_000}
"""Messages per second each store should sustain."""


@asynccontextmanager
async def _fresh_location() -> AsyncIterator[str]:
    """Where a new, empty SQL store lives (a schema or a file), removed afterwards."""
    if STORE == "sqlite":
        with tempfile.TemporaryDirectory() as directory:
            yield os.path.join(directory, "bench.db")
        return
    import asyncpg

    schema = f"roomkit_bench_{uuid.uuid4().hex[:8]}"
    try:
        yield schema
    finally:
        conn = await asyncpg.connect(DSN)
        await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await conn.close()


def open_store(location: str) -> ConversationStore:
    """The store of the kind chosen with ``--store`` at ``location`` (see above)."""
    if STORE == "sqlite":
        from roomkit.store.sqlite import SQLiteStore

        # A worker's setup may wait for another's bulk fill (seconds in one transaction).
        return SQLiteStore(location, busy_timeout=600.0)
    from roomkit.store.postgres import PostgresStore

    return PostgresStore(DSN, schema=location, max_pool_size=16)


@asynccontextmanager
async def _fresh_store() -> AsyncIterator[ConversationStore]:
    """A new, empty store of the kind chosen with ``--store``, removed afterwards."""
    if STORE == "memory":
        yield InMemoryStore()
        return
    async with _fresh_location() as location:
        yield open_store(location)


async def build(
    store: ConversationStore,
    events_per_room: int,
    rooms: Sequence[int] = range(ROOMS),
    lock_manager: RoomLockManager | None = None,
) -> tuple[RoomKit, list[InboundMessage], list[int]]:
    """Set up the scenario's ``rooms`` (all by default); return the kit and their messages."""
    kit = RoomKit(store=store, lock_manager=lock_manager)
    delivered = [0]

    async def browser(_connection_id: str, _event: RoomEvent) -> None:
        delivered[0] += 1

    @kit.hook(HookTrigger.BEFORE_BROADCAST, name="length_guard")
    async def length_guard(event: RoomEvent, _ctx: RoomContext) -> HookResult:
        body = getattr(event.content, "body", "")
        return HookResult.block("too long") if len(body) > 2000 else HookResult.allow()

    processed = [0]

    @kit.hook(HookTrigger.AFTER_BROADCAST, execution=HookExecution.ASYNC, name="counter")
    async def counter(_event: RoomEvent, _ctx: RoomContext) -> None:
        processed[0] += 1

    messages: list[InboundMessage] = []
    for i in rooms:
        live, idle, bot = f"ws-live-{i}", f"ws-idle-{i}", f"ai-{i}"
        kit.register_channel(WebSocketChannel(live))
        kit.register_channel(WebSocketChannel(idle))
        provider = MockAIProvider(["Noted, thanks!"], record_calls=False)
        kit.register_channel(AIChannel(bot, provider=provider))
        room = await kit.create_room(room_id=f"room-{i}")
        for channel_id in (live, idle):
            await kit.attach_channel(room.id, channel_id)
        await kit.attach_channel(room.id, bot, category=ChannelCategory.INTELLIGENCE)
        await kit.connect_websocket(live, f"conn-{i}", browser)
    await bulk_fill(kit.store, [f"room-{i}" for i in rooms], events_per_room)
    chosen = set(rooms)
    for n in range(MESSAGES):
        i = n % ROOMS
        if i not in chosen:
            continue
        messages.append(_message(i, f"message {n} for room {i}"))
    return kit, messages, delivered


@asynccontextmanager
async def warm_scenario(
    store_kind: str, events_per_room: int, concurrency: int
) -> AsyncIterator[tuple[RoomKit, list[InboundMessage], list[int]]]:
    """The scenario on a fresh store of ``store_kind``, every room's first message sent
    and the collector run, as the timed part of a run starts; the kit closed after."""
    global STORE
    STORE = store_kind
    async with _fresh_store() as store:
        kit, messages, delivered = await build(store, events_per_room)
        await first_messages(kit, range(ROOMS), delivered, concurrency)
        gc.collect()
        try:
            yield kit, messages, delivered
        finally:
            await kit.close()


def _message(room: int, body: str) -> InboundMessage:
    """A text message from room ``room``'s user, through its live WebSocket channel."""
    return InboundMessage(
        channel_id=f"ws-live-{room}", sender_id=f"user-{room}", content=TextContent(body=body)
    )


async def first_messages(
    kit: RoomKit, rooms: Sequence[int], delivered: list[int], concurrency: int
) -> float:
    """Send each of ``rooms`` one message; return the seconds it took (see above)."""
    firsts = [_message(i, f"hello, room {i}") for i in rooms]
    start = time.perf_counter()
    await send_all(kit, firsts, concurrency)
    elapsed = time.perf_counter() - start
    assert delivered[0] == len(firsts), "every AI reply must reach the live connection"
    delivered[0] = 0
    return elapsed


async def send_all(kit: RoomKit, messages: list[InboundMessage], concurrency: int) -> None:
    """Process the messages in order, up to ``concurrency`` of them at a time.

    ``concurrency`` senders take the next message as each finishes its last, as that many
    request handlers of a server would; no task waits in line for its turn.
    """
    pending = iter(messages)

    async def sender() -> None:
        for message in pending:
            await kit.process_inbound(message)

    if concurrency == 1:
        await sender()
        return
    await asyncio.gather(*(sender() for _ in range(min(concurrency, len(messages)))))


async def _run_once(events_per_room: int) -> tuple[float, float]:
    """Run the scenario once on a fresh store.

    Return the timed messages per second and the µs per room's first message (0 with
    ``--cold``).
    """
    if WORKERS > 1:
        from _workers import prepare, run_workers

        async with _fresh_location() as location:
            await prepare(STORE, DSN, location)
            return await asyncio.to_thread(
                run_workers,
                STORE,
                DSN,
                location,
                WORKERS,
                events_per_room,
                CONCURRENCY,
                LOCKS == "redis",
                WARM,
            )
    async with _fresh_store() as store:
        kit, messages, delivered = await build(store, events_per_room)
        first = 0.0
        if WARM:
            first = await first_messages(kit, range(ROOMS), delivered, CONCURRENCY) / ROOMS
        gc.collect()
        thresholds = gc.get_threshold()
        if PAUSE_GC:
            gc.disable()
        elif GC_THRESHOLD:
            gc.set_threshold(GC_THRESHOLD, *thresholds[1:])
        start = time.perf_counter()
        await send_all(kit, messages, CONCURRENCY)
        elapsed = time.perf_counter() - start
        gc.enable()
        gc.set_threshold(*thresholds)
        assert delivered[0] == MESSAGES, "every AI reply must reach the live connection"
        await kit.close()
    return MESSAGES / elapsed, first * 1e6


async def _throughputs(sizes: list[int], repeats: int) -> list[tuple[float, float]]:
    """Return, for each store size, the best messages/second over ``repeats`` rounds
    and the median µs of a room's first message.

    Each round runs every size once, in turn, so a slow spell of the machine (a
    shared VM's speed drifts by tens of percent over minutes) lands on all sizes
    alike instead of on whichever size happened to run during it.
    """
    runs: list[list[tuple[float, float]]] = [[] for _ in sizes]
    for _ in range(repeats):
        for size, found in zip(sizes, runs, strict=True):
            found.append(await _run_once(size))
    return [
        (max(rate for rate, _ in found), statistics.median(first for _, first in found))
        for found in runs
    ]


async def _page_read(total: int) -> float:
    """Return the median µs to read the newest 50-event page of a ``total``-event room."""
    async with _fresh_store() as store:
        kit = RoomKit(store=store)
        room = await kit.create_room(room_id="big")
        await bulk_fill(kit.store, [room.id], total)
        count = await kit.store.get_event_count(room.id)
        samples = []
        for _ in range(2_000):
            start = time.perf_counter()
            page = await kit.get_timeline(room.id, offset=count - 50, limit=50)
            samples.append(time.perf_counter() - start)
        assert len(page) == 50 and page[-1].index == count - 1
        await kit.close()
    return statistics.median(samples) * 1e6


def add_stores_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--store``, repeatable, for the scripts that measure several stores in turn."""
    parser.add_argument(
        "--store",
        action="append",
        choices=sorted(TARGETS),
        help="store to measure (repeat for several; default: memory and sqlite)",
    )


async def main() -> None:
    """Run every measurement and print the figures."""
    global PAUSE_GC, GC_THRESHOLD, STORE, DSN, CONCURRENCY, WORKERS, LOCKS, WARM
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", choices=sorted(TARGETS), default="memory")
    parser.add_argument("--dsn", default=DSN, help="PostgreSQL server for --store postgres")
    parser.add_argument(
        "--concurrency", type=int, default=1, help="messages in flight at once (rooms differ)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="processes sharing the SQL store, with room locks in Redis (see _workers.py)",
    )
    parser.add_argument(
        "--locks",
        choices=("redis", "process"),
        default="redis",
        help="with --workers: room locks in Redis (shared rooms) or in each process "
        "(rooms partitioned between the processes)",
    )
    parser.add_argument(
        "--cold",
        action="store_true",
        help="no first message per room before timing: each room's first message, which "
        "loads its history, is among the timed ones",
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--big", type=int, default=1_000_000, help="events in the large store")
    parser.add_argument(
        "--no-gc", action="store_true", help="pause the garbage collector while timing"
    )
    parser.add_argument(
        "--gc-threshold",
        type=int,
        default=0,
        metavar="N",
        help="while timing, collect the youngest generation every N allocations, as an "
        "application may set it (gc.set_threshold; CPython 3.12's default is 700)",
    )
    args = parser.parse_args()
    PAUSE_GC, GC_THRESHOLD, STORE, DSN = args.no_gc, args.gc_threshold, args.store, args.dsn
    if (PAUSE_GC or GC_THRESHOLD) and args.workers > 1:
        parser.error("--no-gc and --gc-threshold apply to one process only")
    CONCURRENCY, WORKERS = max(1, args.concurrency), max(1, args.workers)
    LOCKS, WARM = args.locks, not args.cold
    if WORKERS > 1 and STORE == "memory":
        parser.error("--workers needs a store the processes can share (sqlite or postgres)")
    gc_note = "garbage collector paused while timing" if PAUSE_GC else "garbage collector on"
    if GC_THRESHOLD and not PAUSE_GC:
        gc_note += f", youngest generation collected every {GC_THRESHOLD:,} allocations"
    print(f"python {platform.python_version()} on {platform.machine()}; {gc_note}")
    print(f"store: {STORE}; {CONCURRENCY} message(s) in flight in each of {WORKERS} process(es)")
    if WORKERS > 1:
        where = "in Redis" if LOCKS == "redis" else "in each process (rooms partitioned)"
        print(f"room locks: {where}")
    timed = "after each room's first message" if WARM else "each room's first message included"
    print(f"timed: {MESSAGES:,} messages, {timed}")
    (small, small_first), (big, big_first) = await _throughputs(
        [10, args.big // ROOMS], args.repeats
    )
    page = await _page_read(args.big)
    drift = abs(small - big) / small * 100
    sizes = ((f"~{ROOMS * 10:,}", small, small_first), (f"~{args.big:,}", big, big_first))
    for label, rate, first in sizes:
        print(f"inbound, store {label:>11} events: {rate:8,.0f} msg/s ({1e6 / rate:.1f} µs/msg)")
        if WARM:
            print(f"  a room's first message, loading its history: {first:,.0f} µs")
    print(f"per-message cost difference: {drift:.1f} % (target <= 20 %)")
    page_goal = " (target < 100 µs)" if STORE == "memory" else ""
    print(f"newest 50-event page of a {args.big:,}-event room: {page:.1f} µs{page_goal}")
    target = TARGETS[STORE]
    print(f"throughput target for the {STORE} store: >= {target:,} msg/s")
    page_ok = page < 100 or STORE != "memory"
    verdict = small >= target and big >= target and drift <= 20 and page_ok
    print("targets met" if verdict else "targets NOT met")


if __name__ == "__main__":
    asyncio.run(main())
