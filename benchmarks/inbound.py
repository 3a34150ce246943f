"""Inbound pipeline throughput and its independence from the store's size.

Scenario (issue "Foundation"): 100 rooms, each with two WebSocket channels (one with a
live connection) and an AIChannel on MockAIProvider; one sync BEFORE_BROADCAST hook and
one async AFTER_BROADCAST hook; 3,000 inbound text messages sent round-robin over the
rooms. Every message is answered by the AI, so each inbound message stores and
broadcasts two events.

It runs the scenario twice: with the rooms holding ~1 thousand events in all, then with
~1 million (10,000 per room), and reports messages per second for both. It also times
reading the newest 50-event page of a room holding 1 million events.

The mock AI keeps no record of its calls here (``record_calls=False``): in a test suite
that record is what users assert on, in a 3,000-message run it would only measure the
garbage collector walking 3,000 retained contexts.

Targets: >= 10,000 msg/s; the two per-message costs within 20 % of each other; the page
read under 100 µs. Run with ``make bench`` (or ``uv run python benchmarks/inbound.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import platform
import statistics
import time

from roomkit import (
    AIChannel,
    ChannelCategory,
    EventSource,
    HookExecution,
    HookResult,
    HookTrigger,
    InboundMessage,
    InMemoryStore,
    MockAIProvider,
    RoomContext,
    RoomEvent,
    RoomKit,
    TextContent,
    WebSocketChannel,
)
from roomkit.models import ChannelType, EventStatus

ROOMS = 100
MESSAGES = 3_000
PAUSE_GC = False


async def _prefill(store: InMemoryStore, room_id: str, count: int) -> None:
    source = EventSource(channel_id="archive", channel_type=ChannelType.WEBSOCKET)
    content = TextContent(body="archived message")
    for _ in range(count):
        await store.add_event(
            RoomEvent(
                room_id=room_id, source=source, content=content, status=EventStatus.DELIVERED
            )
        )


async def _build(events_per_room: int) -> tuple[RoomKit, list[InboundMessage], list[int]]:
    kit = RoomKit(store=InMemoryStore())
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
    for i in range(ROOMS):
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
        await _prefill(kit.store, room.id, events_per_room)  # type: ignore[arg-type]
    for n in range(MESSAGES):
        i = n % ROOMS
        messages.append(
            InboundMessage(
                channel_id=f"ws-live-{i}",
                sender_id=f"user-{i}",
                content=TextContent(body=f"message {n} for room {i}"),
            )
        )
    return kit, messages, delivered


async def _throughput(events_per_room: int, repeats: int) -> float:
    """Return the best messages/second over ``repeats`` runs of the scenario."""
    rates = []
    for _ in range(repeats):
        kit, messages, delivered = await _build(events_per_room)
        gc.collect()
        if PAUSE_GC:
            gc.disable()
        start = time.perf_counter()
        for message in messages:
            await kit.process_inbound(message)
        elapsed = time.perf_counter() - start
        gc.enable()
        assert delivered[0] == MESSAGES, "every AI reply must reach the live connection"
        rates.append(MESSAGES / elapsed)
        await kit.close()
    return max(rates)


async def _page_read(total: int) -> float:
    """Return the median µs to read the newest 50-event page of a ``total``-event room."""
    kit = RoomKit(store=InMemoryStore())
    room = await kit.create_room(room_id="big")
    await _prefill(kit.store, room.id, total)  # type: ignore[arg-type]
    count = await kit.store.get_event_count(room.id)
    samples = []
    for _ in range(2_000):
        start = time.perf_counter()
        page = await kit.get_timeline(room.id, offset=count - 50, limit=50)
        samples.append(time.perf_counter() - start)
    assert len(page) == 50 and page[-1].index == count - 1
    await kit.close()
    return statistics.median(samples) * 1e6


async def main() -> None:
    """Run every measurement and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--big", type=int, default=1_000_000, help="events in the large store")
    parser.add_argument(
        "--no-gc", action="store_true", help="pause the garbage collector while timing"
    )
    args = parser.parse_args()
    global PAUSE_GC
    PAUSE_GC = args.no_gc
    gc_note = "garbage collector paused while timing" if PAUSE_GC else "garbage collector on"
    print(f"python {platform.python_version()} on {platform.machine()}; {gc_note}")
    small = await _throughput(10, args.repeats)
    big = await _throughput(args.big // ROOMS, args.repeats)
    page = await _page_read(args.big)
    drift = abs(small - big) / small * 100
    for label, rate in ((f"~{ROOMS * 10:,}", small), (f"~{args.big:,}", big)):
        print(f"inbound, store {label:>11} events: {rate:8,.0f} msg/s ({1e6 / rate:.1f} µs/msg)")
    print(f"per-message cost difference: {drift:.1f} % (target <= 20 %)")
    print(f"newest 50-event page of a {args.big:,}-event room: {page:.1f} µs (target < 100 µs)")
    verdict = small >= 10_000 and big >= 10_000 and drift <= 20 and page < 100
    print("targets met" if verdict else "targets NOT met")


if __name__ == "__main__":
    asyncio.run(main())
