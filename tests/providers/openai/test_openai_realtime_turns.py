"""OpenAIRealtimeProvider's turn-taking: tool calls, held responses and interruptions."""

from __future__ import annotations

import json

import pytest

from roomkit.errors import ErrorCode
from roomkit.providers.openai import OpenAIRealtimeProvider
from roomkit.voice.realtime import RealtimeSession
from tests.providers.openai.realtime_support import (
    Calls,
    FakeRealtime,
    b64,
    expect_sentinel,
    tone,
)


async def test_tool_call_round_trip_waits_for_the_response_to_end(
    provider: OpenAIRealtimeProvider, fake: FakeRealtime, calls: Calls, live: RealtimeSession
) -> None:
    async def answer(
        session: RealtimeSession, call_id: str, name: str, arguments: dict[str, object]
    ) -> None:
        await provider.submit_tool_result(
            session, call_id, json.dumps({"city": arguments["city"], "temp": 21})
        )

    provider.on_tool_call(answer)
    await fake.send(
        {"type": "response.created", "response": {"id": "r1"}},
        {
            "type": "response.function_call_arguments.done",
            "call_id": "call_7",
            "name": "get_weather",
            "item_id": "fc1",
            "arguments": '{"city": "Paris"}',
        },
    )

    assert await calls.wait_for("tool_call") == [("call_7", "get_weather", {"city": "Paris"})]
    assert await fake.next_event() == {
        "type": "conversation.item.create",
        "item": {
            "type": "function_call_output",
            "call_id": "call_7",
            "output": '{"city": "Paris", "temp": 21}',
        },
    }
    await expect_sentinel(provider, live, fake)  # no response.create while r1 runs
    await fake.send({"type": "response.done", "response": {"id": "r1", "status": "completed"}})
    assert await fake.next_event() == {"type": "response.create"}


async def test_beta_tool_call_takes_its_name_from_the_output_item(
    provider: OpenAIRealtimeProvider, fake: FakeRealtime, calls: Calls, live: RealtimeSession
) -> None:
    await fake.send(
        {
            "type": "response.output_item.added",
            "item": {"type": "function_call", "call_id": "call_9", "name": "get_weather"},
        },
        {"type": "response.output_item.added", "item": {"type": "message", "id": "m1"}},
        {"type": "response.function_call_arguments.done", "call_id": "call_9", "arguments": ""},
    )

    assert await calls.wait_for("tool_call") == [("call_9", "get_weather", {})]
    await provider.submit_tool_result(live, "call_9", "sunny")
    assert (await fake.next_event())["item"]["output"] == "sunny"
    assert await fake.next_event() == {"type": "response.create"}


@pytest.mark.parametrize("arguments", ['{"city": "Par', "[1, 2]"])
async def test_malformed_tool_arguments_report_an_error_and_answer_the_model(
    provider: OpenAIRealtimeProvider,
    fake: FakeRealtime,
    calls: Calls,
    live: RealtimeSession,
    arguments: str,
) -> None:
    await fake.send(
        {
            "type": "response.function_call_arguments.done",
            "call_id": "call_bad",
            "name": "get_weather",
            "arguments": arguments,
        }
    )

    (error,) = await calls.wait_for("error")
    assert error[0] == ErrorCode.INVALID_PAYLOAD
    assert "get_weather" in error[1]
    output = await fake.next_event()
    assert output["item"]["call_id"] == "call_bad"
    assert "not a JSON object" in json.loads(output["item"]["output"])["error"]
    assert await fake.next_event() == {"type": "response.create"}
    assert calls.of("tool_call") == []


async def test_interrupt_cancels_and_truncates_what_was_received(
    provider: OpenAIRealtimeProvider, fake: FakeRealtime, calls: Calls, live: RealtimeSession
) -> None:
    await fake.send(
        {"type": "response.created", "response": {"id": "r1"}},
        {
            "type": "response.output_audio.delta",
            "item_id": "old",
            "content_index": 0,
            "delta": b64(tone(240)),
        },
        {
            "type": "response.output_audio.delta",
            "item_id": "item_9",
            "content_index": 1,
            "delta": b64(tone(2400)),
        },
        {
            "type": "response.output_audio.delta",
            "item_id": "item_9",
            "content_index": 1,
            "delta": b64(tone(1200)),
        },
    )
    await calls.wait_for("audio", 3)

    await provider.interrupt(live)

    assert await fake.next_event() == {"type": "response.cancel"}
    assert await fake.next_event() == {
        "type": "conversation.item.truncate",
        "item_id": "item_9",
        "content_index": 1,
        "audio_end_ms": 150,
    }
    await provider.interrupt(live)  # nothing left to truncate; the response is still open
    assert await fake.next_event() == {"type": "response.cancel"}
    await expect_sentinel(provider, live, fake)


async def test_interrupt_with_nothing_playing_sends_nothing(
    provider: OpenAIRealtimeProvider, fake: FakeRealtime, live: RealtimeSession
) -> None:
    await provider.interrupt(live)

    await expect_sentinel(provider, live, fake)


async def test_interrupt_drops_a_pending_response_request(
    provider: OpenAIRealtimeProvider, fake: FakeRealtime, calls: Calls, live: RealtimeSession
) -> None:
    await fake.send({"type": "response.created", "response": {"id": "r1"}})
    await calls.wait_for("response_start")
    await provider.inject_text(live, "new info")
    await fake.next_event()

    await provider.interrupt(live)
    await fake.send({"type": "response.done", "response": {"id": "r1", "status": "cancelled"}})
    await calls.wait_for("response_end")

    assert await fake.next_event() == {"type": "response.cancel"}
    await expect_sentinel(provider, live, fake)
