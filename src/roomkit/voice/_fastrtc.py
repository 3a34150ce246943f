"""What the FastRTC backend and the FastRTC realtime transport share.

* The guarded import of ``fastrtc``: it raises ``DeprecationWarning`` from its own
  dependencies (``websockets.legacy``, ``audioop``) while importing, and gradio does
  when a ``Stream`` is built outside a running event loop, which would break programs
  and test suites that turn warnings into errors; third-party deprecation warnings,
  and only those, are silenced around those two steps.
* :class:`Peer`: one client connection of a fastrtc ``Stream`` (a WebSocket, a
  telephony WebSocket or a WebRTC peer) and how to send it JSON or close it.
* :class:`ObservedStream`: a ``Stream`` that reports when a client connection ends,
  which fastrtc does not tell its handlers.
* Conversions between fastrtc's ``(rate, numpy array)`` frames and 16-bit PCM bytes.
"""

from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from roomkit.voice.codecs import float_to_pcm16, pcm16_from_array, pcm16_to_array


@contextmanager
def third_party_deprecations_silenced() -> Iterator[None]:
    """Ignore ``DeprecationWarning`` raised by modules other than roomkit, inside the block."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"(?!roomkit\b)")
        yield


with third_party_deprecations_silenced():  # fastrtc's dependencies warn while loading
    try:
        from fastapi import WebSocket
        from fastrtc import (
            AlgoOptions,
            AsyncStreamHandler,
            ReplyOnPause,
            Stream,
            get_current_context,
        )
        from fastrtc.tracks import EmitType, StreamHandlerBase, StreamHandlerImpl
    except ImportError as exc:  # pragma: no cover - tested in a subprocess
        raise ImportError(
            "The FastRTC integration needs fastrtc; install it with: "
            "pip install 'roomkit[fastrtc]'"
        ) from exc

__all__ = [
    "AlgoOptions",
    "AsyncStreamHandler",
    "ClosedCallback",
    "EmitType",
    "Frame",
    "ObservedStream",
    "Peer",
    "ReplyOnPause",
    "Stream",
    "frame_from_pcm16",
    "get_current_context",
    "pcm16_from_frame",
    "third_party_deprecations_silenced",
]

logger = logging.getLogger("roomkit.voice.fastrtc")

Frame = tuple[int, npt.NDArray[np.int16]]
"""fastrtc's audio frame: ``(sample_rate, samples)``."""

ClosedCallback = Callable[[str | None, Any], None]
"""Called on the event loop with ``(webrtc_id, websocket)`` when a connection ends."""

PHONE_SAMPLE_RATE = 8000
"""Telephony WebSockets carry 8 kHz μ-law both ways."""


def pcm16_from_frame(samples: npt.NDArray[Any]) -> bytes:
    """Mono 16-bit PCM bytes from fastrtc samples (int16, or floats in [-1, 1])."""
    flat = np.asarray(samples).reshape(-1)
    if flat.dtype.kind == "f":
        return float_to_pcm16(flat)
    return pcm16_from_array(flat)


def frame_from_pcm16(pcm: bytes, sample_rate: int) -> Frame:
    """A fastrtc frame (one channel, shape ``(1, n)``) holding 16-bit PCM bytes."""
    return sample_rate, pcm16_to_array(pcm).reshape(1, -1).copy()


@dataclass(eq=False)
class Peer:
    """One client connection of a fastrtc stream, seen from its handler."""

    webrtc_id: str
    """fastrtc's connection id (``websocket_id``, Twilio's ``streamSid`` or the WebRTC id)."""
    handler: StreamHandlerBase
    websocket: WebSocket | None
    """The WebSocket for WebSocket and telephony clients; ``None`` for WebRTC peers."""
    phone_mode: bool = False

    @property
    def media_sample_rate(self) -> int:
        """Rate of the μ-law audio on this connection's WebSocket."""
        if self.phone_mode:
            return PHONE_SAMPLE_RATE
        return int(self.handler.output_sample_rate)

    async def send_text(self, text: str) -> bool:
        """Send a text message (WebSocket frame or data channel); False if it could not go."""
        try:
            if self.websocket is not None:
                await self.websocket.send_text(text)
                return True
            channel = self.handler.channel
            if channel is None:
                logger.debug("no data channel yet for connection %s", self.webrtc_id)
                return False
            channel.send(text)
            return True
        except Exception as exc:  # a connection closing under us
            logger.debug("message to connection %s not sent: %r", self.webrtc_id, exc)
            return False

    async def send_json(self, message: dict[str, Any]) -> bool:
        """Send a JSON-serialisable message as text."""
        return await self.send_text(json.dumps(message))

    async def close(self, stream: Stream | None) -> None:
        """Close the client connection (the WebSocket, or the WebRTC peer connection)."""
        try:
            if self.websocket is not None:
                await self.websocket.close()
            elif stream is not None and (pc := stream.pcs.get(self.webrtc_id)) is not None:
                await pc.close()
        except Exception as exc:  # already closed by the client
            logger.debug("closing connection %s: %r", self.webrtc_id, exc)


class ObservedStream(Stream):
    """A fastrtc ``Stream`` for audio that reports the end of each client connection.

    fastrtc cleans up WebRTC and ``/websocket/offer`` connections through
    ``clean_up(webrtc_id)`` but tells telephony connections' handlers nothing, so the
    WebSocket endpoints are wrapped too. ``on_closed`` may be called twice for one
    connection (once by id, once by WebSocket); the owner makes it idempotent.
    """

    def __init__(
        self, handler: StreamHandlerImpl, *, on_closed: ClosedCallback, concurrency_limit: int
    ) -> None:
        with third_party_deprecations_silenced():  # gradio, building the stream's UI
            super().__init__(
                handler,
                modality="audio",
                mode="send-receive",
                concurrency_limit=concurrency_limit,
                verbose=False,
            )
        self._on_closed = on_closed

    def clean_up(self, webrtc_id: str) -> Any:
        """fastrtc's clean-up of a connection, then the report."""
        connection = super().clean_up(webrtc_id)
        self._on_closed(webrtc_id, None)
        return connection

    async def websocket_offer(self, websocket: WebSocket) -> None:
        """fastrtc's ``/websocket/offer`` endpoint, reporting when it returns."""
        try:
            await super().websocket_offer(websocket)
        finally:
            self._on_closed(None, websocket)

    async def telephone_handler(self, websocket: WebSocket) -> None:
        """fastrtc's ``/telephone/handler`` endpoint, reporting when it returns."""
        try:
            await super().telephone_handler(websocket)
        finally:
            self._on_closed(None, websocket)
