"""A process writing events to a SQLite store, for the durability test (a script, not
collected).

Arguments: the database path, how many rooms, and how many writes to keep in flight.
It adds events to the rooms round-robin, ``concurrency`` at a time (so writes share
commits), until killed, printing ``done <event id>`` as soon as each ``add_event``
returns, flushed at once: the parent knows exactly which writes were reported done.
"""

from __future__ import annotations

import asyncio
import itertools
import sys

from roomkit.models import ChannelType, EventSource, Room, RoomEvent, TextContent
from roomkit.store.sqlite import SQLiteStore


async def main(path: str, rooms: int, concurrency: int) -> None:
    """Write events until killed."""
    store = await SQLiteStore.connect(path)
    for number in range(rooms):
        await store.create_room(Room(id=f"room-{number}"))
    source = EventSource(channel_id="sms-1", channel_type=ChannelType.SMS)
    counter = itertools.count()

    async def writer() -> None:
        while True:
            number = next(counter)
            event = RoomEvent(
                room_id=f"room-{number % rooms}",
                source=source,
                content=TextContent(body=f"message {number}"),
            )
            stored = await store.add_event(event)
            sys.stdout.write(f"done {stored.id}\n")
            sys.stdout.flush()

    await asyncio.gather(*(writer() for _ in range(concurrency)))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
