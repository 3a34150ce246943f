"""A conversation that survives a restart: RoomKit on SQLiteStore.

The first "process" (a ``RoomKit`` block) talks to the bot and then shuts down; the second
opens the same database file and finds the room, its timeline and the AI's memory of the
conversation, and the next message goes on in the same room with the next index.
Run with ``python examples/persistent_store.py [path.db]`` (a temporary file by default).
Needs the ``sqlite`` extra: ``pip install 'roomkit[sqlite]'``.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from roomkit import (
    AIChannel,
    Channel,
    ChannelCategory,
    EventType,
    InboundMessage,
    MockAIProvider,
    RoomKit,
    SQLiteStore,
    TextContent,
    WebSocketChannel,
)


def build(path: Path, reply: str) -> tuple[RoomKit, MockAIProvider]:
    """A kit on the SQLite file with a WebSocket user and a bot."""
    bot = MockAIProvider([reply])
    kit = RoomKit(store=SQLiteStore(str(path)))
    kit.register_channel(WebSocketChannel("ws-user"))
    kit.register_channel(AIChannel("bot", provider=bot))
    return kit, bot


async def say(kit: RoomKit, text: str) -> None:
    """Send a message from the WebSocket user."""
    print(f"user> {text}")
    await kit.process_inbound(
        InboundMessage(channel_id="ws-user", sender_id="alice", content=TextContent(body=text))
    )


async def main(path: Path) -> None:
    """Two runs of the app against one database file."""
    print(f"database: {path}")
    kit, _ = build(path, "Noted: you prefer the blue one.")
    async with kit:
        room = await kit.create_room(room_id="support-7")
        await kit.attach_channel(room.id, "ws-user")
        await kit.attach_channel(room.id, "bot", category=ChannelCategory.INTELLIGENCE)
        await say(kit, "I'd like the blue one, please.")
    print("-- the app stops; everything it knew was in the file --")

    kit, bot = build(path, "Your blue one ships tomorrow.")
    async with kit:
        room = await kit.get_room("support-7")
        print(f"reopened room {room.id} with {room.event_count} events")
        await say(kit, "When does it ship?")
        history = [m.content for m in bot.calls[-1].messages]
        print(f"the bot saw {len(history)} messages of history, the first: {history[0]!r}")
        for event in await kit.get_timeline(room.id):
            if event.type is EventType.MESSAGE:
                print(f"  #{event.index} {event.source.channel_id}: {Channel.extract_text(event)}")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        asyncio.run(main(Path(sys.argv[1])))
    else:
        with tempfile.TemporaryDirectory() as folder:
            asyncio.run(main(Path(folder) / "roomkit.db"))
