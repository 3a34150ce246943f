"""AIChannel's function-calling loop: run handlers, feed results back, ask again."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import BaseModel

from roomkit.channels import AIChannel
from roomkit.channels.ai import ToolHandler
from roomkit.errors import ConfigurationError
from roomkit.models import (
    AIContext,
    AIResponse,
    AIToolCall,
    ChannelBinding,
    Observation,
    RoomContext,
    Task,
    TextContent,
)
from roomkit.providers.ai import AIProvider, MockAIProvider

Build = Callable[..., Any]

AI_ID = "ai-1"
WEATHER = AIToolCall(id="call-1", name="get_weather", arguments={"city": "Paris"})
TIME = AIToolCall(id="call-2", name="get_time", arguments={"zone": "CET"})


class ScriptedAI(AIProvider):
    """Answers the given responses in order and records every request."""

    def __init__(self, *responses: AIResponse) -> None:
        self.responses = list(responses)
        self.calls: list[AIContext] = []

    @property
    def model_name(self) -> str:
        return "scripted"

    async def generate(self, context: AIContext) -> AIResponse:
        self.calls.append(context)
        return self.responses[len(self.calls) - 1]


def calling(*calls: AIToolCall, content: str = "") -> AIResponse:
    return AIResponse(content=content, finish_reason="tool_calls", tool_calls=list(calls))


def answer(text: str) -> AIResponse:
    return AIResponse(content=text, finish_reason="stop")


async def weather(call: AIToolCall, context: RoomContext) -> dict[str, Any]:
    return {"city": call.arguments["city"], "temp_c": 21, "room": context.room.id}


async def test_tool_results_go_back_to_the_model_and_the_final_text_is_the_reply(
    make_event: Build, context: RoomContext, ai_binding: ChannelBinding
) -> None:
    provider = ScriptedAI(calling(WEATHER, content="Let me check."), answer("21°C in Paris."))
    channel = AIChannel(AI_ID, provider=provider, tool_handlers={"get_weather": weather})

    output = await channel.on_event(make_event("Weather in Paris?"), ai_binding, context)

    [reply] = output.response_events
    assert reply.content == TextContent(body="21°C in Paris.")
    assert "tool_calls" not in reply.metadata
    result = '{"city": "Paris", "temp_c": 21, "room": "room-1"}'
    assert reply.metadata["tool_rounds"] == [
        {
            "round": 1,
            "calls": [
                {
                    "id": "call-1",
                    "name": "get_weather",
                    "arguments": {"city": "Paris"},
                    "result": result,
                    "is_error": False,
                }
            ],
        }
    ]
    first, second = provider.calls
    *history, asked, told = second.messages
    assert history == first.messages
    assert (asked.role, asked.content, asked.tool_calls) == (
        "assistant",
        "Let me check.",
        [WEATHER],
    )
    assert (told.role, told.tool_call_id, told.name) == ("tool", "call-1", "get_weather")
    assert (told.content, told.is_error) == (result, False)


async def test_register_tool_adds_or_replaces_a_handler(
    make_event: Build, context: RoomContext, ai_binding: ChannelBinding
) -> None:
    provider = ScriptedAI(calling(WEATHER), answer("Sunny."))
    channel = AIChannel(AI_ID, provider=provider, tool_handlers={"get_weather": weather})

    async def sunny(call: AIToolCall, context: RoomContext) -> str:
        return "sunny"

    channel.register_tool("get_weather", sunny)
    output = await channel.on_event(make_event(), ai_binding, context)

    assert output.response_events[0].metadata["tool_rounds"][0]["calls"][0]["result"] == '"sunny"'
    assert provider.calls[1].messages[-1].content == '"sunny"'


async def test_a_failing_handler_reports_its_error_to_the_model(
    make_event: Build, context: RoomContext, ai_binding: ChannelBinding
) -> None:
    async def broken(call: AIToolCall, context: RoomContext) -> None:
        raise LookupError("unknown city Atlantis")

    provider = ScriptedAI(calling(WEATHER), answer("Sorry, I could not find that city."))
    channel = AIChannel(AI_ID, provider=provider)
    channel.register_tool("get_weather", broken)

    output = await channel.on_event(make_event(), ai_binding, context)

    told = provider.calls[1].messages[-1]
    assert told.is_error
    assert json.loads(str(told.content)) == {"error": "LookupError: unknown city Atlantis"}
    [reply] = output.response_events
    assert reply.content == TextContent(body="Sorry, I could not find that city.")
    assert reply.metadata["tool_rounds"][0]["calls"][0]["is_error"] is True


async def test_calls_without_a_handler_end_the_loop_and_stay_in_the_metadata(
    make_event: Build, context: RoomContext, ai_binding: ChannelBinding
) -> None:
    provider = ScriptedAI(calling(WEATHER, TIME, content="Checking both."))
    channel = AIChannel(AI_ID, provider=provider, tool_handlers={"get_weather": weather})

    output = await channel.on_event(make_event(), ai_binding, context)

    assert len(provider.calls) == 1
    [reply] = output.response_events
    assert reply.content == TextContent(body="Checking both.")
    assert [c["name"] for c in reply.metadata["tool_calls"]] == ["get_weather", "get_time"]
    assert "tool_rounds" not in reply.metadata


@pytest.mark.parametrize("rounds", [0, 1, 3])
async def test_rounds_are_bounded_by_max_tool_rounds(
    rounds: int, make_event: Build, context: RoomContext, ai_binding: ChannelBinding
) -> None:
    provider = MockAIProvider(["Still looking"], tool_calls=[WEATHER])
    channel = AIChannel(
        AI_ID, provider=provider, tool_handlers={"get_weather": weather}, max_tool_rounds=rounds
    )

    output = await channel.on_event(make_event(), ai_binding, context)

    assert len(provider.calls) == rounds + 1
    [reply] = output.response_events
    assert len(reply.metadata.get("tool_rounds", [])) == rounds
    assert reply.metadata["tool_calls"][0]["name"] == "get_weather"


def test_max_tool_rounds_cannot_be_negative() -> None:
    with pytest.raises(ConfigurationError, match="max_tool_rounds"):
        AIChannel(AI_ID, provider=MockAIProvider(), max_tool_rounds=-1)


def test_default_limits() -> None:
    channel = AIChannel(AI_ID, provider=MockAIProvider())

    assert channel.max_tool_rounds == 5
    assert channel.tool_handlers == {}


async def test_calls_of_one_round_run_concurrently_and_keep_their_order(
    make_event: Build, context: RoomContext, ai_binding: ChannelBinding
) -> None:
    time_asked = asyncio.Event()

    async def slow_weather(call: AIToolCall, context: RoomContext) -> str:
        await time_asked.wait()  # only finishes if get_time runs meanwhile
        return "rain"

    async def clock(call: AIToolCall, context: RoomContext) -> str:
        time_asked.set()
        return "12:00"

    handlers: dict[str, ToolHandler] = {"get_weather": slow_weather, "get_time": clock}
    provider = ScriptedAI(calling(WEATHER, TIME), answer("Rain at noon."))
    channel = AIChannel(AI_ID, provider=provider, tool_handlers=handlers)

    async with asyncio.timeout(5):
        await channel.on_event(make_event(), ai_binding, context)

    results = [(m.tool_call_id, m.content) for m in provider.calls[1].messages[-2:]]
    assert results == [("call-1", '"rain"'), ("call-2", '"12:00"')]


class Forecast(BaseModel):
    city: str
    at: datetime


async def test_results_are_json_encoded(
    make_event: Build, context: RoomContext, ai_binding: ChannelBinding
) -> None:
    moment = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)

    async def forecast(call: AIToolCall, context: RoomContext) -> Forecast:
        return Forecast(city="Paris", at=moment)

    async def raw(call: AIToolCall, context: RoomContext) -> dict[str, object]:
        return {"at": moment, "ok": True}

    provider = ScriptedAI(calling(WEATHER, TIME), answer("Done."))
    channel = AIChannel(
        AI_ID, provider=provider, tool_handlers={"get_weather": forecast, "get_time": raw}
    )

    await channel.on_event(make_event(), ai_binding, context)

    encoded = [json.loads(str(m.content)) for m in provider.calls[1].messages[-2:]]
    assert encoded == [
        {"city": "Paris", "at": "2025-01-02T03:04:05Z"},
        {"at": "2025-01-02 03:04:05+00:00", "ok": True},
    ]


async def test_side_effects_of_every_round_are_kept(
    make_event: Build, context: RoomContext, ai_binding: ChannelBinding
) -> None:
    first = calling(WEATHER).model_copy(
        update={"tasks": [Task(room_id="room-1", title="Check the forecast later")]}
    )
    last = AIResponse(
        content=" ",
        observations=[Observation(room_id="room-1", channel_id=AI_ID, content="curious user")],
    )
    channel = AIChannel(
        AI_ID, provider=ScriptedAI(first, last), tool_handlers={"get_weather": weather}
    )

    output = await channel.on_event(make_event(), ai_binding, context)

    assert not output.responded
    assert [t.title for t in output.tasks] == ["Check the forecast later"]
    assert [o.content for o in output.observations] == ["curious user"]
