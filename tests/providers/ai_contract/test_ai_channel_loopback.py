"""The AI channel's tool loop and failure handling end to end through RoomKit.

A customer writes by SMS; the AI answers through a real vendor SDK talking to the
loopback server (or through the mock provider), running a registered tool on the way.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from ai_loopback import LoopbackServer
from ai_vendors import Vendor

from roomkit import (
    AIChannel,
    ChannelCategory,
    EventType,
    FrameworkEvent,
    HookExecution,
    HookTrigger,
    InboundMessage,
    MockAIProvider,
    MockSMSProvider,
    RetryPolicy,
    RoomContext,
    RoomEvent,
    RoomKit,
    SMSChannel,
    TextContent,
)
from roomkit.models import AITool, AIToolCall
from roomkit.providers.ai import AIProvider

CUSTOMER = "+15551234567"
WEATHER = AITool(
    name="get_weather",
    description="Current weather in a city",
    parameters={"type": "object", "properties": {"location": {"type": "string"}}},
)


class Desk:
    """A kit with an SMS customer and an AI bot, recording tool calls and reports."""

    def __init__(self, kit: RoomKit, sms: MockSMSProvider) -> None:
        self.kit = kit
        self.sms = sms
        self.tool_calls: list[tuple[AIToolCall, str]] = []
        self.reports: list[FrameworkEvent] = []

    async def weather(self, call: AIToolCall, context: RoomContext) -> dict[str, Any]:
        """The registered tool: records the call, answers a fixed forecast."""
        self.tool_calls.append((call, context.room.id))
        return {"location": call.arguments.get("location"), "temp_c": 21}

    async def add_ai(self, provider: AIProvider, **settings: Any) -> AIChannel:
        """Register the AI channel with the weather tool and staff every new room with it."""
        ai = AIChannel("ai", provider=provider, **settings)
        ai.register_tool("get_weather", self.weather)
        self.kit.register_channel(ai)
        return ai

    async def ask(self, body: str) -> str:
        """Send an SMS from the customer; return the room id."""
        result = await self.kit.process_inbound(
            InboundMessage(channel_id="sms", sender_id=CUSTOMER, content=TextContent(body=body))
        )
        assert result.event is not None
        return result.event.room_id

    async def messages(self, room_id: str) -> list[RoomEvent]:
        """The room's messages, oldest first."""
        timeline = await self.kit.get_timeline(room_id)
        return [e for e in timeline if e.type is EventType.MESSAGE]


@pytest.fixture
async def desk() -> AsyncIterator[Desk]:
    """A running kit with an SMS channel; the AI joins each new room with the weather tool."""
    sms = MockSMSProvider()
    async with RoomKit() as kit:
        desk = Desk(kit, sms)
        kit.register_channel(SMSChannel("sms", provider=sms))
        kit.on("*")(desk.reports.append)

        @kit.hook(HookTrigger.ON_ROOM_CREATED, execution=HookExecution.ASYNC, name="staff")
        async def staff(event: RoomEvent, context: RoomContext | None) -> None:
            await kit.attach_channel(
                event.room_id,
                "ai",
                category=ChannelCategory.INTELLIGENCE,
                metadata={"tools": [WEATHER.model_dump()], "system_prompt": "Be brief."},
            )

        yield desk


async def test_a_real_sdk_runs_the_tool_loop(
    desk: Desk, vendor: Vendor, server: LoopbackServer
) -> None:
    server.queue(vendor.reply("tool_call"), vendor.reply())
    await desk.add_ai(vendor.provider(server.url))

    room_id = await desk.ask("What's the weather in Paris?")

    [(call, called_in)] = desk.tool_calls
    assert (call.name, call.arguments, called_in) == (
        "get_weather",
        {"location": "Paris"},
        room_id,
    )
    question, reply = await desk.messages(room_id)
    assert reply.content == TextContent(body="Hello! How can I help you today?")
    assert reply.metadata["tool_rounds"][0]["calls"][0]["result"] == (
        '{"location": "Paris", "temp_c": 21}'
    )
    assert [c.event.content for c in desk.sms.calls] == [reply.content]
    first, second = (vendor.view(r) for r in server.requests)
    assert first.system == "Be brief.\n\nReply in plain text, at most 1600 characters."
    assert first.tools == [WEATHER.model_dump()]
    assert second.tool_results[0][:2] == (call.id, {"location": "Paris", "temp_c": 21})


async def test_the_mock_provider_runs_the_tool_loop_until_the_round_limit(desk: Desk) -> None:
    call = AIToolCall(id="call-1", name="get_weather", arguments={"location": "Oslo"})
    provider = MockAIProvider(["Checking..."], tool_calls=[call])
    await desk.add_ai(provider, max_tool_rounds=2)

    room_id = await desk.ask("Weather in Oslo?")

    assert len(provider.calls) == 3
    assert len(desk.tool_calls) == 2
    tool_turns = [m for m in provider.calls[-1].messages if m.role == "tool"]
    assert [m.content for m in tool_turns] == ['{"location": "Oslo", "temp_c": 21}'] * 2
    _, reply = await desk.messages(room_id)
    assert len(reply.metadata["tool_rounds"]) == 2
    assert reply.metadata["tool_calls"] == [call.model_dump()]


async def test_a_failing_vendor_never_blocks_the_room(
    desk: Desk, vendor: Vendor, server: LoopbackServer
) -> None:
    server.queue(vendor.error("overloaded"), vendor.error("overloaded"), vendor.reply())
    policy = RetryPolicy(max_retries=1, base_delay_seconds=0)
    await desk.add_ai(vendor.provider(server.url), retry_policy=policy)

    room_id = await desk.ask("Hello?")
    [question] = await desk.messages(room_id)
    errors = [r for r in desk.reports if r.type == "channel_error"]
    assert [(e.channel_id, e.event_id) for e in errors] == [("ai", question.id)]
    assert "overloaded" in errors[0].data["error"]

    await desk.ask("Anyone there?")

    assert len(server.requests) == 3  # two failed attempts, then the second message
    assert [m.content for m in await desk.messages(room_id)][-1] == TextContent(
        body="Hello! How can I help you today?"
    )
