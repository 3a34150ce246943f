"""FastRTCVoiceBackend: voice sessions over FastRTC's WebSocket, telephony and WebRTC.

:func:`mount_fastrtc_voice` puts a fastrtc ``Stream`` on a FastAPI app. Its endpoints
(under ``path``) are fastrtc's own:

* ``/websocket/offer``: JSON messages ``{"event": "start", "websocket_id": ...}``, then
  ``{"event": "media", "media": {"payload": <base64 μ-law>}}`` at
  ``input_sample_rate``; the caller hears μ-law media messages at
  ``output_sample_rate``.
* ``/telephone/handler``: a Twilio-style media stream (``streamSid``, 8 kHz μ-law both
  ways).
* ``/webrtc/offer``: a WebRTC peer (audio frames over RTP).

Each client connection is one voice session: either created by ``session_factory``
when the client connects, or opened beforehand with :meth:`FastRTCVoiceBackend.connect`
and ``metadata={"webrtc_id": <the client's id>}``. fastrtc's ``ReplyOnPause`` (with
the offline :class:`~roomkit.voice.backends.fastrtc_vad.LocalPauseDetectionModel`
unless another model is given) finds the utterances; each is handed to the speech-end
callbacks as 16-bit PCM at ``speech_sample_rate`` (also put in the session's
``metadata["input_sample_rate"]``). Audio sent to a WebSocket client is encoded with
:mod:`roomkit.voice.codecs` and paced in real time, so it can be cancelled.
Transcripts reach the client as ``{"type": "transcription", "data": {"text", "role"}}``.

Install with ``pip install 'roomkit[fastrtc]'``.
"""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from typing import Any

from roomkit.errors import NotFoundError
from roomkit.models._util import new_id
from roomkit.voice._callbacks import call_each
from roomkit.voice._fastrtc import AlgoOptions, ObservedStream, Peer, Stream, frame_from_pcm16
from roomkit.voice.backends._fastrtc_handler import PauseHandler
from roomkit.voice.backends._fastrtc_link import Link
from roomkit.voice.backends._fastrtc_playout import Playout
from roomkit.voice.backends.base import VoiceBackend
from roomkit.voice.backends.fastrtc_vad import LocalPauseDetectionModel
from roomkit.voice.base import (
    AudioChunk,
    SpeechEndCallback,
    SpeechStartCallback,
    VoiceCapability,
    VoiceSession,
    VoiceSessionState,
)
from roomkit.voice.codecs import mulaw_encode, resample_pcm16

__all__ = [
    "WEBRTC_ID_KEY",
    "ClientDisconnectedCallback",
    "FastRTCVoiceBackend",
    "SessionFactory",
    "mount_fastrtc_voice",
]

logger = logging.getLogger("roomkit.voice.backends.fastrtc")

WEBRTC_ID_KEY = "webrtc_id"
"""Session metadata key holding the fastrtc connection id the session is bound to."""

SessionFactory = Callable[[str], Awaitable[VoiceSession | None]]
"""Called with the connection id when a client connects; returns its session (or None)."""

ClientDisconnectedCallback = Callable[[VoiceSession], Awaitable[None]]
"""Called when the client connection of a session goes away."""


async def _one_chunk(chunk: AudioChunk) -> AsyncIterator[AudioChunk]:
    yield chunk


class FastRTCVoiceBackend(VoiceBackend):
    """Voice sessions carried by FastRTC, with ReplyOnPause finding the utterances."""

    def __init__(
        self,
        *,
        input_sample_rate: int = 48000,
        output_sample_rate: int = 24000,
        speech_sample_rate: int = 16000,
        pause_model: Any = None,
        algo_options: AlgoOptions | None = None,
        model_options: Any = None,
        session_factory: SessionFactory | None = None,
        playback_lead_ms: int = 200,
    ) -> None:
        super().__init__()
        self.input_sample_rate = input_sample_rate
        self.output_sample_rate = output_sample_rate
        self.speech_sample_rate = speech_sample_rate
        self.session_factory = session_factory
        """Creates the session of a client that connects with an unknown id."""
        self._pause_model = pause_model if pause_model is not None else LocalPauseDetectionModel()
        self._algo_options = algo_options
        self._model_options = model_options
        self._lead_ms = playback_lead_ms
        self._stream: Stream | None = None
        self._links: dict[str, Link] = {}
        self._sessions: dict[str, VoiceSession] = {}
        self._waiting: dict[str, VoiceSession] = {}
        """Sessions opened for a connection id whose client has not connected yet."""
        self._disconnected_callbacks: list[ClientDisconnectedCallback] = []
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def name(self) -> str:
        """Backend name used in logs."""
        return "fastrtc"

    @property
    def capabilities(self) -> VoiceCapability:
        """Playback can be cancelled, and speech over playback is reported."""
        return VoiceCapability.INTERRUPTION | VoiceCapability.BARGE_IN

    def build_stream(self, *, concurrency_limit: int = 100) -> Stream:
        """The fastrtc ``Stream`` serving this backend (mount it with ``stream.mount``)."""
        handler = PauseHandler(
            self,
            input_sample_rate=self.input_sample_rate,
            output_sample_rate=self.output_sample_rate,
            model=self._pause_model,
            algo_options=self._algo_options,
            model_options=self._model_options,
        )
        stream = ObservedStream(
            handler, on_closed=self._connection_closed, concurrency_limit=concurrency_limit
        )
        self._stream = stream
        return stream

    # --- sessions -------------------------------------------------------------------

    async def connect(
        self,
        room_id: str,
        participant_id: str,
        channel_id: str,
        *,
        metadata: dict[str, Any] | None = None,
    ) -> VoiceSession:
        """Open a session; ``metadata["webrtc_id"]`` binds it to that client connection."""
        session = VoiceSession(
            id=new_id(),
            room_id=room_id,
            participant_id=participant_id,
            channel_id=channel_id,
            metadata={**(metadata or {}), "input_sample_rate": self.speech_sample_rate},
        )
        self._sessions[session.id] = session
        webrtc_id = session.metadata.get(WEBRTC_ID_KEY)
        if isinstance(webrtc_id, str):
            link = self._links.get(webrtc_id)
            if link is not None and link.session is None:
                self._bind(link, session)
            else:
                self._waiting[webrtc_id] = session
        return session

    async def disconnect(self, session: VoiceSession) -> None:
        """End the session and close its client connection."""
        link = self._link_of(session)
        self._forget(session)
        if link is not None:
            self._links.pop(link.peer.webrtc_id, None)
            await link.shut()
            await link.peer.close(self._stream)

    def on_client_disconnected(self, callback: ClientDisconnectedCallback) -> None:
        """Register a callback for a session's client going away (e.g. to end it in the kit)."""
        self._disconnected_callbacks.append(callback)

    def on_speech_start(self, callback: SpeechStartCallback) -> None:
        """Register a callback for pause detection hearing the caller start."""
        self._speech_start_callbacks.append(callback)

    def on_speech_end(self, callback: SpeechEndCallback) -> None:
        """Register a callback for an utterance (PCM at ``speech_sample_rate``)."""
        self._speech_end_callbacks.append(callback)

    # --- playback and messages ------------------------------------------------------

    async def send_audio(
        self, session: VoiceSession, audio: bytes | AsyncIterator[AudioChunk]
    ) -> None:
        """Play audio to the session's client; returns once heard or cancelled.

        Raw bytes are 16-bit mono PCM at ``output_sample_rate``; chunks may have any
        rate. Raises :class:`~roomkit.errors.NotFoundError` when no client is connected.
        """
        link = self._link_of(session)
        if link is None:
            raise NotFoundError(f"voice session {session.id!r} has no connected client")
        if isinstance(audio, bytes):
            audio = _one_chunk(AudioChunk(data=audio, sample_rate=self.output_sample_rate))
        await link.playout.play(audio)

    async def cancel_audio(self, session: VoiceSession) -> bool:
        """Stop what is being played to the session; True if something was."""
        link = self._link_of(session)
        return link is not None and await link.playout.cancel()

    def is_playing(self, session: VoiceSession) -> bool:
        """Whether audio is being played to the session's client."""
        link = self._link_of(session)
        return link is not None and link.playout.playing

    async def send_transcription(
        self, session: VoiceSession, text: str, role: str = "user"
    ) -> None:
        """Send a transcript line to the client as a JSON message."""
        link = self._link_of(session)
        if link is None:
            logger.debug("transcript for session %s dropped: no client", session.id)
            return
        message = {"type": "transcription", "data": {"text": text, "role": role}}
        await link.peer.send_json(message)

    async def close(self) -> None:
        """Close every client connection and end every session."""
        links = list(self._links.values())
        self._links.clear()
        for link in links:
            await link.shut()
            await link.peer.close(self._stream)
        for session in list(self._sessions.values()):
            self._forget(session)
        self._waiting.clear()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    # --- reports from the handlers (on the event loop) ------------------------------

    async def client_connected(self, peer: Peer) -> None:
        """A client connected: bind its waiting session or ask the session factory."""
        if peer.webrtc_id in self._links:
            logger.warning("connection id %s is already connected; ignoring", peer.webrtc_id)
            return
        link = Link(peer, self._playout(peer))
        self._links[peer.webrtc_id] = link
        session = self._waiting.pop(peer.webrtc_id, None)
        if session is None and self.session_factory is not None:
            try:
                session = await self.session_factory(peer.webrtc_id)
            except Exception:
                logger.exception("session factory failed for connection %s", peer.webrtc_id)
        if session is None:
            logger.warning("no voice session for connection %s", peer.webrtc_id)
            return
        self._sessions.setdefault(session.id, session)
        if self._links.get(peer.webrtc_id) is not link:  # it left while the factory ran
            link.session = session
            await self._client_gone(link)
        elif self._link_of(session) is None:
            self._waiting.pop(peer.webrtc_id, None)
            self._bind(link, session)

    def speech_started(self, peer: Peer) -> None:
        """The caller started talking: barge-in if audio is playing, then speech start."""
        link = self._live_link(peer)
        if link is None or link.session is None:
            return
        session = link.session
        if link.playout.playing:
            link.post(lambda: self._fire_barge_in(session))
        link.post(lambda: self._fire_speech_start(session))

    def speech_ended(self, peer: Peer, sample_rate: int, pcm: bytes) -> None:
        """The caller paused: hand the utterance to the speech-end callbacks."""
        link = self._live_link(peer)
        if link is None or link.session is None:
            return
        session = link.session
        audio = resample_pcm16(pcm, sample_rate, self.speech_sample_rate)
        link.post(lambda: self._fire_speech_end(session, audio))

    def _connection_closed(self, webrtc_id: str | None, websocket: Any) -> None:
        if webrtc_id is not None:
            link = self._links.get(webrtc_id)
        else:
            link = next((k for k in self._links.values() if k.peer.websocket is websocket), None)
        if link is None:
            return
        self._links.pop(link.peer.webrtc_id, None)
        self._spawn(self._client_gone(link))

    async def _client_gone(self, link: Link) -> None:
        await link.shut()
        session, link.session = link.session, None  # reported once, whoever gets here first
        if session is None:
            return
        await call_each(
            logger, "fastrtc client_disconnected", self._disconnected_callbacks, session
        )
        self._forget(session)

    # --- internals ------------------------------------------------------------------

    def _playout(self, peer: Peer) -> Playout:
        if peer.websocket is None:
            return self._webrtc_playout(peer)

        async def write(pcm: bytes) -> bool:
            payload = base64.b64encode(mulaw_encode(pcm)).decode("ascii")
            return await peer.send_json(self._media(peer, {"media": {"payload": payload}}))

        async def clear() -> None:
            await peer.send_json(self._media(peer, {"event": "clear"}))

        return Playout(
            write, sample_rate=peer.media_sample_rate, clear=clear, lead_ms=self._lead_ms
        )

    def _webrtc_playout(self, peer: Peer) -> Playout:
        handler = peer.handler
        assert isinstance(handler, PauseHandler)
        rate = self.output_sample_rate

        async def write(pcm: bytes) -> bool:
            handler.push_frame(frame_from_pcm16(pcm, rate))
            return True

        async def clear() -> None:
            handler.drop_frames()

        return Playout(write, sample_rate=rate, clear=clear, lead_ms=self._lead_ms)

    @staticmethod
    def _media(peer: Peer, message: dict[str, Any]) -> dict[str, Any]:
        message = {"event": "media", **message}
        if peer.phone_mode:
            message["streamSid"] = peer.webrtc_id
        return message

    def _bind(self, link: Link, session: VoiceSession) -> None:
        link.session = session
        session.metadata[WEBRTC_ID_KEY] = link.peer.webrtc_id
        session.metadata["input_sample_rate"] = self.speech_sample_rate
        session.state = VoiceSessionState.ACTIVE

    def _link_of(self, session: VoiceSession) -> Link | None:
        link = self._links.get(str(session.metadata.get(WEBRTC_ID_KEY, "")))
        return link if link is not None and link.session is session else None

    def _live_link(self, peer: Peer) -> Link | None:
        link = self._links.get(peer.webrtc_id)
        return link if link is not None and link.peer is peer else None

    def _forget(self, session: VoiceSession) -> None:
        session.state = VoiceSessionState.ENDED
        self._sessions.pop(session.id, None)
        webrtc_id = session.metadata.get(WEBRTC_ID_KEY)
        if isinstance(webrtc_id, str) and self._waiting.get(webrtc_id) is session:
            del self._waiting[webrtc_id]

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def mount_fastrtc_voice(
    app: Any,
    backend: FastRTCVoiceBackend,
    *,
    path: str = "/fastrtc",
    session_factory: SessionFactory | None = None,
    concurrency_limit: int = 100,
) -> Stream:
    """Serve ``backend`` on a FastAPI ``app`` under ``path``; return the fastrtc Stream."""
    if session_factory is not None:
        backend.session_factory = session_factory
    stream = backend.build_stream(concurrency_limit=concurrency_limit)
    stream.mount(app, path=path)
    return stream
