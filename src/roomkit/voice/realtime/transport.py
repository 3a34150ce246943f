"""The RealtimeAudioTransport contract: the participant's side of a realtime session.

A transport carries raw audio between a client (browser, phone bridge) and RoomKit
without any voice activity detection of its own: speech boundaries are left to the
speech-to-speech provider. Besides audio it can push JSON messages to the client
(transcripts, "speaking" indicators) and reports when the client goes away.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any

from roomkit.voice._callbacks import call_each
from roomkit.voice.realtime.base import RealtimeSession
from roomkit.voice.realtime.events import (
    RealtimeAudioCallback,
    RealtimeClientDisconnectedCallback,
)

__all__ = ["RealtimeAudioTransport"]

logger = logging.getLogger("roomkit.voice.realtime.transport")


class RealtimeAudioTransport(ABC):
    """Moves PCM16 audio and JSON messages between a client and a realtime session.

    Subclasses must call ``super().__init__()`` and use ``_fire_audio_received`` /
    ``_fire_client_disconnected`` to report what happens on the connection.
    """

    def __init__(self) -> None:
        self._audio_received_callbacks: list[RealtimeAudioCallback] = []
        self._disconnected_callbacks: list[RealtimeClientDisconnectedCallback] = []

    @property
    @abstractmethod
    def name(self) -> str:
        """Short transport name used in logs."""

    @abstractmethod
    async def accept(self, session: RealtimeSession, connection: Any) -> None:
        """Bind a client connection (a WebSocket, a WebRTC peer id...) to ``session``."""

    @abstractmethod
    async def send_audio(self, session: RealtimeSession, audio: bytes) -> None:
        """Play PCM16 audio to the session's client."""

    @abstractmethod
    async def send_message(self, session: RealtimeSession, message: dict[str, Any]) -> None:
        """Send a JSON-serialisable message to the session's client."""

    @abstractmethod
    async def disconnect(self, session: RealtimeSession) -> None:
        """Close the session's client connection."""

    async def clear_audio(self, session: RealtimeSession) -> None:
        """Drop audio queued for the client but not yet played (no-op by default)."""
        return None

    async def close(self) -> None:
        """Release everything the transport holds (nothing by default)."""
        return None

    def on_audio_received(self, callback: RealtimeAudioCallback) -> None:
        """Register a callback for audio arriving from a client."""
        self._audio_received_callbacks.append(callback)

    def on_client_disconnected(self, callback: RealtimeClientDisconnectedCallback) -> None:
        """Register a callback for a client connection going away."""
        self._disconnected_callbacks.append(callback)

    async def _fire_audio_received(self, session: RealtimeSession, audio: bytes) -> None:
        """Call every audio-received callback."""
        await call_each(
            logger,
            "realtime transport audio_received",
            self._audio_received_callbacks,
            session,
            audio,
        )

    async def _fire_client_disconnected(self, session: RealtimeSession) -> None:
        """Call every client-disconnected callback."""
        await call_each(
            logger, "realtime transport client_disconnected", self._disconnected_callbacks, session
        )
