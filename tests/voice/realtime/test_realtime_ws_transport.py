"""WebSocketRealtimeTransport over real loopback sockets (websockets and Starlette/uvicorn)."""

from __future__ import annotations

import asyncio
import base64
import json
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from realtime_support import ROOM, build_realtime_room
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket
from websockets.asyncio.client import ClientConnection, connect
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from roomkit import ConfigurationError, RoomKit
from roomkit.models.framework_event import FrameworkEvent
from roomkit.voice.realtime import RealtimeSession
from roomkit.voice.realtime.ws_transport import WebSocketRealtimeTransport
from tests.integrations.conftest import serve as serve_asgi


async def next_frame(ws: ClientConnection) -> bytes | str:
    """The next frame ``ws`` received (bounded wait, so a missing frame fails the test)."""
    async with asyncio.timeout(5):
        return await ws.recv()


async def next_json(ws: ClientConnection) -> Any:
    """The next frame of ``ws``, decoded as JSON."""
    frame = await next_frame(ws)
    assert isinstance(frame, str)
    return json.loads(frame)


@dataclass
class Client:
    """The server side (a transport serving one session) and a connected client."""

    transport: WebSocketRealtimeTransport
    session: RealtimeSession
    ws: ClientConnection
    heard: asyncio.Queue[bytes] = field(default_factory=asyncio.Queue)
    gone: asyncio.Event = field(default_factory=asyncio.Event)

    async def next_frame(self) -> bytes | str:
        """The next frame the client received (bounded wait)."""
        return await next_frame(self.ws)

    async def next_json(self) -> Any:
        """The next frame, decoded as JSON."""
        return await next_json(self.ws)

    async def next_heard(self) -> bytes:
        """The next audio the transport reported from the client (bounded wait)."""
        async with asyncio.timeout(5):
            return await self.heard.get()


@asynccontextmanager
async def connected(
    transport: WebSocketRealtimeTransport, session: RealtimeSession | None = None
) -> AsyncIterator[Client]:
    """Serve a session with ``transport`` on a websockets loopback server; connect to it."""
    session = session or RealtimeSession(room_id=ROOM, participant_id="caller", channel_id="voice")
    accepted = asyncio.Event()

    async def handler(connection: ServerConnection) -> None:
        await transport.accept(session, connection)
        accepted.set()
        await transport.wait_closed(session)

    async with serve(handler, "127.0.0.1", 0) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        async with connect(f"ws://127.0.0.1:{port}") as ws:
            client = Client(transport, session, ws)

            async def on_audio(s: RealtimeSession, audio: bytes) -> None:
                await client.heard.put(audio)

            async def on_gone(s: RealtimeSession) -> None:
                client.gone.set()

            transport.on_audio_received(on_audio)
            transport.on_client_disconnected(on_gone)
            async with asyncio.timeout(5):
                await accepted.wait()
            yield client


def b64(audio: bytes) -> str:
    return base64.b64encode(audio).decode("ascii")


async def test_client_audio_arrives_as_binary_or_base64_frames() -> None:
    async with connected(WebSocketRealtimeTransport()) as client:
        await client.ws.send(b"\x01\x00\x02\x00")
        await client.ws.send(json.dumps({"type": "audio", "data": b64(b"\x03\x00")}))
        for ignored in (
            "not json",
            json.dumps(["audio"]),
            json.dumps({"type": "hello"}),
            json.dumps({"type": "audio", "data": 12}),
            json.dumps({"type": "audio", "data": "!!not base64!!"}),
            b"",
        ):
            await client.ws.send(ignored)
        await client.ws.send(b"\x04\x00")

        assert await client.next_heard() == b"\x01\x00\x02\x00"
        assert await client.next_heard() == b"\x03\x00"
        assert await client.next_heard() == b"\x04\x00"


async def test_audio_and_messages_reach_the_client_in_order() -> None:
    async with connected(WebSocketRealtimeTransport()) as client:
        await client.transport.send_message(client.session, {"type": "speaking", "speaking": True})
        await client.transport.send_audio(client.session, b"\x09\x00\x08\x00")

        assert await client.next_json() == {"type": "speaking", "speaking": True}
        assert await client.next_frame() == b"\x09\x00\x08\x00"


async def test_json_audio_format_sends_base64_text_frames() -> None:
    async with connected(WebSocketRealtimeTransport(audio_format="json")) as client:
        await client.transport.send_audio(client.session, b"\x01\x02")

        assert await client.next_json() == {"type": "audio", "data": b64(b"\x01\x02")}


async def test_clearing_drops_queued_audio_and_tells_the_client() -> None:
    async with connected(WebSocketRealtimeTransport()) as client:
        transport, session = client.transport, client.session
        # Nothing below yields to the writer, so every frame is still queued at the clear.
        await transport.send_message(session, {"type": "transcript", "text": "hi"})
        await transport.send_audio(session, b"\x01\x00")
        await transport.send_audio(session, b"\x02\x00")
        await transport.clear_audio(session)
        await transport.send_audio(session, b"\x03\x00")

        assert await client.next_json() == {"type": "transcript", "text": "hi"}
        assert await client.next_json() == {"type": "clear_audio"}
        assert await client.next_frame() == b"\x03\x00"


async def test_a_client_leaving_is_reported_once() -> None:
    async with connected(WebSocketRealtimeTransport()) as client:
        await client.ws.close()
        async with asyncio.timeout(5):
            await client.gone.wait()
            await client.transport.wait_closed(client.session)

        # The session is forgotten: sending is a no-op, and so is disconnecting.
        await client.transport.send_audio(client.session, b"\x00\x00")
        await client.transport.clear_audio(client.session)
        await client.transport.disconnect(client.session)


async def test_the_server_closing_the_session_closes_the_socket() -> None:
    async with connected(WebSocketRealtimeTransport()) as client:
        await client.transport.disconnect(client.session)

        with pytest.raises(ConnectionClosed):
            await client.next_frame()
        assert not client.gone.is_set()  # the server left: no client-disconnected report


async def test_accepting_a_session_again_replaces_its_connection() -> None:
    async with connected(WebSocketRealtimeTransport()) as first:
        transport, session = first.transport, first.session
        async with connected(transport, session) as second:
            with pytest.raises(ConnectionClosed):
                await first.next_frame()
            await transport.send_message(session, {"type": "hello"})
            assert await second.next_json() == {"type": "hello"}


async def test_closing_the_transport_closes_every_connection() -> None:
    transport = WebSocketRealtimeTransport()
    async with connected(transport) as first, connected(transport) as second:
        await transport.close()

        for client in (first, second):
            with pytest.raises(ConnectionClosed):
                await client.next_frame()


def test_the_audio_format_is_checked() -> None:
    with pytest.raises(ConfigurationError):
        WebSocketRealtimeTransport(audio_format="wav")  # type: ignore[arg-type]


async def test_an_unknown_connection_object_is_refused() -> None:
    transport = WebSocketRealtimeTransport()
    session = RealtimeSession(room_id=ROOM, participant_id="caller", channel_id="voice")

    with pytest.raises(TypeError, match="unsupported WebSocket connection"):
        await transport.accept(session, object())
    assert transport.name == "websocket"


# --- the channel over a Starlette endpoint served by uvicorn -------------------------


async def test_a_realtime_session_over_a_starlette_websocket(kit: RoomKit) -> None:
    transport = WebSocketRealtimeTransport()
    room = await build_realtime_room(kit, transport=transport)
    ended = asyncio.Event()

    @kit.on("realtime_session_ended")
    async def on_ended(event: FrameworkEvent) -> None:
        ended.set()

    async def endpoint(websocket: WebSocket) -> None:
        session = await room.channel.start_session(ROOM, "caller", websocket)
        await transport.wait_closed(session)

    app = Starlette(routes=[WebSocketRoute("/realtime", endpoint)])
    async with serve_asgi(app) as base_url:
        url = "ws" + base_url.removeprefix("http") + "/realtime"
        async with connect(url) as ws:
            started = await next_json(ws)
            assert started["type"] == "session_started"
            (session,) = room.channel.sessions(ROOM)
            assert started["session_id"] == session.id

            await ws.send(b"\x01\x00" * 80)
            async with asyncio.timeout(5):
                await room.provider.wait_for_call("send_audio")
            assert room.provider.sent_audio(session) == b"\x01\x00" * 80

            await room.provider.simulate_transcription(session, "What time is it?")
            await room.provider.simulate_audio(session, b"\x07\x00" * 40)
            assert await next_json(ws) == {
                "type": "transcript",
                "role": "user",
                "text": "What time is it?",
                "final": True,
            }
            assert await next_json(ws) == {"type": "speaking", "speaking": True}
            assert await next_frame(ws) == b"\x07\x00" * 40
            await room.provider.simulate_speech_start(session)  # talking over the model
            assert await next_json(ws) == {"type": "user_speaking", "speaking": True}
            assert await next_json(ws) == {"type": "clear_audio"}
            assert await next_json(ws) == {"type": "interrupted"}

        async with asyncio.timeout(5):
            await ended.wait()
    await room.channel.wait_idle()

    assert room.channel.sessions() == []
    assert room.events_of("realtime_session_ended")[0]["reason"] == "client_disconnected"
    assert await room.messages() == [("voice", "What time is it?")]
    assert room.inbox.texts == ["What time is it?"]


def test_a_missing_websockets_names_the_extra_to_install() -> None:
    code = (
        "import sys; sys.modules['websockets'] = None\n"
        "import roomkit, roomkit.voice.realtime, roomkit.channels.realtime_voice\n"
        "import roomkit.voice.realtime.ws_transport\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)

    assert run.returncode == 1
    assert "install it with: pip install 'roomkit[websocket]'" in run.stderr
