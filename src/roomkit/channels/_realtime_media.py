"""The live side of realtime voice sessions: audio both ways, who speaks, and barge-in.

:class:`RealtimeMedia` forwards the client's audio to the provider and the model's audio
to the client, tracks whether the model is answering, and when the provider's VAD hears
the participant over the model, clears the client's queued audio, cuts the response
(unless the vendor does it itself in that session, see
``RealtimeVoiceProvider.interrupts_on_speech_for``) and tells the client. It only serves
the sessions found in the channel's ``links``; client audio reaching a session that is
not ACTIVE (still connecting, or being reconnected) is dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from roomkit.channels._realtime_session import SessionLink
from roomkit.voice.realtime.base import RealtimeSession, RealtimeSessionState
from roomkit.voice.realtime.provider import RealtimeVoiceProvider
from roomkit.voice.realtime.transport import RealtimeAudioTransport

__all__ = ["EmitFn", "RealtimeMedia", "attempt"]

logger = logging.getLogger("roomkit.channels.realtime_voice")

EmitFn = Callable[..., Awaitable[None]]
"""Reports a framework event: ``await emit(event_type, session, **data)``."""


async def attempt(work: Awaitable[None], what: str, session: RealtimeSession) -> bool:
    """Await ``work``; log a failure instead of raising it. Return whether it succeeded."""
    try:
        await work
    except Exception as exc:
        logger.warning("%s for realtime session %s failed: %r", what, session.id, exc)
        return False
    return True


class RealtimeMedia:
    """Audio and speaking state of the live sessions of one realtime voice channel."""

    def __init__(
        self,
        provider: RealtimeVoiceProvider,
        transport: RealtimeAudioTransport,
        links: Mapping[str, SessionLink],
        *,
        emit: EmitFn,
        provider_lost: Callable[[SessionLink], None],
    ) -> None:
        self._provider = provider
        self._transport = transport
        self._links = links
        self._emit = emit
        self._provider_lost = provider_lost
        provider.on_audio(self._on_model_audio)
        provider.on_response_start(self._on_response_start)
        provider.on_response_end(self._on_response_end)
        provider.on_speech_start(self._on_speech_start)
        provider.on_speech_end(self._on_speech_end)
        transport.on_audio_received(self._on_client_audio)

    async def tell(self, session: RealtimeSession, message: dict[str, Any]) -> None:
        """Send a JSON message to the session's client (a failure is only logged)."""
        try:
            await self._transport.send_message(session, message)
        except Exception as exc:
            logger.debug("message to realtime session %s failed: %r", session.id, exc)

    async def interrupt(self, link: SessionLink, *, explicit: bool) -> None:
        """Drop the client's queued audio and cut the model's response."""
        session = link.session
        link.speaking = False
        await attempt(self._transport.clear_audio(session), "clearing audio", session)
        if explicit or not self._provider.interrupts_on_speech_for(session):
            await attempt(self._provider.interrupt(session), "interrupting the model", session)
        await self.tell(session, {"type": "interrupted"})
        await self._emit("realtime_interrupted", session, explicit=explicit)

    async def _on_client_audio(self, session: RealtimeSession, audio: bytes) -> None:
        link = self._links.get(session.id)
        if link is None:
            return
        if session.state is RealtimeSessionState.ENDED:  # the provider gave the session up
            self._provider_lost(link)
            return
        if session.state is not RealtimeSessionState.ACTIVE:
            return  # still connecting: the model cannot listen yet
        try:
            await self._provider.send_audio(session, audio)
        except Exception as exc:
            if not link.audio_failed:  # once per session: audio arrives every few ms
                link.audio_failed = True
                logger.warning("streaming audio of session %s failed: %r", session.id, exc)

    async def _on_model_audio(self, session: RealtimeSession, audio: bytes) -> None:
        link = self._links.get(session.id)
        if link is not None:
            await self.set_speaking(link, True)
            await attempt(self._transport.send_audio(session, audio), "playing audio", session)

    async def _on_response_start(self, session: RealtimeSession) -> None:
        link = self._links.get(session.id)
        if link is not None:
            await self.set_speaking(link, True)

    async def _on_response_end(self, session: RealtimeSession) -> None:
        link = self._links.get(session.id)
        if link is not None:
            await self.set_speaking(link, False)

    async def set_speaking(self, link: SessionLink, speaking: bool) -> None:
        """Record whether the model is answering and tell the client when that changes."""
        if link.speaking is not speaking:
            link.speaking = speaking
            await self.tell(link.session, {"type": "speaking", "speaking": speaking})

    async def _on_speech_start(self, session: RealtimeSession) -> None:
        link = self._links.get(session.id)
        if link is None:
            return
        await self.tell(session, {"type": "user_speaking", "speaking": True})
        if link.speaking:
            await self.interrupt(link, explicit=False)

    async def _on_speech_end(self, session: RealtimeSession) -> None:
        if session.id in self._links:
            await self.tell(session, {"type": "user_speaking", "speaking": False})
