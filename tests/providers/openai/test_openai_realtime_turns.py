"""OpenAIRealtimeProvider's turn-taking: tool calls, held responses and interruptions."""

from __future__ import annotations

import json
from typing import Any

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


@pytest.mark.parametrize(
    ("options", "interrupts"),
    [
        ({}, True),
        ({"server_vad": False}, False),
        ({"provider_config": {"interrupt_response": False}}, False),
        ({"provider_config": {"turn_detection": "semantic_vad"}}, True),
    ],
)
async def test_the_server_cuts_its_response_only_with_vad_and_interrupt_response(
    provider: OpenAIRealtimeProvider,
    fake: FakeRealtime,
    session: RealtimeSession,
    options: dict[str, Any],
    interrupts: bool,
) -> None:
    assert provider.interrupts_on_speech is True
    await provider.connect(session, **options)

    assert provider.interrupts_on_speech_for(session) is interrupts
    await provider.disconnect(session)
    assert provider.interrupts_on_speech_for(session) is True  # not connected: the default


async def test_a_provider_configured_without_interruptions_says_so(fake: FakeRealtime) -> None:
    provider = OpenAIRealtimeProvider(fake.config(interrupt_response=False))
    session = RealtimeSession(room_id="room-1", participant_id="bob", channel_id="voice")

    assert provider.interrupts_on_speech is False
    assert provider.interrupts_on_speech_for(session) is False


async def test_speech_over_a_response_the_server_cuts_truncates_its_audio(
    provider: OpenAIRealtimeProvider, fake: FakeRealtime, calls: Calls, live: RealtimeSession
) -> None:
    await fake.send(
        {"type": "response.created", "response": {"id": "r1"}},
        {
            "type": "response.output_audio.delta",
            "item_id": "item_3",
            "content_index": 0,
            "delta": b64(tone(4800)),
        },
    )
    await calls.wait_for("audio")
    await provider.inject_text(live, "meanwhile")  # its response.create waits for r1
    assert (await fake.next_event())["type"] == "conversation.item.create"

    await fake.send({"type": "input_audio_buffer.speech_started", "audio_start_ms": 900})
    await calls.wait_for("speech_start")

    assert await fake.next_event() == {  # no response.cancel: the server cancels r1 itself
        "type": "conversation.item.truncate",
        "item_id": "item_3",
        "content_index": 0,
        "audio_end_ms": 200,
    }
    await fake.send({"type": "response.done", "response": {"id": "r1", "status": "cancelled"}})
    await calls.wait_for("response_end")
    await expect_sentinel(provider, live, fake)  # the held response.create was dropped


async def test_speech_over_a_response_the_server_keeps_sends_nothing(
    provider: OpenAIRealtimeProvider, fake: FakeRealtime, calls: Calls, session: RealtimeSession
) -> None:
    config = {"interrupt_response": False}
    await provider.connect(
        session, input_sample_rate=24000, output_sample_rate=24000, provider_config=config
    )
    assert (await fake.next_event())["type"] == "session.update"
    await fake.send(
        {"type": "response.created", "response": {"id": "r1"}},
        {"type": "response.output_audio.delta", "item_id": "i", "delta": b64(tone(480))},
        {"type": "input_audio_buffer.speech_started", "audio_start_ms": 10},
    )
    await calls.wait_for("speech_start")

    await expect_sentinel(provider, session, fake)
