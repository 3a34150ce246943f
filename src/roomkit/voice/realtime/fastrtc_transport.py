"""FastRTCRealtimeTransport: speech-to-speech audio over FastRTC (WebRTC or WebSocket).

The transport mounts a fastrtc ``Stream`` whose handler is a plain passthrough: no
pause detection, no STT/TTS. Audio from the client goes, as 16-bit PCM at
``input_sample_rate``, to the ``on_audio_received`` callbacks (a realtime voice
channel forwards it to the speech-to-speech provider); audio given to
:meth:`FastRTCRealtimeTransport.send_audio` (PCM16 at ``output_sample_rate``) is
queued for fastrtc to play to the client. JSON messages go over the WebRTC data
channel, or as text frames to WebSocket clients.

A client is identified by fastrtc's connection id (``webrtc_id``). When one connects,
the ``on_client_connected`` callbacks get that id, typically to start a realtime
session that calls ``accept(session, webrtc_id)``. When it goes away the session's
``on_client_disconnected`` callbacks run.

Install with ``pip install 'roomkit[fastrtc]'``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from roomkit.errors import NotFoundError
from roomkit.voice._callbacks import call_each
from roomkit.voice._fastrtc import (
    AsyncStreamHandler,
    EmitType,
    Frame,
    ObservedStream,
    Peer,
    Stream,
    frame_from_pcm16,
    get_current_context,
    pcm16_from_frame,
)
from roomkit.voice.codecs import Resampler
from roomkit.voice.realtime.base import RealtimeSession
from roomkit.voice.realtime.transport import RealtimeAudioTransport

__all__ = [
    "ClientConnectedCallback",
    "FastRTCRealtimeTransport",
    "PassthroughHandler",
    "mount_fastrtc_realtime",
]

logger = logging.getLogger("roomkit.voice.realtime.fastrtc")

ClientConnectedCallback = Callable[[str], Awaitable[None]]
"""Called with the connection id (``webrtc_id``) of a client that connected."""

EMIT_WAIT_S = 1.0
"""How long ``emit`` waits for audio before telling fastrtc there is none."""


class PassthroughHandler(AsyncStreamHandler):
    """A fastrtc handler that only moves audio between a client and the transport."""

    def __init__(
        self,
        transport: FastRTCRealtimeTransport,
        *,
        input_sample_rate: int,
        output_sample_rate: int,
    ) -> None:
        super().__init__(
            expected_layout="mono",
            output_sample_rate=output_sample_rate,
            input_sample_rate=input_sample_rate,
        )
        self.transport = transport
        self.peer: Peer | None = None
        self._outbound: asyncio.Queue[Frame] = asyncio.Queue()
        self._input_resampler: Resampler | None = None

    def copy(self) -> PassthroughHandler:
        """A fresh handler with the same settings (fastrtc makes one per connection)."""
        return PassthroughHandler(
            self.transport,
            input_sample_rate=self.input_sample_rate,
            output_sample_rate=self.output_sample_rate,
        )

    async def start_up(self) -> None:
        """Learn which connection this copy serves and report the client."""
        context = get_current_context()
        self.peer = Peer(context.webrtc_id, self, context.websocket, bool(self.phone_mode))
        await self.transport.client_connected(self.peer)

    async def receive(self, frame: tuple[int, Any]) -> None:
        """Hand the client's audio to the transport as PCM16 at ``input_sample_rate``."""
        if self.peer is None:
            return
        rate, samples = frame
        pcm = pcm16_from_frame(samples)
        if rate != self.input_sample_rate:
            if self._input_resampler is None or self._input_resampler.from_rate != rate:
                self._input_resampler = Resampler(rate, self.input_sample_rate)
            pcm = self._input_resampler.process(pcm)
        if pcm:
            await self.transport.audio_from(self.peer, pcm)

    async def emit(self) -> EmitType:
        """The next queued frame for the client, or ``None`` after a short wait."""
        try:
            return await asyncio.wait_for(self._outbound.get(), EMIT_WAIT_S)
        except TimeoutError:
            return None

    def push_frame(self, frame: Frame) -> None:
        """Queue a frame for the client."""
        self._outbound.put_nowait(frame)

    def drop_frames(self) -> None:
        """Forget queued frames, here and in fastrtc's own output queue."""
        while not self._outbound.empty():
            self._outbound.get_nowait()
        if self._clear_queue is not None:
            self._clear_queue()


class FastRTCRealtimeTransport(RealtimeAudioTransport):
    """Realtime (speech-to-speech) sessions' audio carried by FastRTC, passed through."""

    def __init__(self, *, input_sample_rate: int = 16000, output_sample_rate: int = 24000) -> None:
        super().__init__()
        self.input_sample_rate = input_sample_rate
        self.output_sample_rate = output_sample_rate
        self._stream: Stream | None = None
        self._peers: dict[str, Peer] = {}
        self._sessions: dict[str, RealtimeSession] = {}
        """Sessions by the connection id they were accepted with."""
        self._ids: dict[str, str] = {}
        """Connection ids by session id."""
        self._connected_callbacks: list[ClientConnectedCallback] = []
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def name(self) -> str:
        """Transport name used in logs."""
        return "fastrtc"

    def build_stream(self, *, concurrency_limit: int = 100) -> Stream:
        """The fastrtc ``Stream`` serving this transport (mount it with ``stream.mount``)."""
        handler = PassthroughHandler(
            self,
            input_sample_rate=self.input_sample_rate,
            output_sample_rate=self.output_sample_rate,
        )
        stream = ObservedStream(
            handler, on_closed=self._connection_closed, concurrency_limit=concurrency_limit
        )
        self._stream = stream
        return stream

    def on_client_connected(self, callback: ClientConnectedCallback) -> None:
        """Register a callback for a client connecting (gets its ``webrtc_id``)."""
        self._connected_callbacks.append(callback)

    async def accept(self, session: RealtimeSession, connection: Any) -> None:
        """Bind ``session`` to the client with connection id ``connection`` (a str)."""
        if not isinstance(connection, str):
            raise TypeError("FastRTCRealtimeTransport.accept expects the client's webrtc_id")
        previous = self._ids.pop(session.id, None)
        if previous is not None:
            self._sessions.pop(previous, None)
        self._sessions[connection] = session
        self._ids[session.id] = connection

    async def send_audio(self, session: RealtimeSession, audio: bytes) -> None:
        """Queue PCM16 audio (at ``output_sample_rate``) for the session's client."""
        peer = self._peer_of(session)
        if peer is None:
            logger.debug("audio for session %s dropped: client not connected", session.id)
            return
        handler = peer.handler
        assert isinstance(handler, PassthroughHandler)
        handler.push_frame(frame_from_pcm16(audio, self.output_sample_rate))

    async def send_message(self, session: RealtimeSession, message: dict[str, Any]) -> None:
        """Send a JSON message over the data channel (or as a WebSocket text frame)."""
        peer = self._peer_of(session)
        if peer is None:
            logger.debug("message for session %s dropped: client not connected", session.id)
            return
        await peer.send_json(message)

    async def clear_audio(self, session: RealtimeSession) -> None:
        """Drop audio queued for the client; telephony clients are told to flush too."""
        peer = self._peer_of(session)
        if peer is None:
            return
        handler = peer.handler
        assert isinstance(handler, PassthroughHandler)
        handler.drop_frames()
        if peer.phone_mode:
            await peer.send_json({"event": "clear", "streamSid": peer.webrtc_id})

    async def disconnect(self, session: RealtimeSession) -> None:
        """Close the session's client connection and forget the session."""
        webrtc_id = self._id_of(session)
        if webrtc_id is None:
            return
        del self._sessions[webrtc_id]
        del self._ids[session.id]
        peer = self._peers.pop(webrtc_id, None)
        if peer is not None:
            await peer.close(self._stream)

    async def close(self) -> None:
        """Close every client connection."""
        for session in list(self._sessions.values()):
            await self.disconnect(session)
        for peer in list(self._peers.values()):
            await peer.close(self._stream)
        self._peers.clear()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    # --- reports from the handlers (on the event loop) ------------------------------

    async def client_connected(self, peer: Peer) -> None:
        """A client connected: remember it and run the connected callbacks."""
        if peer.webrtc_id in self._peers:
            logger.warning("connection id %s is already connected; ignoring", peer.webrtc_id)
            return
        self._peers[peer.webrtc_id] = peer
        await call_each(
            logger, "fastrtc client_connected", self._connected_callbacks, peer.webrtc_id
        )

    async def audio_from(self, peer: Peer, pcm: bytes) -> None:
        """Audio arrived from a client: pass it on if it belongs to a session."""
        if self._peers.get(peer.webrtc_id) is not peer:
            return
        session = self._sessions.get(peer.webrtc_id)
        if session is not None:
            await self._fire_audio_received(session, pcm)

    def _connection_closed(self, webrtc_id: str | None, websocket: Any) -> None:
        if webrtc_id is None:
            peer = next((p for p in self._peers.values() if p.websocket is websocket), None)
            webrtc_id = peer.webrtc_id if peer is not None else None
        if webrtc_id is None or self._peers.pop(webrtc_id, None) is None:
            return
        session = self._sessions.pop(webrtc_id, None)
        if session is not None:
            self._ids.pop(session.id, None)
            self._spawn(self._fire_client_disconnected(session))

    # --- internals ------------------------------------------------------------------

    def _id_of(self, session: RealtimeSession) -> str | None:
        webrtc_id = self._ids.get(session.id)
        return (
            webrtc_id
            if webrtc_id is not None and self._sessions.get(webrtc_id) is session
            else None
        )

    def _peer_of(self, session: RealtimeSession) -> Peer | None:
        webrtc_id = self._id_of(session)
        if webrtc_id is None:
            raise NotFoundError(f"realtime session {session.id!r} was not accepted here")
        return self._peers.get(webrtc_id)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def mount_fastrtc_realtime(
    app: Any,
    transport: FastRTCRealtimeTransport,
    *,
    path: str = "/rtc-realtime",
    concurrency_limit: int = 100,
) -> Stream:
    """Serve ``transport`` on a FastAPI ``app`` under ``path``; return the fastrtc Stream."""
    stream = transport.build_stream(concurrency_limit=concurrency_limit)
    stream.mount(app, path=path)
    return stream
