"""OpenAIRealtimeProvider against a loopback server speaking the Realtime protocol."""

from __future__ import annotations

import base64

import pytest

from roomkit.errors import ConfigurationError
from roomkit.providers.openai import OpenAIRealtimeProvider
from roomkit.voice.codecs import Resampler
from roomkit.voice.realtime import RealtimeSession, RealtimeSessionState
from tests.providers.openai.realtime_support import (
    KEY,
    SESSION_ID,
    WEATHER,
    Calls,
    FakeRealtime,
    b64,
    expect_sentinel,
    tone,
)


async def test_connect_configures_a_ga_session(
    provider: OpenAIRealtimeProvider, fake: FakeRealtime, session: RealtimeSession
) -> None:
    await provider.connect(
        session, system_prompt="Be brief.", voice="verse", tools=[WEATHER], input_sample_rate=24000
    )

    assert provider.name == "openai_realtime"
    handshake = fake.ws.handshakes[0]
    assert fake.ws.path() == "/v1/realtime"
    assert fake.ws.query() == {"model": "gpt-realtime"}
    assert handshake.headers["Authorization"] == f"Bearer {KEY}"
    assert "OpenAI-Beta" not in handshake.headers
    assert session.state is RealtimeSessionState.ACTIVE
    assert session.provider_session_id == SESSION_ID
    pcm = {"type": "audio/pcm", "rate": 24000}
    assert await fake.next_event() == {
        "type": "session.update",
        "session": {
            "type": "realtime",
            "output_modalities": ["audio"],
            "audio": {
                "input": {
                    "format": pcm,
                    "turn_detection": {
                        "type": "server_vad",
                        "create_response": True,
                        "interrupt_response": True,
                    },
                    "transcription": {"model": "gpt-4o-mini-transcribe"},
                },
                "output": {"format": pcm, "voice": "verse"},
            },
            "instructions": "Be brief.",
            "tools": [
                {
                    "type": "function",
                    "name": "get_weather",
                    "description": "Weather of a city",
                    "parameters": WEATHER.parameters,
                }
            ],
            "tool_choice": "auto",
        },
    }


async def test_beta_dialect_sends_flat_session_header_and_temperature(
    fake: FakeRealtime, session: RealtimeSession
) -> None:
    provider = OpenAIRealtimeProvider(
        fake.config(
            api_version="beta", model="gpt-4o-realtime-preview", input_transcription_model=None
        )
    )
    try:
        await provider.connect(session, temperature=0.7, server_vad=False)
    finally:
        await provider.close()

    assert fake.ws.handshakes[0].headers["OpenAI-Beta"] == "realtime=v1"
    assert fake.ws.query() == {"model": "gpt-4o-realtime-preview"}
    assert await fake.next_event() == {
        "type": "session.update",
        "session": {
            "modalities": ["audio", "text"],
            "voice": "alloy",
            "input_audio_format": "pcm16",
            "output_audio_format": "pcm16",
            "turn_detection": None,
            "input_audio_transcription": None,
            "temperature": 0.7,
        },
    }


async def test_ga_ignores_temperature_with_a_warning(
    provider: OpenAIRealtimeProvider,
    fake: FakeRealtime,
    session: RealtimeSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await provider.connect(session, temperature=0.9)

    update = await fake.next_event()
    assert "temperature" not in update["session"]
    assert "no temperature" in caplog.text


@pytest.mark.parametrize(
    ("overrides", "detection"),
    [
        (
            {"vad_threshold": 0.6, "vad_prefix_padding_ms": 200, "vad_silence_duration_ms": 700},
            {
                "type": "server_vad",
                "create_response": True,
                "interrupt_response": True,
                "threshold": 0.6,
                "prefix_padding_ms": 200,
                "silence_duration_ms": 700,
            },
        ),
        (
            {
                "turn_detection": "semantic_vad",
                "vad_eagerness": "low",
                "interrupt_response": False,
            },
            {
                "type": "semantic_vad",
                "create_response": True,
                "interrupt_response": False,
                "eagerness": "low",
            },
        ),
    ],
)
async def test_provider_config_overrides_per_session(
    provider: OpenAIRealtimeProvider,
    fake: FakeRealtime,
    session: RealtimeSession,
    overrides: dict[str, object],
    detection: dict[str, object],
) -> None:
    await provider.connect(session, provider_config={"model": "gpt-realtime-mini", **overrides})

    assert fake.ws.query() == {"model": "gpt-realtime-mini"}
    update = await fake.next_event()
    assert update["session"]["audio"]["input"]["turn_detection"] == detection


@pytest.mark.parametrize(
    ("overrides", "complaint"),
    [({"api_key": "sk-other"}, "unknown"), ({"vad_threshold": 3}, "invalid")],
)
async def test_bad_provider_config_is_refused_before_connecting(
    provider: OpenAIRealtimeProvider,
    fake: FakeRealtime,
    session: RealtimeSession,
    overrides: dict[str, object],
    complaint: str,
) -> None:
    with pytest.raises(ConfigurationError, match=complaint):
        await provider.connect(session, provider_config=overrides)

    assert fake.ws.handshakes == []


async def test_a_session_cannot_connect_twice(
    provider: OpenAIRealtimeProvider, live: RealtimeSession
) -> None:
    with pytest.raises(ConfigurationError, match="already connected"):
        await provider.connect(live)


async def test_audio_both_ways_at_the_api_rate(
    provider: OpenAIRealtimeProvider, fake: FakeRealtime, calls: Calls, live: RealtimeSession
) -> None:
    spoken, reply = tone(480), tone(960)

    await provider.send_audio(live, spoken)
    await fake.send(
        {
            "type": "response.output_audio.delta",
            "item_id": "i1",
            "content_index": 0,
            "delta": b64(reply[:960]),
        }
    )
    await fake.send(
        {
            "type": "response.audio.delta",
            "item_id": "i1",
            "content_index": 0,
            "delta": b64(reply[960:]),
        }
    )

    assert await fake.next_event() == {"type": "input_audio_buffer.append", "audio": b64(spoken)}
    received = await calls.wait_for("audio", 2)
    assert b"".join(args[0] for args in received) == reply


async def test_audio_is_resampled_when_the_session_rates_differ(
    provider: OpenAIRealtimeProvider, fake: FakeRealtime, calls: Calls, session: RealtimeSession
) -> None:
    await provider.connect(session, input_sample_rate=16000, output_sample_rate=8000)
    await fake.next_event()
    spoken, reply = tone(1600, 16000), tone(2400)

    await provider.send_audio(session, spoken)
    await fake.send(
        {
            "type": "response.output_audio.delta",
            "item_id": "i1",
            "content_index": 0,
            "delta": b64(reply),
        },
        {"type": "response.output_audio.done", "item_id": "i1"},
    )

    sent = await fake.next_event()
    expected_in = Resampler(16000, 24000).process(spoken)
    assert base64.b64decode(sent["audio"]) == expected_in
    assert abs(len(expected_in) - 2 * 2400) <= 4
    down = Resampler(24000, 8000)
    expected_out = down.process(reply) + down.flush()
    received = await calls.wait_for("audio", 2)
    assert b"".join(args[0] for args in received) == expected_out
    assert len(expected_out) == 2 * 800


async def test_interrupt_discards_resampled_audio_held_back(
    provider: OpenAIRealtimeProvider, fake: FakeRealtime, calls: Calls, session: RealtimeSession
) -> None:
    await provider.connect(session, output_sample_rate=16000)
    await fake.next_event()
    cut, fresh = tone(1000), tone(600)
    delta = {"type": "response.output_audio.delta", "item_id": "i1", "content_index": 0}
    await fake.send({**delta, "delta": b64(cut)})
    await calls.wait_for("audio")

    await provider.interrupt(session)
    await fake.send({**delta, "item_id": "i2", "delta": b64(fresh)})

    assert (await fake.next_event())["audio_end_ms"] == 41  # 1000 samples at 24 kHz
    (_, (after,)) = await calls.wait_for("audio", 2)
    assert after == Resampler(24000, 16000).process(fresh)


async def test_transcripts_of_both_roles(
    fake: FakeRealtime, calls: Calls, live: RealtimeSession
) -> None:
    await fake.send(
        {
            "type": "conversation.item.input_audio_transcription.delta",
            "item_id": "u1",
            "delta": "Hel",
        },
        {
            "type": "conversation.item.input_audio_transcription.delta",
            "item_id": "u1",
            "delta": "",
        },
        {
            "type": "conversation.item.input_audio_transcription.completed",
            "item_id": "u1",
            "transcript": "Hello",
        },
        {"type": "response.output_audio_transcript.delta", "delta": "Hi "},
        {"type": "response.audio_transcript.delta", "delta": "there"},
        {"type": "response.output_audio_transcript.done", "transcript": "Hi there"},
        {"type": "response.text.delta", "delta": "beta"},
        {"type": "response.output_text.done", "text": "beta text"},
    )

    assert await calls.wait_for("transcription", 7) == [
        ("Hel", "user", False),
        ("Hello", "user", True),
        ("Hi ", "assistant", False),
        ("there", "assistant", False),
        ("Hi there", "assistant", True),
        ("beta", "assistant", False),
        ("beta text", "assistant", True),
    ]


async def test_speech_and_response_boundaries(
    fake: FakeRealtime, calls: Calls, live: RealtimeSession
) -> None:
    await fake.send(
        {"type": "input_audio_buffer.speech_started", "audio_start_ms": 10},
        {"type": "input_audio_buffer.speech_stopped", "audio_end_ms": 900},
        {"type": "response.created", "response": {"id": "r1"}},
        {"type": "response.done", "response": {"id": "r1", "status": "completed"}},
        {"type": "session.created", "session": {"id": "sess_renewed"}},
        {"type": "rate_limits.updated", "rate_limits": []},
    )

    await calls.wait_for("response_end")
    assert calls.kinds() == ["speech_start", "speech_end", "response_start", "response_end"]
    await fake.send({"type": "input_audio_buffer.speech_started"})
    await calls.wait_for("speech_start", 2)
    assert live.provider_session_id == "sess_renewed"


async def test_inject_text_as_user_asks_for_a_response(
    provider: OpenAIRealtimeProvider, fake: FakeRealtime, live: RealtimeSession
) -> None:
    await provider.inject_text(live, "The order shipped.")

    assert await fake.next_event() == {
        "type": "conversation.item.create",
        "item": {
            "type": "message",
            "role": "user",
            "content": [{"type": "input_text", "text": "The order shipped."}],
        },
    }
    assert await fake.next_event() == {"type": "response.create"}


async def test_inject_text_as_assistant_only_adds_context(
    provider: OpenAIRealtimeProvider, fake: FakeRealtime, live: RealtimeSession
) -> None:
    await provider.inject_text(live, "I checked already.", role="assistant")

    item = await fake.next_event()
    assert item["item"]["role"] == "assistant"
    assert item["item"]["content"] == [{"type": "output_text", "text": "I checked already."}]
    await expect_sentinel(provider, live, fake)
