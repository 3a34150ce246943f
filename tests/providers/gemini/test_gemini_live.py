"""GeminiLiveProvider against a loopback server speaking the BidiGenerateContent protocol."""

from __future__ import annotations

from typing import Any

import pytest

from roomkit.errors import ConfigurationError, ErrorCode, ProviderError
from roomkit.models.ai import AITool
from roomkit.providers.gemini.live import GeminiLiveProvider
from roomkit.voice.realtime import RealtimeSession, RealtimeSessionState
from tests.providers.gemini.live_server import (
    PATH,
    SPEECH,
    TURN_COMPLETE,
    Calls,
    FakeGemini,
    b64,
    content,
    heard,
    model_audio,
    said,
)

WEATHER = AITool(
    name="get_weather",
    description="Current weather of a city.",
    parameters={"type": "object", "properties": {"city": {"type": "string"}}},
)


async def test_setup_names_model_voice_prompt_tools_and_transcriptions(
    fake: FakeGemini, provider: GeminiLiveProvider, session: RealtimeSession
) -> None:
    fake.setup_reply = {"setupComplete": {"sessionId": "live-42"}}
    await provider.connect(
        session, system_prompt="Be brief.", voice="Kore", tools=[WEATHER], temperature=0.4
    )
    assert fake.setups == [
        {
            "setup": {
                "model": "models/gemini-live-2.5-flash-preview",
                "generationConfig": {
                    "responseModalities": ["AUDIO"],
                    "speechConfig": {
                        "voiceConfig": {"prebuiltVoiceConfig": {"voiceName": "Kore"}}
                    },
                    "temperature": 0.4,
                },
                "systemInstruction": {"parts": [{"text": "Be brief."}]},
                "tools": [
                    {
                        "functionDeclarations": [
                            {
                                "name": "get_weather",
                                "description": "Current weather of a city.",
                                "parametersJsonSchema": WEATHER.parameters,
                            }
                        ]
                    }
                ],
                "inputAudioTranscription": {},
                "outputAudioTranscription": {},
                "sessionResumption": {},
            }
        }
    ]
    assert (fake.server.path(), fake.server.query()) == (PATH, {})
    assert fake.server.handshakes[0].headers["x-goog-api-key"] == "AIza-gemini-live-secret-7"
    assert session.state is RealtimeSessionState.ACTIVE
    assert session.provider_session_id == "live-42"
    assert provider.name == "gemini_live"


async def test_manual_turns_disable_activity_detection_and_provider_config_merges(
    fake: FakeGemini, provider: GeminiLiveProvider, session: RealtimeSession
) -> None:
    extra = {"generationConfig": {"maxOutputTokens": 120}, "model": "models/other-live"}
    await provider.connect(session, server_vad=False, provider_config=extra)
    assert fake.setups[0]["setup"] == {
        "model": "models/other-live",
        "generationConfig": {
            "responseModalities": ["AUDIO"],
            "speechConfig": {"voiceConfig": {"prebuiltVoiceConfig": {"voiceName": "Puck"}}},
            "maxOutputTokens": 120,
        },
        "inputAudioTranscription": {},
        "outputAudioTranscription": {},
        "realtimeInputConfig": {"automaticActivityDetection": {"disabled": True}},
        "sessionResumption": {},
    }


async def test_participant_audio_goes_out_as_base64_pcm_at_16_khz(
    fake: FakeGemini, provider: GeminiLiveProvider, live: RealtimeSession
) -> None:
    await provider.send_audio(live, SPEECH)
    assert await fake.next() == {
        "realtimeInput": {"audio": {"data": b64(SPEECH), "mimeType": "audio/pcm;rate=16000"}}
    }


async def test_a_model_turn_is_one_response_with_audio_and_both_transcripts(
    fake: FakeGemini, provider: GeminiLiveProvider, calls: Calls, live: RealtimeSession
) -> None:
    fake.binary = False  # Gemini uses binary frames; text frames are read the same way
    await fake.send(heard("What's"), heard(" the weather?"), model_audio(b"\x01\x00" * 4))
    fake.binary = True
    await fake.send(said("It is"), model_audio(b"\x02\x00" * 4, b"\x03\x00" * 2), said(" sunny."))
    await fake.send(content(generationComplete=True), TURN_COMPLETE)
    assert await calls.wait("response_end") == [
        ("user", "What's", False),
        ("user", "What's the weather?", False),
        ("response_start",),
        ("audio", b"\x01\x00" * 4),
        ("assistant", "It is", False),
        ("audio", b"\x02\x00" * 4),
        ("audio", b"\x03\x00" * 2),
        ("assistant", "It is sunny.", False),
        ("user", "What's the weather?", True),
        ("assistant", "It is sunny.", True),
        ("response_end",),
    ]


async def test_text_parts_and_unknown_messages_are_skipped(
    fake: FakeGemini, calls: Calls, live: RealtimeSession
) -> None:
    thought = content(modelTurn={"parts": [{"text": "thinking", "thought": True}]})
    image = content(modelTurn={"parts": [{"inlineData": {"mimeType": "image/png", "data": ""}}]})
    await fake.send(
        thought, image, {"usageMetadata": {"totalTokenCount": 3}}, {"setupComplete": {}}
    )
    await fake.send(model_audio(b"\x05\x00"), TURN_COMPLETE)
    assert await calls.wait("response_end") == [
        ("response_start",),
        ("audio", b"\x05\x00"),
        ("response_end",),
    ]


async def test_injected_text_becomes_client_content(
    fake: FakeGemini, provider: GeminiLiveProvider, live: RealtimeSession
) -> None:
    await provider.inject_text(live, "The caller is a VIP.")
    await provider.inject_text(live, "Earlier I said hello.", role="assistant")
    assert await fake.next() == {
        "clientContent": {
            "turns": [{"role": "user", "parts": [{"text": "The caller is a VIP."}]}],
            "turnComplete": True,
        }
    }
    assert await fake.next() == {
        "clientContent": {
            "turns": [{"role": "model", "parts": [{"text": "Earlier I said hello."}]}],
            "turnComplete": False,
        }
    }


async def test_a_tool_call_round_trip(
    fake: FakeGemini, provider: GeminiLiveProvider, calls: Calls, live: RealtimeSession
) -> None:
    calls_msg = {
        "toolCall": {
            "functionCalls": [
                {"id": "fc-1", "name": "get_weather", "args": {"city": "Paris"}},
                {"id": "fc-2", "name": "get_time"},
            ]
        }
    }
    await fake.send(calls_msg)
    await calls.wait("tool", 2)
    assert calls.of("tool") == [
        ("tool", "fc-1", "get_weather", {"city": "Paris"}),
        ("tool", "fc-2", "get_time", {}),
    ]
    await provider.submit_tool_result(live, "fc-1", '{"temp_c": 21}')
    await provider.submit_tool_result(live, "fc-2", "noon")
    assert await fake.next() == {
        "toolResponse": {
            "functionResponses": [
                {"id": "fc-1", "name": "get_weather", "response": {"output": {"temp_c": 21}}}
            ]
        }
    }
    assert (await fake.next())["toolResponse"]["functionResponses"] == [
        {"id": "fc-2", "name": "get_time", "response": {"output": "noon"}}
    ]
    with pytest.raises(ProviderError) as caught:
        await provider.submit_tool_result(live, "fc-1", "again")
    assert caught.value.code == ErrorCode.INVALID_REQUEST


async def test_the_result_of_a_cancelled_tool_call_is_not_sent(
    fake: FakeGemini, provider: GeminiLiveProvider, calls: Calls, live: RealtimeSession
) -> None:
    await fake.send({"toolCall": {"functionCalls": [{"id": "fc-9", "name": "slow"}]}})
    await calls.wait("tool")
    await fake.send({"toolCallCancellation": {"ids": ["fc-9"]}}, model_audio(b"\x01\x00"))
    await calls.wait("audio")
    await provider.submit_tool_result(live, "fc-9", "too late")
    await provider.send_audio(live, SPEECH)
    assert "realtimeInput" in await fake.next()  # the result was never sent


async def test_gemini_interrupting_the_model_ends_the_response_and_marks_speech(
    fake: FakeGemini, calls: Calls, live: RealtimeSession
) -> None:
    await fake.send(model_audio(b"\x01\x00"), said("Let me"), content(interrupted=True))
    await fake.send(heard("Stop"), model_audio(b"\x02\x00"), TURN_COMPLETE)
    assert await calls.wait("response_end", 2) == [
        ("response_start",),
        ("audio", b"\x01\x00"),
        ("assistant", "Let me", False),
        ("speech_start",),
        ("assistant", "Let me", True),
        ("response_end",),
        ("user", "Stop", False),
        ("speech_end",),
        ("response_start",),
        ("audio", b"\x02\x00"),
        ("user", "Stop", True),
        ("response_end",),
    ]


async def test_a_local_interrupt_drops_the_rest_of_the_turn(
    fake: FakeGemini, provider: GeminiLiveProvider, calls: Calls, live: RealtimeSession
) -> None:
    await fake.send(model_audio(b"\x01\x00"), said("One,"))
    await calls.wait("assistant")
    await provider.interrupt(live)
    assert calls.events[-2:] == [("assistant", "One,", True), ("response_end",)]
    await fake.send(model_audio(b"\x02\x00"), said(" two,"), TURN_COMPLETE)
    await fake.send(model_audio(b"\x03\x00"), TURN_COMPLETE)
    await calls.wait("response_end", 2)
    assert calls.events[-3:] == [("response_start",), ("audio", b"\x03\x00"), ("response_end",)]
    assert len(calls.of("audio")) == 2
    await provider.interrupt(live)  # nothing is playing: nothing happens
    await provider.send_audio(live, SPEECH)
    assert "audio" in (await fake.next())["realtimeInput"]  # no activity marker was sent


async def test_manual_turns_send_activity_markers(
    fake: FakeGemini, provider: GeminiLiveProvider, session: RealtimeSession
) -> None:
    await provider.connect(session, server_vad=False)
    await provider.start_activity(session)
    await provider.start_activity(session)  # already open: not repeated
    await provider.end_activity(session)
    await provider.end_activity(session)  # already closed: not repeated
    await provider.interrupt(session)
    start, end = {"realtimeInput": {"activityStart": {}}}, {"realtimeInput": {"activityEnd": {}}}
    assert [await fake.next() for _ in range(3)] == [start, end, start]


async def test_activity_markers_need_manual_turns(
    provider: GeminiLiveProvider, live: RealtimeSession
) -> None:
    with pytest.raises(ConfigurationError):
        await provider.start_activity(live)


async def test_go_away_is_reported_and_the_session_goes_on(
    fake: FakeGemini, calls: Calls, live: RealtimeSession, caplog: pytest.LogCaptureFixture
) -> None:
    await fake.send({"goAway": {"timeLeft": "10s"}}, model_audio(b"\x01\x00"))
    await calls.wait("audio")
    assert calls.of("error") == [
        (
            "error",
            ErrorCode.PROVIDER_ERROR,
            "gemini_live will close the connection in 10s (goAway)",
        )
    ]
    assert "goAway" in caplog.text
    assert live.state is RealtimeSessionState.ACTIVE


@pytest.mark.parametrize(
    "frame",
    [
        b"\xff not json",
        "[1, 2]",
        {"serverContent": "nope"},
        content(modelTurn={"parts": [{"inlineData": {"data": "!!not base64!!"}}]}),
        content(modelTurn={"parts": ["text"]}),
        content(modelTurn={"parts": {"a": 1}}),
        content(inputTranscription={"text": 5}),
        {"toolCall": {"functionCalls": [{"id": "x"}]}},
        {"toolCall": {"functionCalls": [{"name": "f", "args": [1]}]}},
        {"toolCall": {"functionCalls": ["f"]}},
    ],
)
async def test_a_malformed_message_is_reported_and_reading_goes_on(
    fake: FakeGemini, calls: Calls, live: RealtimeSession, frame: Any
) -> None:
    await fake.send(frame, model_audio(b"\x07\x00"))
    await calls.wait("audio")
    assert [event[:2] for event in calls.events[:2]] == [
        ("error", ErrorCode.INVALID_PAYLOAD),
        ("response_start",),
    ]
    assert calls.of("tool") == []
