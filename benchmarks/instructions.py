"""Machine instructions per inbound message, counted by valgrind, for each store.

``inbound.py`` measures time, and on a shared VM time drifts by a third within an hour,
so two versions of the code can only be compared by alternating many runs. This script
counts the instructions the process executes instead (``valgrind --tool=callgrind``):
on an otherwise idle machine the count barely moves between runs, so one run per
version tells whether a change made the pipeline cheaper, and by how much. (Beside
other heavy work it does move, by 7 % once: run it alone.)

It runs the scenario of ``inbound.py`` (100 rooms, two WebSocket channels and an AI
each, the two hooks; each room's first message sent before counting) twice under
valgrind, once sending ``--messages`` A messages and once B, 32 in flight, and reports
(count at B - count at A) / (B - A): the instructions of one message in the steady
state, without the interpreter's start-up and the scenario's setup. The two runs go
side by side, one per core. Under valgrind the program runs about 50 times slower, so
a store of about 1,000 events (10 per room) is used; the time a million-event store
adds (memory access, not instructions) is what ``inbound.py`` measures.

With ``--store postgres`` only the client's instructions are counted, not the server's.
valgrind must be installed (it is on the benchmark machine).

    uv run python benchmarks/instructions.py --store memory --store sqlite
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

import inbound  # the scenario, beside this script

_TOTAL = re.compile(r"^summary:\s*(\d+)", re.MULTILINE)


async def _scenario(store_kind: str, per_room: int, count: int) -> None:
    """Set up the scenario, warm every room, then send ``count`` messages."""
    async with inbound.warm_scenario(store_kind, per_room, 32) as (kit, messages, delivered):
        await inbound.send_all(kit, messages[:count], 32)
        assert delivered[0] == count, "every AI reply must reach the live connection"


def _count(store_kind: str, per_room: int, count: int) -> int:
    """Run the scenario under callgrind; return the instructions it executed."""
    with tempfile.TemporaryDirectory() as directory:
        out = os.path.join(directory, "callgrind.out")
        command = [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            sys.executable,
            os.path.abspath(__file__),
            "--child",
            store_kind,
            str(per_room),
            str(count),
        ]
        # A fixed hash seed keeps set and dict orders, and so the count, the same each run.
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        subprocess.run(command, check=True, capture_output=True, env=env)
        with open(out) as report:
            found = _TOTAL.search(report.read())
    if found is None:
        raise RuntimeError(f"callgrind wrote no instruction total for {store_kind}")
    return int(found.group(1))


def main() -> None:
    """Count each store's instructions per message and print them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    inbound.add_stores_option(parser)
    parser.add_argument("--messages", type=int, nargs=2, default=(100, 600), metavar=("A", "B"))
    parser.add_argument("--per-room", type=int, default=10, help="events per room beforehand")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, per_room, count = args.child
        asyncio.run(_scenario(kind, int(per_room), int(count)))
        return
    if shutil.which("valgrind") is None:
        parser.error("valgrind is not installed")
    low, high = sorted(args.messages)
    if low == high:
        parser.error("--messages needs two different counts")
    print(f"instructions per inbound message, {low:,} and {high:,} messages sent")
    for kind in args.store or ["memory", "sqlite"]:
        with ThreadPoolExecutor(2) as pool:
            runs = [pool.submit(_count, kind, args.per_room, n) for n in (low, high)]
            counts = [run.result() for run in runs]
        per_message = (counts[1] - counts[0]) / (high - low)
        print(f"{kind:>8}: {per_message:12,.0f} instructions/msg")


if __name__ == "__main__":
    main()
