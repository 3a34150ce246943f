"""The conversation both AI examples run: a tool call through the room, then a stream.

``anthropic_ai.py`` and ``openai_ai.py`` only build their provider and pass it here.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime

from roomkit import (
    AIChannel,
    AIContext,
    AIMessage,
    AIProvider,
    AITool,
    AIToolCall,
    Channel,
    ChannelCategory,
    InboundMessage,
    RoomContext,
    RoomEvent,
    RoomKit,
    TextContent,
    WebSocketChannel,
)

CLOCK = AITool(
    name="current_time",
    description="The current date and time in UTC, as an ISO 8601 string.",
    parameters={"type": "object", "properties": {}},
)


async def current_time(call: AIToolCall, context: RoomContext) -> dict[str, str]:
    """The tool handler: answers the model's call with the time."""
    return {"utc": datetime.now(UTC).isoformat(timespec="seconds")}


async def run_demo(provider: AIProvider, bot: str) -> None:
    """Ask the model something that needs the tool, then stream a second answer."""
    async with RoomKit() as kit:
        kit.register_channel(WebSocketChannel("ws-user"))
        ai = AIChannel(bot, provider=provider, system_prompt="You are a concise assistant.")
        ai.register_tool("current_time", current_time)
        kit.register_channel(ai)
        room = await kit.create_room(room_id="demo")
        await kit.attach_channel(room.id, "ws-user")
        await kit.attach_channel(
            room.id,
            bot,
            category=ChannelCategory.INTELLIGENCE,
            metadata={"tools": [CLOCK.model_dump()]},
        )

        async def browser(connection_id: str, event: RoomEvent) -> None:
            print(f"{bot}> {Channel.extract_text(event)}")
            for done in event.metadata.get("tool_rounds", []):
                print(f"        (used tools: {[c['name'] for c in done['calls']]})")

        await kit.connect_websocket("ws-user", "browser-1", browser)
        question = "What time is it in UTC right now?"
        print(f"user> {question}")
        await kit.process_inbound(
            InboundMessage(
                channel_id="ws-user", sender_id="alice", content=TextContent(body=question)
            )
        )

        print("\nStreaming a haiku:")
        request = AIContext(messages=[AIMessage(role="user", content="A haiku about rooms.")])
        async for delta in provider.generate_stream(request):
            print(delta, end="", flush=True)
        print()


def explain_missing_key(vendor: str, console: str, command: str, extra: str) -> None:
    """Say how to get and set the key, then exit without touching the network."""
    print(f"This example calls the real {vendor} API and needs an API key.")
    print(f"Create one at {console} and run:")
    print(f"  {command}")
    print(f"It also needs the SDK: pip install 'roomkit[{extra}]'")
    sys.exit(0)
