"""An OpenAI model answers a WebSocket user, calls a tool, then streams a reply.

Needs a real key: ``OPENAI_API_KEY=sk-... python examples/openai_ai.py``
(``OPENAI_MODEL`` and ``OPENAI_BASE_URL`` are optional). Without a key the
script explains how to set one and exits without touching the network.
"""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime

from roomkit import (
    AIChannel,
    AIContext,
    AIMessage,
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


async def main(api_key: str) -> None:
    """Ask the model something that needs the tool, then stream a second answer."""
    from roomkit.providers.openai import OpenAIAIProvider, OpenAIConfig

    config = OpenAIConfig(
        api_key=api_key,
        model=os.environ.get("OPENAI_MODEL", "gpt-4o"),
        base_url=os.environ.get("OPENAI_BASE_URL"),
    )
    provider = OpenAIAIProvider(config)
    async with RoomKit() as kit:
        kit.register_channel(WebSocketChannel("ws-user"))
        ai = AIChannel("gpt", provider=provider, system_prompt="You are a concise assistant.")
        ai.register_tool("current_time", current_time)
        kit.register_channel(ai)
        room = await kit.create_room(room_id="demo")
        await kit.attach_channel(room.id, "ws-user")
        await kit.attach_channel(
            room.id,
            "gpt",
            category=ChannelCategory.INTELLIGENCE,
            metadata={"tools": [CLOCK.model_dump()]},
        )

        async def browser(connection_id: str, event: RoomEvent) -> None:
            print(f"gpt> {Channel.extract_text(event)}")
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


if __name__ == "__main__":
    key = os.environ.get("OPENAI_API_KEY")
    if not key:
        print("This example calls the real OpenAI API and needs an API key.")
        print("Create one at https://platform.openai.com/api-keys and run:")
        print("  OPENAI_API_KEY=sk-... python examples/openai_ai.py")
        print("It also needs the SDK: pip install 'roomkit[openai]'")
        sys.exit(0)
    asyncio.run(main(key))
