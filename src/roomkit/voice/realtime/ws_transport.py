"""WebSocketRealtimeTransport: the client of a realtime voice session over a WebSocket.

The transport serves WebSockets your server already accepted (or is accepting): a
Starlette/FastAPI ``WebSocket`` (accepted here if the endpoint has not done it yet) or a
``websockets`` connection (``websockets.asyncio`` server or client side).

Wire protocol (audio is 16-bit little-endian mono PCM, at the channel's input rate from
the client and its output rate to the client):

* client to server: a **binary** frame is audio; a text frame
  ``{"type": "audio", "data": "<base64 PCM16>"}`` is audio too; other text frames are
  ignored.
* server to client: audio as **binary** frames (with ``audio_format="json"``, as text
  frames ``{"type": "audio", "data": "<base64 PCM16>"}``); every other message is a JSON
  text frame (transcripts, speaking indicators...). ``{"type": "clear_audio"}`` means
  "drop the audio you buffered but have not played yet" (the participant interrupted).

Outgoing frames go through a queue per connection, so a slow client never holds up the
model, and :meth:`~WebSocketRealtimeTransport.clear_audio` can drop audio still queued.
Keep the connection's handler (or endpoint) alive with
:meth:`~WebSocketRealtimeTransport.wait_closed` until the session ends.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from roomkit.errors import ConfigurationError
from roomkit.voice.realtime.base import RealtimeSession
from roomkit.voice.realtime.transport import RealtimeAudioTransport

try:
    from websockets.asyncio.connection import Connection
    from websockets.exceptions import ConnectionClosed
except ImportError as exc:  # pragma: no cover - checked in a subprocess by the tests
    raise ImportError(
        "WebSocketRealtimeTransport needs websockets; install it with: "
        "pip install 'roomkit[websocket]'"
    ) from exc

__all__ = ["WebSocketRealtimeTransport"]

logger = logging.getLogger("roomkit.voice.realtime.ws_transport")

AudioFormat = Literal["binary", "json"]


class _Socket(Protocol):
    """The little a transport needs from a WebSocket, whatever library it comes from."""

    async def receive(self) -> bytes | str | None:
        """The next frame, or ``None`` once the connection is closed."""

    async def send(self, frame: bytes | str) -> None:
        """Send a binary (bytes) or text (str) frame."""

    async def close(self) -> None:
        """Close the connection."""


class _WebsocketsSocket:
    """A ``websockets`` (asyncio) connection."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def receive(self) -> bytes | str | None:
        try:
            return await self._connection.recv()
        except ConnectionClosed:
            return None

    async def send(self, frame: bytes | str) -> None:
        await self._connection.send(frame)

    async def close(self) -> None:
        await self._connection.close()


class _StarletteSocket:
    """A Starlette (or FastAPI) ``WebSocket``, read through its raw ASGI messages."""

    def __init__(self, websocket: Any) -> None:
        self._websocket = websocket

    async def open(self) -> None:
        if getattr(self._websocket.client_state, "name", "") == "CONNECTING":
            await self._websocket.accept()

    async def receive(self) -> bytes | str | None:
        message = await self._websocket.receive()
        if message["type"] == "websocket.disconnect":
            return None
        data: bytes | None = message.get("bytes")
        return data if data is not None else str(message.get("text") or "")

    async def send(self, frame: bytes | str) -> None:
        if isinstance(frame, bytes):
            await self._websocket.send_bytes(frame)
        else:
            await self._websocket.send_text(frame)

    async def close(self) -> None:
        await self._websocket.close()


async def _socket_for(connection: Any) -> _Socket:
    """Wrap a supported connection object (accepting a Starlette socket if needed)."""
    if isinstance(connection, Connection):
        return _WebsocketsSocket(connection)
    if callable(getattr(connection, "receive", None)) and callable(
        getattr(connection, "send_bytes", None)
    ):
        socket = _StarletteSocket(connection)
        await socket.open()
        return socket
    raise TypeError(
        f"unsupported WebSocket connection {type(connection).__name__}: pass a Starlette "
        "WebSocket or a websockets connection"
    )


def _audio_of(frame: bytes | str) -> bytes | None:
    """The audio carried by a client frame, or ``None`` if it carries none."""
    if isinstance(frame, bytes):
        return frame or None
    try:
        message = json.loads(frame)
    except ValueError:
        return None
    if not isinstance(message, dict) or message.get("type") != "audio":
        return None
    data = message.get("data")
    if not isinstance(data, str):
        return None
    try:
        return base64.b64decode(data, validate=True) or None
    except (binascii.Error, ValueError):
        return None


@dataclass(frozen=True, slots=True)
class _Outgoing:
    frame: bytes | str
    audio: bool


@dataclass
class _Peer:
    """One connected client: its socket, outgoing queue and the tasks serving it."""

    session: RealtimeSession
    socket: _Socket
    outbox: asyncio.Queue[_Outgoing] = field(default_factory=asyncio.Queue)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    closed: asyncio.Event = field(default_factory=asyncio.Event)


class WebSocketRealtimeTransport(RealtimeAudioTransport):
    """Carries PCM16 audio and JSON messages over one WebSocket per realtime session."""

    def __init__(self, *, audio_format: AudioFormat = "binary") -> None:
        super().__init__()
        if audio_format not in ("binary", "json"):
            raise ConfigurationError("audio_format must be 'binary' or 'json'")
        self.audio_format: AudioFormat = audio_format
        self._peers: dict[str, _Peer] = {}

    @property
    def name(self) -> str:
        """Transport name used in logs."""
        return "websocket"

    async def accept(self, session: RealtimeSession, connection: Any) -> None:
        """Serve ``connection`` for ``session``: read its audio, write what is sent to it."""
        previous = self._peers.get(session.id)
        if previous is not None:
            await self._release(previous)
        peer = _Peer(session, await _socket_for(connection))
        self._peers[session.id] = peer
        peer.tasks.append(asyncio.create_task(self._read(peer)))
        peer.tasks.append(asyncio.create_task(self._write(peer)))

    async def send_audio(self, session: RealtimeSession, audio: bytes) -> None:
        """Queue PCM16 audio for the client (ignored once the client is gone)."""
        if self.audio_format == "json":
            text = json.dumps({"type": "audio", "data": base64.b64encode(audio).decode("ascii")})
            self._queue(session, _Outgoing(text, audio=True))
        else:
            self._queue(session, _Outgoing(bytes(audio), audio=True))

    async def send_message(self, session: RealtimeSession, message: dict[str, Any]) -> None:
        """Queue a JSON message for the client (ignored once the client is gone)."""
        self._queue(session, _Outgoing(json.dumps(message), audio=False))

    async def clear_audio(self, session: RealtimeSession) -> None:
        """Drop the audio still queued and tell the client to drop what it buffered."""
        peer = self._peers.get(session.id)
        if peer is None:
            return
        kept = []
        while not peer.outbox.empty():
            outgoing = peer.outbox.get_nowait()
            if not outgoing.audio:
                kept.append(outgoing)
        for outgoing in kept:
            peer.outbox.put_nowait(outgoing)
        peer.outbox.put_nowait(_Outgoing(json.dumps({"type": "clear_audio"}), audio=False))

    async def disconnect(self, session: RealtimeSession) -> None:
        """Close the session's connection (frames still queued are dropped)."""
        peer = self._peers.get(session.id)
        if peer is not None:
            await self._release(peer)

    async def wait_closed(self, session: RealtimeSession) -> None:
        """Wait until the session's connection is closed, by the client or by the server."""
        peer = self._peers.get(session.id)
        if peer is not None:
            await peer.closed.wait()

    async def close(self) -> None:
        """Close every connection."""
        for peer in list(self._peers.values()):
            await self._release(peer)

    def _queue(self, session: RealtimeSession, outgoing: _Outgoing) -> None:
        peer = self._peers.get(session.id)
        if peer is None:
            logger.debug("realtime session %s has no client; frame dropped", session.id)
            return
        peer.outbox.put_nowait(outgoing)

    async def _read(self, peer: _Peer) -> None:
        """Report the client's audio until the connection closes, then its departure."""
        while True:
            try:
                frame = await peer.socket.receive()
            except Exception as exc:
                logger.debug("reading realtime session %s failed: %r", peer.session.id, exc)
                frame = None
            if frame is None:
                break
            audio = _audio_of(frame)
            if audio is None:
                logger.debug("ignoring a non-audio frame of session %s", peer.session.id)
                continue
            await self._fire_audio_received(peer.session, audio)
        if self._peers.get(peer.session.id) is peer:
            await self._release(peer)
            await self._fire_client_disconnected(peer.session)

    async def _write(self, peer: _Peer) -> None:
        """Send queued frames in order; stop at the first failure (the client is gone)."""
        while True:
            outgoing = await peer.outbox.get()
            try:
                await peer.socket.send(outgoing.frame)
            except Exception as exc:
                logger.debug("writing to realtime session %s failed: %r", peer.session.id, exc)
                return

    async def _release(self, peer: _Peer) -> None:
        """Forget the peer, stop its tasks (but not the caller's) and close its socket."""
        if self._peers.get(peer.session.id) is peer:
            del self._peers[peer.session.id]
        current = asyncio.current_task()
        others = [task for task in peer.tasks if task is not current]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)
        try:
            await peer.socket.close()
        except Exception as exc:
            logger.debug("closing realtime session %s failed: %r", peer.session.id, exc)
        peer.closed.set()
