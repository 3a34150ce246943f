"""FastRTCVoiceBackend against the real fastrtc, served by uvicorn on loopback.

A websockets client plays fastrtc's WebSocket (and telephony) protocol: eSpeak speech
in as μ-law media messages, audio and JSON messages back.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest

pytest.importorskip("fastrtc", reason="needs the fastrtc extra: pip install 'roomkit[fastrtc]'")

from aiortc import RTCPeerConnection  # noqa: E402  (aiortc and fastapi come with fastrtc)
from fastapi import FastAPI  # noqa: E402
from fastrtc import Stream  # noqa: E402
from fastrtc.utils import Context, current_context  # noqa: E402
from fastrtc_support import (  # noqa: E402
    OUT_RATE,
    WAIT_S,
    DataChannelRecorder,
    FastRTCClient,
    serve,
    tone,
)
from local_audio import is_speech_like, silence, spoken_16k  # noqa: E402

from roomkit.errors import NotFoundError  # noqa: E402
from roomkit.voice import (  # noqa: E402
    AudioChunk,
    VoiceCapability,
    VoiceSession,
    VoiceSessionState,
)
from roomkit.voice._fastrtc import Peer  # noqa: E402
from roomkit.voice.backends.fastrtc import (  # noqa: E402
    FastRTCVoiceBackend,
    mount_fastrtc_voice,
)
from roomkit.voice.codecs import mulaw_encode, pcm16_from_array, resample_pcm16  # noqa: E402


@dataclass
class Heard:
    """What the backend reported to its callbacks, in order."""

    log: list[tuple[str, VoiceSession]] = field(default_factory=list)
    utterances: list[bytes] = field(default_factory=list)
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    gone: asyncio.Event = field(default_factory=asyncio.Event)
    barged: asyncio.Event = field(default_factory=asyncio.Event)

    def kinds(self) -> list[str]:
        return [kind for kind, _ in self.log]


@dataclass
class Served:
    backend: FastRTCVoiceBackend
    url: str
    heard: Heard
    sessions: asyncio.Queue[VoiceSession]

    def endpoint(self, name: str = "websocket/offer") -> str:
        return f"{self.url}/fastrtc/{name}"


def listen(backend: FastRTCVoiceBackend) -> Heard:
    heard = Heard()

    async def started(session: VoiceSession) -> None:
        heard.log.append(("start", session))

    async def ended(session: VoiceSession, audio: bytes) -> None:
        heard.log.append(("end", session))
        heard.utterances.append(audio)
        heard.ended.set()

    async def barge_in(session: VoiceSession) -> None:
        heard.log.append(("barge_in", session))
        heard.barged.set()

    async def gone(session: VoiceSession) -> None:
        heard.log.append(("gone", session))
        heard.gone.set()

    backend.on_speech_start(started)
    backend.on_speech_end(ended)
    backend.on_barge_in(barge_in)
    backend.on_client_disconnected(gone)
    return heard


@pytest.fixture
async def served() -> AsyncIterator[Served]:
    backend = FastRTCVoiceBackend()
    sessions: asyncio.Queue[VoiceSession] = asyncio.Queue()

    async def session_factory(webrtc_id: str) -> VoiceSession:
        session = await backend.connect("room-1", f"caller-{webrtc_id}", "voice")
        sessions.put_nowait(session)  # bound as soon as this returns, before anyone wakes
        return session

    app = FastAPI()
    mount_fastrtc_voice(app, backend, session_factory=session_factory)
    heard = listen(backend)
    async with serve(app) as url:
        yield Served(backend, url, heard, sessions)
        await backend.close()


async def connected(client: FastRTCClient, served: Served) -> VoiceSession:
    """Wait until the session factory made the client's session; return it."""
    session = await asyncio.wait_for(served.sessions.get(), WAIT_S)
    assert session.metadata["webrtc_id"] == client.client_id
    return session


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


async def test_a_session_opened_first_is_bound_when_its_client_connects() -> None:
    backend = FastRTCVoiceBackend()
    heard = listen(backend)
    app = FastAPI()
    mount_fastrtc_voice(app, backend, path="/voice")
    session = await backend.connect("room-1", "bob", "voice", metadata={"webrtc_id": "bob-1"})
    assert session.state is VoiceSessionState.CONNECTING

    async with serve(app) as url, FastRTCClient.open(f"{url}/voice/websocket/offer", "bob-1") as c:
        await c.speak(await spoken_16k(), 48000)
        await asyncio.wait_for(heard.ended.wait(), WAIT_S)
        assert session.state is VoiceSessionState.ACTIVE
        assert heard.log[1] == ("end", session)
        await backend.close()

    assert session.state is VoiceSessionState.ENDED


async def test_telephony_clients_get_8khz_mulaw_with_their_stream_sid(served: Served) -> None:
    url = served.endpoint("telephone/handler")
    async with FastRTCClient.open(url, "MZ123", phone=True) as client:
        session = await connected(client, served)
        await client.speak(await spoken_16k(), 8000)
        await asyncio.wait_for(served.heard.ended.wait(), WAIT_S)
        await served.backend.send_audio(session, tone(200))
        await client.wait_for(lambda c: len(c.media) >= 1590)

    assert is_speech_like(served.heard.utterances[0])
    assert abs(len(client.media) - 1600) <= 2  # 200 ms at 8 kHz
    assert {m["streamSid"] for m in client.media_messages} == {"MZ123"}
    assert client.media_pcm()  # decodes as μ-law
    expected = mulaw_encode(resample_pcm16(tone(200), OUT_RATE, 8000))
    assert len(expected) == pytest.approx(len(client.media), abs=2)


async def test_a_client_without_a_session_is_ignored(caplog: pytest.LogCaptureFixture) -> None:
    backend = FastRTCVoiceBackend()
    heard = listen(backend)
    app = FastAPI()
    mount_fastrtc_voice(app, backend)
    with caplog.at_level(logging.WARNING, logger="roomkit.voice.backends.fastrtc"):
        async with serve(app) as url, FastRTCClient.open(f"{url}/fastrtc/websocket/offer") as c:
            await c.speak(await spoken_16k(), 48000)
            await c.ws.send('{"event": "ping"}')
            await c.wait_for(lambda client: {"event": "pong"} in client.messages)
            await c.wait_for(lambda client: bool(client.of_type("log")))
        await backend.close()

    assert heard.log == []
    assert "no voice session for connection client-1" in caplog.text


async def test_a_failing_session_factory_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    backend = FastRTCVoiceBackend()
    called = asyncio.Event()

    async def broken(webrtc_id: str) -> VoiceSession:
        called.set()  # logged as soon as this raises, before anyone wakes
        raise RuntimeError("no rooms today")

    app = FastAPI()
    mount_fastrtc_voice(app, backend, session_factory=broken)
    async with serve(app) as url, FastRTCClient.open(f"{url}/fastrtc/websocket/offer"):
        await asyncio.wait_for(called.wait(), WAIT_S)
        await asyncio.sleep(0)
    await backend.close()

    assert "session factory failed for connection client-1" in caplog.text


async def test_audio_for_a_session_without_a_client_is_refused() -> None:
    backend = FastRTCVoiceBackend()
    session = await backend.connect("room-1", "carol", "voice")

    with pytest.raises(NotFoundError):
        await backend.send_audio(session, b"\x00\x00" * 10)
    assert await backend.cancel_audio(session) is False

    await backend.disconnect(session)
    assert session.state is VoiceSessionState.ENDED


async def test_a_waiting_session_can_be_ended_before_its_client_comes(
    caplog: pytest.LogCaptureFixture,
) -> None:
    backend = FastRTCVoiceBackend()
    handler = backend.build_stream().event_handler
    session = await backend.connect("room-1", "erin", "voice", metadata={"webrtc_id": "e-1"})

    await backend.disconnect(session)
    with caplog.at_level(logging.WARNING, logger="roomkit.voice.backends.fastrtc"):
        await backend.client_connected(Peer("e-1", handler, None))  # the client comes late

    assert session.state is VoiceSessionState.ENDED
    assert "no voice session for connection e-1" in caplog.text
    await backend.close()


# --- WebRTC peers: fastrtc's handler driven directly (an aiortc peer would need ICE) ---


async def webrtc_handler(backend: FastRTCVoiceBackend, stream: Stream, webrtc_id: str) -> Any:
    """A per-connection handler copy started the way fastrtc starts a WebRTC track."""
    handler = stream.event_handler.copy()
    handler._loop = asyncio.get_running_loop()
    handler.set_channel(DataChannelRecorder())
    handler._clear_queue = lambda: handler.cleared.append(True)
    handler.cleared = []
    current_context.set(Context(webrtc_id=webrtc_id))
    await asyncio.to_thread(handler.start_up)
    return handler


async def test_a_webrtc_peer_gets_frames_through_emit_and_messages_on_its_channel() -> None:
    backend = FastRTCVoiceBackend()
    heard = listen(backend)
    stream = backend.build_stream()
    session = await backend.connect("room-1", "dave", "voice", metadata={"webrtc_id": "rtc-1"})
    handler = await webrtc_handler(backend, stream, "rtc-1")

    await backend.send_transcription(session, "hi", "user")
    playing = asyncio.create_task(backend.send_audio(session, tone(100)))
    frames = []
    while sum(f[1].size for f in frames) < OUT_RATE // 10:
        frame = await asyncio.to_thread(handler.emit)
        if frame is not None:
            frames.append(frame)
    await playing

    assert json.loads(handler.channel.sent[0])["data"] == {"text": "hi", "role": "user"}
    assert all(rate == OUT_RATE and samples.shape == (1, 480) for rate, samples in frames)
    assert b"".join(pcm16_from_array(s.reshape(-1)) for _, s in frames) == tone(100)

    playing = asyncio.create_task(backend.send_audio(session, tone(3000)))
    while await asyncio.to_thread(handler.emit) is None:
        pass
    assert await backend.cancel_audio(session)
    await playing
    assert handler.cleared
    assert await asyncio.to_thread(handler.emit) is None  # nothing left to play

    stream.pcs["rtc-1"] = RTCPeerConnection()  # what fastrtc keeps for a WebRTC client
    stream.clean_up("rtc-1")  # fastrtc's clean-up when the peer connection closes
    await asyncio.wait_for(heard.gone.wait(), WAIT_S)
    assert session.state is VoiceSessionState.ENDED
    await backend.close()


async def test_disconnect_closes_a_webrtc_peer_connection() -> None:
    backend = FastRTCVoiceBackend()
    stream = backend.build_stream()
    session = await backend.connect("room-1", "fay", "voice", metadata={"webrtc_id": "rtc-2"})
    await webrtc_handler(backend, stream, "rtc-2")
    pc = RTCPeerConnection()
    stream.pcs["rtc-2"] = pc

    await backend.disconnect(session)

    assert pc.connectionState == "closed"
    assert session.state is VoiceSessionState.ENDED


async def test_a_second_client_with_a_live_id_is_ignored(caplog: pytest.LogCaptureFixture) -> None:
    backend = FastRTCVoiceBackend()
    handler = backend.build_stream().event_handler
    await backend.client_connected(Peer("same", handler, None))

    with caplog.at_level(logging.WARNING, logger="roomkit.voice.backends.fastrtc"):
        await backend.client_connected(Peer("same", handler.copy(), None))
    backend.speech_ended(Peer("same", handler, None), 16000, b"\x00\x00")  # not the live peer

    assert "connection id same is already connected" in caplog.text
    await backend.close()


async def test_a_client_leaving_while_its_session_is_made_ends_that_session() -> None:
    backend = FastRTCVoiceBackend()
    heard = listen(backend)
    stream = backend.build_stream()
    asked, gate = asyncio.Event(), asyncio.Event()
    made: list[VoiceSession] = []

    async def slow_factory(webrtc_id: str) -> VoiceSession:
        asked.set()
        await gate.wait()
        made.append(await backend.connect("room-1", "gus", "voice"))
        return made[0]

    backend.session_factory = slow_factory
    connecting = asyncio.create_task(
        backend.client_connected(Peer("g-1", stream.event_handler, None))
    )
    await asyncio.wait_for(asked.wait(), WAIT_S)
    stream.clean_up("g-1")  # the client is gone before its session exists
    gate.set()
    await connecting

    assert heard.log == [("gone", made[0])]
    assert made[0].state is VoiceSessionState.ENDED
    await backend.close()
