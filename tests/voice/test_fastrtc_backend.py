"""FastRTCVoiceBackend against the real fastrtc, served by uvicorn on loopback.

A websockets client plays fastrtc's WebSocket (and telephony) protocol: eSpeak speech
in as μ-law media messages, audio and JSON messages back.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

pytest.importorskip("fastrtc", reason="needs the fastrtc extra: pip install 'roomkit[fastrtc]'")

from fastrtc_backend_support import (  # noqa: E402
    Served,
    connected,
)
from fastrtc_support import (  # noqa: E402
    OUT_RATE,
    WAIT_S,
    FastRTCClient,
    tone,
)
from local_audio import is_speech_like, silence, spoken_16k  # noqa: E402

from roomkit.errors import NotFoundError  # noqa: E402
from roomkit.voice import (  # noqa: E402
    AudioChunk,
    VoiceCapability,
    VoiceSessionState,
)
from roomkit.voice.backends.fastrtc import (  # noqa: E402
    FastRTCVoiceBackend,
)
from roomkit.voice.codecs import mulaw_encode  # noqa: E402


def test_the_backend_advertises_interruption_and_barge_in() -> None:
    backend = FastRTCVoiceBackend()

    assert backend.name == "fastrtc"
    assert backend.capabilities == VoiceCapability.INTERRUPTION | VoiceCapability.BARGE_IN
    assert (backend.input_sample_rate, backend.output_sample_rate) == (48000, 24000)


async def test_speech_over_the_websocket_is_reported_as_an_utterance(served: Served) -> None:
    async with FastRTCClient.open(served.endpoint(), "abc") as client:
        session = await connected(client, served)
        await client.speak(await spoken_16k(), 48000)
        await asyncio.wait_for(served.heard.ended.wait(), WAIT_S)
        await client.wait_for(lambda c: {"type": "log", "data": "pause_detected"} in c.messages)

    assert served.heard.kinds()[:2] == ["start", "end"]
    assert all(s is session for _, s in served.heard.log[:2])
    utterance = served.heard.utterances[0]
    assert 1.0 < len(utterance) / 2 / 16000 < 3.5  # the phrase, not the silences around it
    assert is_speech_like(utterance)
    assert session.metadata["input_sample_rate"] == 16000
    assert session.metadata["webrtc_id"] == "abc"
    assert session.participant_id == "caller-abc"


async def test_utterances_sent_back_to_back_are_cut_apart(served: Served) -> None:
    speech = await spoken_16k()
    async with FastRTCClient.open(served.endpoint()) as client:
        await connected(client, served)
        await client.speak(speech + speech, 48000)  # far faster than real time
        while len(served.heard.utterances) < 2:
            served.heard.ended.clear()
            await asyncio.wait_for(served.heard.ended.wait(), WAIT_S)

    first, second = served.heard.utterances
    assert served.heard.kinds()[:4] == ["start", "end", "start", "end"]
    assert is_speech_like(first) and is_speech_like(second)
    assert abs(len(first) - len(second)) <= 2 * 16000 * 0.7  # neither swallowed the other


async def test_silence_is_not_speech(served: Served) -> None:
    async with FastRTCClient.open(served.endpoint()) as client:
        await connected(client, served)
        await client.speak(silence(2500), 48000)
        await client.ws.send('{"event": "ping"}')
        await client.wait_for(lambda c: {"event": "pong"} in c.messages)

    assert "start" not in served.heard.kinds() and "end" not in served.heard.kinds()


async def test_audio_sent_to_the_client_is_mulaw_at_the_output_rate(served: Served) -> None:
    audio = tone(300)
    async with FastRTCClient.open(served.endpoint()) as client:
        session = await connected(client, served)
        loop = asyncio.get_running_loop()
        began = loop.time()
        playing = asyncio.create_task(served.backend.send_audio(session, audio))
        await client.wait_for(lambda c: len(c.media) > 0)
        assert served.backend.is_playing(session)
        await playing
        took = loop.time() - began

    assert bytes(client.media) == mulaw_encode(audio)
    assert not served.backend.is_playing(session)
    assert took >= 0.25  # paced in real time, not dumped at once
    assert all(m["event"] == "media" and "streamSid" not in m for m in client.media_messages)


async def test_chunks_at_another_rate_are_resampled(served: Served) -> None:
    async def chunks() -> AsyncIterator[AudioChunk]:
        for _ in range(2):
            yield AudioChunk(data=tone(100, rate=16000), sample_rate=16000)

    async with FastRTCClient.open(served.endpoint()) as client:
        session = await connected(client, served)
        await served.backend.send_audio(session, chunks())
        await client.wait_for(lambda c: len(c.media) >= OUT_RATE * 2 // 10 - 2)

    assert abs(len(client.media) - OUT_RATE // 5) <= 2


async def test_cancel_audio_stops_playback_and_tells_the_client(served: Served) -> None:
    async with FastRTCClient.open(served.endpoint()) as client:
        session = await connected(client, served)
        playing = asyncio.create_task(served.backend.send_audio(session, tone(5000)))
        await client.wait_for(lambda c: len(c.media) > 0)

        assert await served.backend.cancel_audio(session) is True
        await playing  # returns normally once cancelled
        await client.wait_for(lambda c: any(m.get("event") == "clear" for m in c.messages))

    assert len(client.media) < OUT_RATE  # far less than the 5 s queued
    assert not served.backend.is_playing(session)
    assert await served.backend.cancel_audio(session) is False


async def test_transcriptions_reach_the_client_as_json(served: Served) -> None:
    async with FastRTCClient.open(served.endpoint()) as client:
        session = await connected(client, served)
        await served.backend.send_transcription(session, "Hello there", "assistant")
        await client.wait_for(lambda c: bool(c.of_type("transcription")))

    assert client.of_type("transcription") == [
        {"type": "transcription", "data": {"text": "Hello there", "role": "assistant"}}
    ]


async def test_speaking_over_playback_is_a_barge_in(served: Served) -> None:
    async with FastRTCClient.open(served.endpoint()) as client:
        session = await connected(client, served)
        playing = asyncio.create_task(served.backend.send_audio(session, tone(8000)))
        await client.wait_for(lambda c: len(c.media) > 0)
        await client.speak(await spoken_16k(), 48000)
        await asyncio.wait_for(served.heard.barged.wait(), WAIT_S)
        await served.backend.cancel_audio(session)
        await playing

    assert served.heard.kinds()[:2] == ["barge_in", "start"]


async def test_a_client_going_away_ends_its_session(served: Served) -> None:
    async with FastRTCClient.open(served.endpoint()) as client:
        session = await connected(client, served)
    await asyncio.wait_for(served.heard.gone.wait(), WAIT_S)

    assert served.heard.log == [("gone", session)]
    assert session.state is VoiceSessionState.ENDED
    with pytest.raises(NotFoundError):
        await served.backend.send_audio(session, tone(20))
    assert not served.backend.is_playing(session)
    await served.backend.send_transcription(session, "nobody listens")  # dropped quietly


async def test_disconnect_closes_the_client_connection(served: Served) -> None:
    async with FastRTCClient.open(served.endpoint()) as client:
        session = await connected(client, served)
        await served.backend.disconnect(session)
        await asyncio.wait_for(client.closed.wait(), WAIT_S)

    assert session.state is VoiceSessionState.ENDED
    assert served.heard.log == []  # the server hung up: not reported as the client leaving
