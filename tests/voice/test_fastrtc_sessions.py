"""FastRTCVoiceBackend's sessions at the edges: made before or after their client,
clients without sessions, failing factories, and WebRTC peers.

Served by uvicorn on loopback against the real fastrtc, like test_fastrtc_backend.py.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest

pytest.importorskip("fastrtc", reason="needs the fastrtc extra: pip install 'roomkit[fastrtc]'")

from aiortc import RTCPeerConnection  # noqa: E402  (aiortc and fastapi come with fastrtc)
from fastapi import FastAPI  # noqa: E402
from fastrtc import Stream  # noqa: E402
from fastrtc.utils import Context, current_context  # noqa: E402
from fastrtc_backend_support import (  # noqa: E402
    Served,
    connected,
    listen,
)
from fastrtc_support import (  # noqa: E402
    OUT_RATE,
    WAIT_S,
    DataChannelRecorder,
    FastRTCClient,
    serve,
    tone,
)
from local_audio import is_speech_like, spoken_16k  # noqa: E402

from roomkit.errors import NotFoundError  # noqa: E402
from roomkit.voice import (  # noqa: E402
    VoiceSession,
    VoiceSessionState,
)
from roomkit.voice._fastrtc import Peer  # noqa: E402
from roomkit.voice.backends.fastrtc import (  # noqa: E402
    FastRTCVoiceBackend,
    mount_fastrtc_voice,
)
from roomkit.voice.codecs import mulaw_encode, pcm16_from_array, resample_pcm16  # noqa: E402


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
