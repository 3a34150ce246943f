"""What CPython's garbage collector costs per inbound message, generation by generation.

``inbound.py`` measures throughput with the collector on, as an application runs; this
script tells how much of that time the collector takes. It runs the scenario of
``inbound.py`` (100 rooms, two WebSocket channels and an AI each, the two hooks; each
room's first message sent before timing) with a ``gc.callbacks`` hook that times every
collection, and reports, for each generation, how many collections ran, what one took
and what they add to a message.

The oldest generation is collected in full only once the objects moved into it since its
last full collection reach a quarter of it (CPython 3.12), so a full collection costs in
proportion to the heap but comes less often the larger the heap is: what it adds to a
message depends on how many objects each message leaves in the oldest generation, not on
the heap's size. ``--survivors`` counts those objects (the growth of the oldest
generation across each middle collection; counting walks the heap, so the times printed
with it are inflated). Objects a message keeps (the events in the in-process history,
their AI conversions) end there, and so do objects of messages still in flight when a
middle collection runs, which is why the youngest generation's threshold matters.

    uv run python benchmarks/collector.py --store memory --store sqlite
    uv run python benchmarks/collector.py --store sqlite --gc-threshold 10000
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import time
from dataclasses import dataclass, field
from typing import Any

import inbound  # the scenario, beside this script


@dataclass
class _Generation:
    collections: int = 0
    seconds: float = 0.0
    sizes: list[int] = field(default_factory=list)


@dataclass
class _Probe:
    """Times each collection by generation; optionally counts objects promoted."""

    survivors: bool
    generations: list[_Generation] = field(default_factory=lambda: [_Generation() for _ in "abc"])
    promoted: int = 0
    _started: float = 0.0
    _oldest: int = 0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        """The ``gc.callbacks`` hook."""
        generation = info["generation"]
        if phase == "start":
            if self.survivors and generation > 0:
                self._oldest = len(gc.get_objects(generation=2))
                if generation == 2:
                    self.generations[2].sizes.append(self._oldest)
            self._started = time.perf_counter()
            return
        elapsed = time.perf_counter() - self._started
        found = self.generations[generation]
        found.collections += 1
        found.seconds += elapsed
        if self.survivors and generation == 1:
            self.promoted += len(gc.get_objects(generation=2)) - self._oldest


async def _measure(
    store_kind: str, per_room: int, count: int, concurrency: int, threshold: int, survivors: bool
) -> tuple[float, _Probe]:
    """Run the scenario; return the seconds the timed messages took and the probe."""
    probe = _Probe(survivors)
    scenario = inbound.warm_scenario(store_kind, per_room, concurrency)
    async with scenario as (kit, messages, delivered):
        timed = (messages * (count // len(messages) + 1))[:count]
        thresholds = gc.get_threshold()
        if threshold:
            gc.set_threshold(threshold, *thresholds[1:])
        gc.callbacks.append(probe)
        try:
            start = time.perf_counter()
            await inbound.send_all(kit, timed, concurrency)
            elapsed = time.perf_counter() - start
        finally:
            gc.callbacks.remove(probe)
            gc.set_threshold(*thresholds)
        assert delivered[0] == count, "every AI reply must reach the live connection"
    return elapsed, probe


def _report(store_kind: str, count: int, elapsed: float, probe: _Probe) -> None:
    """Print one store's figures."""
    collector = sum(g.seconds for g in probe.generations)
    print(
        f"{store_kind}: {elapsed / count * 1e6:,.0f} µs/msg, of which the collector "
        f"{collector / count * 1e6:,.0f} µs ({collector / elapsed:.0%})"
    )
    for number, found in enumerate(probe.generations):
        each = found.seconds / found.collections * 1e3 if found.collections else 0.0
        line = (
            f"  generation {number}: {found.collections:5,} collections, {each:7.2f} ms each, "
            f"{found.seconds / count * 1e6:6.1f} µs/msg"
        )
        if found.sizes:
            line += f", {sum(found.sizes) / len(found.sizes):,.0f} objects in it"
        print(line)
    if probe.survivors:
        print(f"  moved to the oldest generation: {probe.promoted / count:,.1f} objects/msg")


def main() -> None:
    """Measure each store and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    inbound.add_stores_option(parser)
    parser.add_argument("--messages", type=int, default=inbound.MESSAGES)
    parser.add_argument("--per-room", type=int, default=10, help="events per room beforehand")
    parser.add_argument("--concurrency", type=int, default=32, help="messages in flight")
    parser.add_argument(
        "--gc-threshold",
        type=int,
        default=0,
        metavar="N",
        help="collect the youngest generation every N allocations (CPython's default: 700)",
    )
    parser.add_argument(
        "--survivors",
        action="store_true",
        help="count the objects each message leaves in the oldest generation (slower)",
    )
    args = parser.parse_args()
    if args.messages < 1 or args.concurrency < 1 or args.gc_threshold < 0:
        parser.error("--messages and --concurrency must be positive, --gc-threshold >= 0")
    threshold = args.gc_threshold or gc.get_threshold()[0]
    print(
        f"{args.messages:,} messages, {args.concurrency} in flight, {args.per_room} events "
        f"per room beforehand; youngest generation collected every {threshold:,} allocations"
    )
    for kind in args.store or ["memory", "sqlite"]:
        elapsed, probe = asyncio.run(
            _measure(
                kind,
                args.per_room,
                args.messages,
                args.concurrency,
                args.gc_threshold,
                args.survivors,
            )
        )
        _report(kind, args.messages, elapsed, probe)


if __name__ == "__main__":
    main()
