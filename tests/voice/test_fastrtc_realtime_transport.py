"""FastRTCRealtimeTransport against the real fastrtc, served by uvicorn on loopback."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest

pytest.importorskip("fastrtc", reason="needs the fastrtc extra: pip install 'roomkit[fastrtc]'")

import numpy as np  # noqa: E402
from aiortc import RTCPeerConnection  # noqa: E402  (aiortc and fastapi come with fastrtc)
from fastapi import FastAPI  # noqa: E402
from fastrtc.utils import Context, current_context  # noqa: E402
from fastrtc_support import WAIT_S, DataChannelRecorder, FastRTCClient, serve  # noqa: E402

from roomkit.errors import NotFoundError  # noqa: E402
from roomkit.voice.codecs import (  # noqa: E402
    level_dbfs,
    mulaw_decode,
    mulaw_encode,
    pcm16_from_array,
    pcm16_to_array,
)
from roomkit.voice.realtime import fastrtc_transport  # noqa: E402
from roomkit.voice.realtime.base import RealtimeSession  # noqa: E402
from roomkit.voice.realtime.fastrtc_transport import (  # noqa: E402
    FastRTCRealtimeTransport,
    PassthroughHandler,
    mount_fastrtc_realtime,
)


def sine(ms: int, rate: int, hz: float = 440.0) -> bytes:
    """A sine tone at half scale."""
    t = np.arange(rate * ms // 1000) / rate
    return pcm16_from_array(16000 * np.sin(2 * np.pi * hz * t))


@dataclass
class Served:
    transport: FastRTCRealtimeTransport
    url: str
    sessions: asyncio.Queue[RealtimeSession] = field(default_factory=asyncio.Queue)
    audio: bytearray = field(default_factory=bytearray)
    gone: list[RealtimeSession] = field(default_factory=list)
    gone_event: asyncio.Event = field(default_factory=asyncio.Event)
    heard: asyncio.Condition = field(default_factory=asyncio.Condition)

    def endpoint(self, name: str = "websocket/offer") -> str:
        return f"{self.url}/rtc-realtime/{name}"

    async def session(self) -> RealtimeSession:
        return await asyncio.wait_for(self.sessions.get(), WAIT_S)

    async def wait_audio(self, size: int) -> None:
        async with self.heard:
            await asyncio.wait_for(self.heard.wait_for(lambda: len(self.audio) >= size), WAIT_S)


def wire(transport: FastRTCRealtimeTransport, served: Served) -> None:
    async def connected(webrtc_id: str) -> None:
        session = RealtimeSession(room_id="room-1", participant_id=webrtc_id, channel_id="rt")
        await transport.accept(session, webrtc_id)
        served.sessions.put_nowait(session)

    async def audio(session: RealtimeSession, pcm: bytes) -> None:
        served.audio += pcm
        async with served.heard:
            served.heard.notify_all()

    async def gone(session: RealtimeSession) -> None:
        served.gone.append(session)
        served.gone_event.set()

    transport.on_client_connected(connected)
    transport.on_audio_received(audio)
    transport.on_client_disconnected(gone)


@pytest.fixture
async def served() -> AsyncIterator[Served]:
    transport = FastRTCRealtimeTransport()
    app = FastAPI()
    mount_fastrtc_realtime(app, transport)
    async with serve(app) as url:
        state = Served(transport, url)
        wire(transport, state)
        yield state
        await transport.close()


def test_the_transport_defaults_to_16k_in_and_24k_out() -> None:
    transport = FastRTCRealtimeTransport()

    assert transport.name == "fastrtc"
    assert (transport.input_sample_rate, transport.output_sample_rate) == (16000, 24000)


async def test_client_audio_reaches_the_callbacks_as_pcm16(served: Served) -> None:
    tone = sine(400, 16000)
    async with FastRTCClient.open(served.endpoint(), "rt-1") as client:
        session = await served.session()
        await client.send_pcm(tone, 16000)
        await served.wait_audio(len(tone))

    assert session.participant_id == "rt-1"
    assert bytes(served.audio) == mulaw_decode(mulaw_encode(tone))


async def test_audio_sent_to_the_session_reaches_the_client(served: Served) -> None:
    tone = sine(300, 24000)
    async with FastRTCClient.open(served.endpoint()) as client:
        session = await served.session()
        for start in range(0, len(tone), 4800):  # provider-sized deltas of 100 ms
            await served.transport.send_audio(session, tone[start : start + 4800])
        await client.wait_for(lambda c: len(c.media) >= len(tone) // 2)

    received = pcm16_to_array(client.media_pcm()).astype(np.int32)
    sent = pcm16_to_array(tone).astype(np.int32)
    assert len(received) == len(sent)
    assert np.max(np.abs(received - sent)) < 600  # μ-law's quantisation, nothing more


async def test_messages_reach_the_client_as_json(served: Served) -> None:
    async with FastRTCClient.open(served.endpoint()) as client:
        session = await served.session()
        await served.transport.send_message(session, {"type": "speaking", "who": "assistant"})
        await client.wait_for(lambda c: bool(c.of_type("speaking")))

    assert client.of_type("speaking") == [{"type": "speaking", "who": "assistant"}]


async def test_clear_audio_drops_what_was_queued(served: Served) -> None:
    async with FastRTCClient.open(served.endpoint()) as client:
        session = await served.session()
        for _ in range(100):  # 2 s in 20 ms frames: fastrtc sends one frame per 20 ms
            await served.transport.send_audio(session, sine(20, 24000))
        await served.transport.clear_audio(session)
        await served.transport.send_message(session, {"type": "after"})
        await client.wait_for(lambda c: bool(c.of_type("after")))
        await client.ws.send('{"event": "ping"}')
        await client.wait_for(lambda c: {"event": "pong"} in c.messages)

    assert len(client.media) < 24000 // 2  # well under the 2 s queued


async def test_a_client_leaving_is_reported_and_its_session_forgotten(served: Served) -> None:
    async with FastRTCClient.open(served.endpoint()):
        session = await served.session()
    await asyncio.wait_for(served.gone_event.wait(), WAIT_S)

    assert served.gone == [session]
    with pytest.raises(NotFoundError):
        await served.transport.send_audio(session, b"\x00\x00")


async def test_audio_for_a_session_whose_client_left_is_dropped() -> None:
    transport = FastRTCRealtimeTransport()
    session = RealtimeSession(room_id="room-1", participant_id="p", channel_id="rt")
    await transport.accept(session, "not-connected-yet")

    await transport.send_audio(session, b"\x00\x00")
    await transport.send_message(session, {"type": "x"})
    await transport.clear_audio(session)
    await transport.disconnect(session)

    with pytest.raises(NotFoundError):
        await transport.send_message(session, {"type": "x"})


async def test_disconnect_closes_the_client(served: Served) -> None:
    async with FastRTCClient.open(served.endpoint()) as client:
        session = await served.session()
        await served.transport.disconnect(session)
        await asyncio.wait_for(client.closed.wait(), WAIT_S)

    assert served.gone == []
    await served.transport.disconnect(session)  # already gone: nothing to do


async def test_telephony_clients_are_told_to_clear_and_hear_8khz(served: Served) -> None:
    url = served.endpoint("telephone/handler")
    async with FastRTCClient.open(url, "MZ9", phone=True) as client:
        session = await served.session()
        await served.transport.send_audio(session, sine(100, 24000))
        await client.wait_for(lambda c: len(c.media) >= 790)
        await served.transport.clear_audio(session)
        await client.wait_for(lambda c: {"event": "clear", "streamSid": "MZ9"} in c.messages)

    assert abs(len(client.media) - 800) <= 8  # 100 ms at 8 kHz
    assert {m["streamSid"] for m in client.media_messages} == {"MZ9"}


async def test_accept_needs_the_connection_id() -> None:
    transport = FastRTCRealtimeTransport()
    session = RealtimeSession(room_id="room-1", participant_id="p", channel_id="rt")

    with pytest.raises(TypeError, match="webrtc_id"):
        await transport.accept(session, object())


# --- a WebRTC peer: fastrtc's handler driven directly (an aiortc peer would need ICE) ---


async def test_a_webrtc_peer_is_served_through_receive_emit_and_its_data_channel(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fastrtc_transport, "EMIT_WAIT_S", 0.01)
    transport = FastRTCRealtimeTransport()
    stream = transport.build_stream()
    state = Served(transport, "")
    wire(transport, state)
    handler: Any = stream.event_handler.copy()
    assert isinstance(handler, PassthroughHandler)
    handler.set_channel(DataChannelRecorder())
    cleared: list[bool] = []
    handler._clear_queue = lambda: cleared.append(True)
    current_context.set(Context(webrtc_id="rtc-1"))
    await handler.start_up()
    session = await state.session()

    await handler.receive((48000, pcm16_to_array(sine(100, 48000)).reshape(1, -1)))
    assert abs(len(state.audio) - 3200) <= 64  # resampled to 16 kHz
    assert level_dbfs(bytes(state.audio)) > -10

    await transport.send_audio(session, sine(20, 24000))
    rate, samples = await handler.emit()
    assert rate == 24000 and samples.shape == (1, 480)
    await transport.send_message(session, {"type": "hello"})
    assert json.loads(handler.channel.sent[-1]) == {"type": "hello"}
    await transport.send_audio(session, sine(20, 24000))
    await transport.clear_audio(session)
    assert cleared
    assert await handler.emit() is None  # the queued frame was dropped

    stream.clean_up("rtc-1")  # fastrtc's clean-up when the peer connection closes
    await asyncio.wait_for(state.gone_event.wait(), WAIT_S)
    assert state.gone == [session]
    await transport.close()


async def test_close_ends_webrtc_peer_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fastrtc_transport, "EMIT_WAIT_S", 0.01)
    transport = FastRTCRealtimeTransport()
    stream = transport.build_stream()
    handler: Any = stream.event_handler.copy()
    current_context.set(Context(webrtc_id="rtc-2"))
    await handler.start_up()
    await handler.receive((16000, np.zeros(320, dtype=np.int16)))  # no session: ignored
    pc = RTCPeerConnection()
    stream.pcs["rtc-2"] = pc

    await transport.close()

    assert pc.connectionState == "closed"
    assert await handler.emit() is None  # nothing queued: fastrtc is told so


async def test_sessions_can_be_rebound_and_are_closed_with_the_transport() -> None:
    transport = FastRTCRealtimeTransport()
    stream = transport.build_stream()
    handler: Any = stream.event_handler.copy()
    await handler.receive((16000, np.zeros(320, dtype=np.int16)))  # before start-up: ignored
    current_context.set(Context(webrtc_id="rtc-3"))
    await handler.start_up()
    await transport.client_connected(handler.peer)  # the same id again: ignored
    session = RealtimeSession(room_id="room-1", participant_id="p", channel_id="rt")
    await transport.accept(session, "elsewhere")
    await transport.accept(session, "rtc-3")

    await transport.send_audio(session, sine(20, 24000))
    rate, _ = await handler.emit()
    assert rate == 24000

    pc = RTCPeerConnection()
    stream.pcs["rtc-3"] = pc
    await transport.close()
    assert pc.connectionState == "closed"
    with pytest.raises(NotFoundError):
        await transport.send_audio(session, b"\x00\x00")
