"""A served FastAPI app and a fastrtc WebSocket client for the FastRTC tests.

Import as ``from fastrtc_support import ...`` (``tests/voice`` is on the path).
``serve`` runs the app with uvicorn in this event loop on a loopback socket bound
before the server starts (clients can connect at once). :class:`FastRTCClient` speaks
fastrtc's WebSocket protocol: a ``start`` message, then base64 μ-law ``media``
messages; it collects what the server sends back (media, decoded to PCM, and JSON
text messages) in a background reader.
"""

from __future__ import annotations

import asyncio
import base64
import json
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import uvicorn
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from roomkit.voice.codecs import mulaw_decode, mulaw_encode, pcm16_from_array, resample_pcm16

WAIT_S = 10.0
"""Upper bound on any wait for the server (they normally take milliseconds)."""

OUT_RATE = 24000
"""fastrtc's default output rate."""


def tone(ms: int, rate: int = OUT_RATE, level: int = 3000) -> bytes:
    """A square test signal (blocks of 20 samples) of ``ms`` milliseconds."""
    samples = [level if (i // 20) % 2 else -level for i in range(rate * ms // 1000)]
    return pcm16_from_array(samples)


class DataChannelRecorder:
    """fastrtc's ``DataChannel`` protocol: records what a WebRTC data channel is sent."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def send(self, message: str) -> None:
        """Record one message."""
        self.sent.append(message)


@asynccontextmanager
async def serve(app: Any) -> AsyncIterator[str]:
    """Serve ``app`` on loopback; yield its WebSocket base URL (``ws://127.0.0.1:<port>``)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.setblocking(False)
    config = uvicorn.Config(app, lifespan="off", log_level="warning", ws="websockets-sansio")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        yield f"ws://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await task
        sock.close()


class FastRTCClient:
    """One client of a fastrtc WebSocket endpoint (``/websocket/offer`` or telephony)."""

    def __init__(self, ws: ClientConnection, client_id: str, *, phone: bool) -> None:
        self.ws = ws
        self.client_id = client_id
        self.phone = phone
        self.media = bytearray()
        """μ-law bytes received so far, in order."""
        self.media_messages: list[dict[str, Any]] = []
        self.messages: list[Any] = []
        """Every other message (JSON text, decoded)."""
        self.closed = asyncio.Event()
        self._changed = asyncio.Condition()
        self._reader = asyncio.create_task(self._read())

    @classmethod
    @asynccontextmanager
    async def open(
        cls, url: str, client_id: str = "client-1", *, phone: bool = False
    ) -> AsyncIterator[FastRTCClient]:
        """Connect, send fastrtc's ``start`` message, and close on exit."""
        async with connect(url) as ws:
            client = cls(ws, client_id, phone=phone)
            key = "streamSid" if phone else "websocket_id"
            await ws.send(json.dumps({"event": "start", key: client_id}))
            try:
                yield client
            finally:
                client._reader.cancel()

    async def send_pcm(self, pcm: bytes, rate: int, *, frame_ms: int = 20) -> None:
        """Send 16-bit PCM as μ-law media messages of ``frame_ms`` each."""
        frame = 2 * rate * frame_ms // 1000
        for start in range(0, len(pcm), frame):
            payload = base64.b64encode(mulaw_encode(pcm[start : start + frame])).decode()
            message: dict[str, Any] = {"event": "media", "media": {"payload": payload}}
            if self.phone:
                message["streamSid"] = self.client_id
            await self.ws.send(json.dumps(message))

    async def speak(self, pcm_16k: bytes, rate: int) -> None:
        """Send 16 kHz speech resampled to the endpoint's input ``rate``."""
        await self.send_pcm(resample_pcm16(pcm_16k, 16000, rate), rate)

    def media_pcm(self) -> bytes:
        """The received audio decoded to 16-bit PCM."""
        return mulaw_decode(bytes(self.media))

    def of_type(self, kind: str) -> list[Any]:
        """The JSON messages whose ``type`` is ``kind``."""
        return [m for m in self.messages if isinstance(m, dict) and m.get("type") == kind]

    async def wait_for(self, condition: Callable[[FastRTCClient], bool]) -> None:
        """Wait (bounded) until ``condition(self)`` holds."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: condition(self)), WAIT_S)

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                message = json.loads(raw)
                if isinstance(message, dict) and message.get("event") == "media":
                    self.media += base64.b64decode(message["media"]["payload"])
                    self.media_messages.append(message)
                else:
                    self.messages.append(message)
                async with self._changed:
                    self._changed.notify_all()
        except ConnectionClosed:
            pass
        finally:
            self.closed.set()
            async with self._changed:
                self._changed.notify_all()
