"""RoomKit quickstart: a WebSocket user and an AI bot share a room.

Runs offline: the store is in memory and the AI is ``MockAIProvider``. A blocking hook
keeps card numbers out of the room. Run it with ``make quickstart``.
"""

from __future__ import annotations

import asyncio
import re

from roomkit import (
    AIChannel,
    Channel,
    ChannelCategory,
    EventStatus,
    EventType,
    HookResult,
    HookTrigger,
    InboundMessage,
    MockAIProvider,
    RoomContext,
    RoomEvent,
    RoomKit,
    TextContent,
    WebSocketChannel,
)

CARD_NUMBER = re.compile(r"\b(?:\d[ -]?){13,16}\b")


async def main() -> None:
    """Build the room, exchange a few messages and print the timeline."""
    async with RoomKit() as kit:
        ai = MockAIProvider(
            [
                "Hi! I'm the support bot. What can I do for you?",
                "Your order #1042 left our warehouse this morning.",
            ]
        )
        kit.register_channel(WebSocketChannel("ws-user"))
        kit.register_channel(AIChannel("ai-bot", provider=ai, system_prompt="Be brief."))

        @kit.hook(HookTrigger.BEFORE_BROADCAST, name="card_filter")
        async def card_filter(event: RoomEvent, ctx: RoomContext) -> HookResult:
            if CARD_NUMBER.search(Channel.extract_text(event)):
                return HookResult.block("card numbers are not allowed in chat")
            return HookResult.allow()

        room = await kit.create_room(room_id="support-1")
        await kit.attach_channel(room.id, "ws-user")
        await kit.attach_channel(room.id, "ai-bot", category=ChannelCategory.INTELLIGENCE)

        async def browser(connection_id: str, event: RoomEvent) -> None:
            print(f"  [to browser {connection_id}] {Channel.extract_text(event)}")

        await kit.connect_websocket("ws-user", "browser-1", browser)

        for text in ("Hello!", "My card is 4111 1111 1111 1111", "Where is my order?"):
            print(f"user> {text}")
            result = await kit.process_inbound(
                InboundMessage(
                    channel_id="ws-user", sender_id="alice", content=TextContent(body=text)
                )
            )
            if result.blocked:
                print(f"  (blocked: {result.reason})")

        print("\nTimeline of room", room.id)
        for event in await kit.get_timeline(room.id):
            if event.type != EventType.MESSAGE:
                continue
            who = event.source.channel_id
            if event.status == EventStatus.BLOCKED:
                text = f"(blocked by {event.blocked_by}, kept for audit)"
            else:
                text = Channel.extract_text(event)
            print(f"  #{event.index} {who:>8}: {text}")


if __name__ == "__main__":
    asyncio.run(main())
