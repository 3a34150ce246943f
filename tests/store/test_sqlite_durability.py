"""A SQLite store killed mid-stream keeps every write it reported done.

The writer (``sqlite_writer.py``) is a real process adding events from several tasks at
once, so writes share commits and checkpoints run in the background; it is killed with
SIGKILL after reporting some writes, then the file is opened again.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from roomkit.store.sqlite import SQLiteStore

WRITER = Path(__file__).with_name("sqlite_writer.py")


async def test_every_write_reported_done_survives_a_kill(tmp_path: Path) -> None:
    path = tmp_path / "kit.db"
    writer = await asyncio.create_subprocess_exec(
        sys.executable,
        str(WRITER),
        str(path),
        "4",
        "16",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert writer.stdout is not None
    reported: list[str] = []
    try:
        while len(reported) < 2_500:
            line = await asyncio.wait_for(writer.stdout.readline(), timeout=30)
            assert line.endswith(b"\n"), "the writer stopped before being killed"
            reported.append(line.decode().split()[1])
    finally:
        writer.kill()
        await writer.wait()

    store = SQLiteStore(path)
    try:
        timelines = [await store.list_events(f"room-{n}", limit=10_000) for n in range(4)]
        stored = {event.id for timeline in timelines for event in timeline}
        assert set(reported) <= stored
        for number, timeline in enumerate(timelines):
            assert [event.index for event in timeline] == list(range(len(timeline)))
            assert await store.get_event_count(f"room-{number}") == len(timeline)
    finally:
        await store.close()
