"""RealtimeVoiceChannel: a participant talking with a speech-to-speech model inside a room.

Audio passes straight between the client (a :class:`RealtimeAudioTransport`) and the
model (a :class:`RealtimeVoiceProvider`, whose own VAD hears the participant); talking
over the model cuts it (:mod:`roomkit.channels._realtime_media`). Transcripts go to the
client, final ones into the room, and text of other channels to the model
(:mod:`roomkit.channels._realtime_text`); tool calls are answered by
``ON_REALTIME_TOOL_CALL`` hooks or the ``tool_handler``
(:mod:`roomkit.channels._realtime_tools`); a session the provider drops while the client
is still there is reopened with backoff (:mod:`roomkit.channels._realtime_reconnect`).
The messages sent to the client and the framework events (``realtime_session_*``,
``realtime_reconnect*``, ``realtime_interrupted``, ``realtime_text_injected``,
``realtime_tool_call``, ``realtime_error``) are listed in the realtime voice guide.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Coroutine, Sequence
from typing import TYPE_CHECKING, Any

from roomkit._concurrency import BackgroundTasks
from roomkit.channels._inbound import inbound_event
from roomkit.channels._realtime_media import RealtimeMedia, attempt
from roomkit.channels._realtime_reconnect import (
    MonotonicFn,
    Reconnector,
    SleepFn,
    reconnect_policy,
)
from roomkit.channels._realtime_session import ConnectOptions, RoomWriter, SessionLink
from roomkit.channels._realtime_text import TranscriptRouter, text_to_inject
from roomkit.channels._realtime_tools import RealtimeToolHandler, ToolCallRunner
from roomkit.channels.base import Channel, content_text
from roomkit.errors import ConfigurationError, RoomClosedError
from roomkit.models.ai import AITool
from roomkit.models.channel import ChannelBinding, ChannelCapabilities, ChannelOutput
from roomkit.models.context import RoomContext
from roomkit.models.delivery import InboundMessage
from roomkit.models.enums import (
    ChannelCategory,
    ChannelDirection,
    ChannelMediaType,
    ChannelType,
    EventType,
    RoomStatus,
)
from roomkit.models.event import RoomEvent
from roomkit.voice._hooks import VoiceHooks
from roomkit.voice.realtime.base import RealtimeRole, RealtimeSession, RealtimeSessionState
from roomkit.voice.realtime.provider import RealtimeVoiceProvider
from roomkit.voice.realtime.transport import RealtimeAudioTransport

if TYPE_CHECKING:
    from roomkit.core.framework import RoomKit

__all__ = ["RealtimeToolHandler", "RealtimeVoiceChannel"]

logger = logging.getLogger("roomkit.channels.realtime_voice")


class RealtimeVoiceChannel(Channel):
    """Speech-to-speech conversations (a realtime provider and an audio transport) in rooms.

    A session the provider loses while its client is connected is reconnected up to
    ``reconnect_attempts`` times (0 ends it at once), waiting ``reconnect_base_delay``
    seconds doubled at each try, at most ``reconnect_max_delay``, through ``sleep``; the
    tries are one budget until a reopened session stays up 30 s (read from ``clock``).
    """

    channel_type = ChannelType.VOICE
    category = ChannelCategory.TRANSPORT
    direction = ChannelDirection.BIDIRECTIONAL

    def __init__(
        self,
        channel_id: str,
        *,
        provider: RealtimeVoiceProvider,
        transport: RealtimeAudioTransport,
        system_prompt: str | None = None,
        voice: str | None = None,
        tools: Sequence[AITool] | None = None,
        temperature: float | None = None,
        input_sample_rate: int = 16000,
        output_sample_rate: int = 24000,
        server_vad: bool = True,
        emit_transcription_events: bool = True,
        tool_handler: RealtimeToolHandler | None = None,
        reconnect_attempts: int = 3,
        reconnect_base_delay: float = 0.5,
        reconnect_max_delay: float = 8.0,
        sleep: SleepFn = asyncio.sleep,
        clock: MonotonicFn = time.monotonic,
    ) -> None:
        super().__init__(channel_id)
        if input_sample_rate <= 0 or output_sample_rate <= 0:
            raise ConfigurationError("sample rates must be positive")
        policy = reconnect_policy(reconnect_attempts, reconnect_base_delay, reconnect_max_delay)
        self.provider = provider
        self.transport = transport
        self.system_prompt = system_prompt
        self.voice = voice
        self.tools: list[AITool] = list(tools or [])
        self.temperature = temperature
        self.input_sample_rate = input_sample_rate
        self.output_sample_rate = output_sample_rate
        self.server_vad = server_vad
        self.emit_transcription_events = emit_transcription_events
        self.tool_handler = tool_handler
        self._kit: RoomKit | None = None
        self._hooks: VoiceHooks | None = None
        self._links: dict[str, SessionLink] = {}
        self._tasks = BackgroundTasks(logger, f"realtime channel {channel_id!r}")
        self._media = RealtimeMedia(
            provider, transport, self._links, emit=self._emit, provider_lost=self._provider_lost
        )
        self._reconnector = Reconnector(
            provider, self._media, policy, emit=self._emit, sleep=sleep, clock=clock
        )
        self._transcripts = TranscriptRouter(channel_id, self._links, self._media.tell)
        self._tool_calls = ToolCallRunner(channel_id, provider, self._links, emit=self._emit)
        provider.on_transcription(self._on_transcription)
        provider.on_tool_call(self._on_tool_call)
        provider.on_error(self._on_error)
        transport.on_client_disconnected(self._on_client_disconnected)

    # --- kit and sessions -----------------------------------------------------------

    def on_register(self, kit: RoomKit) -> None:
        """Called by ``kit.register_channel``: the kit runs this channel's hooks and writes."""
        if self._kit is kit:
            return
        if self._kit is not None:
            raise ConfigurationError(f"realtime channel {self.channel_id!r} is in another kit")
        self._kit = kit
        self._hooks = VoiceHooks(kit)

    def _require_kit(self) -> RoomKit:
        if self._kit is None:
            raise ConfigurationError(
                f"register realtime channel {self.channel_id!r} with kit.register_channel first"
            )
        return self._kit

    async def start_session(
        self,
        room_id: str,
        participant_id: str,
        connection: Any,
        *,
        metadata: dict[str, Any] | None = None,
    ) -> RealtimeSession:
        """Join a client connection to a new model session in the room; return it live.

        The channel is attached to the room if it is not yet. The room's binding metadata
        may override ``system_prompt``, ``voice``, ``tools``, ``temperature`` and give a
        ``provider_config``. If the transport or the provider fails, both are released
        and the error is raised.
        """
        kit = self._require_kit()
        room = await kit.get_room(room_id)
        if room.status in (RoomStatus.CLOSED, RoomStatus.ARCHIVED):
            raise RoomClosedError(f"room {room_id!r} is {room.status.value}")
        binding = await kit.store.get_binding(room_id, self.channel_id)
        if binding is None:
            binding = await kit.attach_channel(
                room_id, self.channel_id, participant_id=participant_id
            )
        options = self._defaults().for_room(binding.metadata)
        rates = {
            "input_sample_rate": self.input_sample_rate,
            "output_sample_rate": self.output_sample_rate,
        }
        session = RealtimeSession(
            room_id=room_id,
            participant_id=participant_id,
            channel_id=self.channel_id,
            metadata={**rates, **(metadata or {})},
        )
        link = self._links[session.id] = SessionLink(session, RoomWriter(session.id), options)
        try:
            await self.transport.accept(session, connection)
            await options.connect(self.provider, session)
        except BaseException:
            await self._finish(link, "failed", drain=False, announce=False)
            raise
        session.state = RealtimeSessionState.ACTIVE
        await self._media.tell(
            session, {"type": "session_started", "session_id": session.id, **rates}
        )
        await self._emit(
            "realtime_session_started",
            session,
            participant_id=participant_id,
            provider=self.provider.name,
        )
        return session

    def _defaults(self) -> ConnectOptions:
        return ConnectOptions(
            system_prompt=self.system_prompt,
            voice=self.voice,
            tools=self.tools,
            temperature=self.temperature,
            input_sample_rate=self.input_sample_rate,
            output_sample_rate=self.output_sample_rate,
            server_vad=self.server_vad,
        )

    async def end_session(self, session: RealtimeSession) -> None:
        """End a session: close both sides, let its pending transcripts reach the room."""
        link = self._links.get(session.id)
        if link is not None:
            await self._finish(link, "ended", drain=True)

    def sessions(self, room_id: str | None = None) -> list[RealtimeSession]:
        """The live sessions of this channel, optionally only those of one room."""
        return [
            link.session
            for link in self._links.values()
            if room_id is None or link.session.room_id == room_id
        ]

    async def interrupt(self, session: RealtimeSession) -> bool:
        """Cut the model's current answer; return whether it was speaking."""
        link = self._links.get(session.id)
        if link is None or not link.speaking:
            return False
        await self._media.interrupt(link, explicit=True)
        return True

    async def _finish(
        self, link: SessionLink, reason: str, *, drain: bool, announce: bool = True, **details: Any
    ) -> None:
        """Forget the session, stop its reconnect, close both sides, flush or drop its writes."""
        session = link.session
        if self._links.pop(session.id, None) is None:
            return  # already finished
        await link.stop_recovery()
        session.state = RealtimeSessionState.ENDED
        await attempt(self.provider.disconnect(session), "disconnecting the provider", session)
        await attempt(self.transport.disconnect(session), "disconnecting the client", session)
        if drain:
            await link.writer.drain()
        await link.writer.stop()
        if announce:
            await self._emit("realtime_session_ended", session, reason=reason, **details)

    # --- Channel contract --------------------------------------------------------------

    def capabilities(self) -> ChannelCapabilities:
        """Text (given to the model) and audio."""
        return ChannelCapabilities(
            media_types=[ChannelMediaType.TEXT, ChannelMediaType.AUDIO], supports_audio=True
        )

    async def handle_inbound(self, message: InboundMessage, context: RoomContext) -> RoomEvent:
        """Build the room event of a participant's transcript (or any message on this channel)."""
        return inbound_event(
            message,
            context,
            channel_id=self.channel_id,
            channel_type=self.channel_type,
            provider=self.provider.name,
        )

    async def deliver(
        self, event: RoomEvent, binding: ChannelBinding, context: RoomContext
    ) -> ChannelOutput:
        """Give a text message of another channel to the room's live model sessions."""
        if event.type is not EventType.MESSAGE or event.source.channel_id == self.channel_id:
            return ChannelOutput.empty()
        if not content_text(event.content).strip():
            return ChannelOutput.empty()
        for link in list(self._links.values()):
            session = link.session
            if session.room_id == event.room_id and session.state is RealtimeSessionState.ACTIVE:
                await self._inject(session, event, context)
        return ChannelOutput.empty()

    async def _inject(
        self, session: RealtimeSession, event: RoomEvent, context: RoomContext
    ) -> None:
        """ON_REALTIME_TEXT_INJECTED hooks, then ``provider.inject_text``."""
        picked = await text_to_inject(self._hooks, session, event, context)
        if picked is None:
            return
        text, role = picked
        injection = self.provider.inject_text(session, text, role=role)
        if await attempt(injection, "injecting text", session):
            await self._emit(
                "realtime_text_injected",
                session,
                event_id=event.id,
                source_channel_id=event.source.channel_id,
                role=role,
            )

    async def close(self) -> None:
        """End every session (dropping pending writes), then close provider and transport."""
        for link in list(self._links.values()):
            await self._finish(link, "closed", drain=False)
        await self._tasks.cancel()
        await self.provider.close()
        await self.transport.close()

    async def wait_idle(self) -> None:
        """Wait until no room write, tool call or session ending of this channel is pending."""
        while True:
            await self._tasks.wait()
            busy = [link.writer for link in self._links.values() if link.writer.busy]
            if not busy:
                return
            for writer in busy:
                await writer.drain()

    # --- transcripts ---------------------------------------------------------------------

    async def _on_transcription(
        self, session: RealtimeSession, text: str, role: RealtimeRole, is_final: bool
    ) -> None:
        kit = self._kit if self.emit_transcription_events else None
        await self._transcripts.route(session, text, role, is_final, kit)

    # --- tools and errors -------------------------------------------------------------

    async def _on_tool_call(
        self, session: RealtimeSession, call_id: str, name: str, arguments: dict[str, Any]
    ) -> None:
        if session.id in self._links:
            run = self._tool_calls.run(
                session, call_id, name, arguments, hooks=self._hooks, handler=self.tool_handler
            )
            self._spawn(run)

    async def _on_error(self, session: RealtimeSession, code: str, message: str) -> None:
        link = self._links.get(session.id)
        if link is None:
            return
        logger.warning(
            "realtime provider %s reported %s for session %s", self.provider.name, code, session.id
        )
        await self._emit("realtime_error", session, code=code, message=message)
        if session.state is RealtimeSessionState.ENDED:
            self._provider_lost(link)

    def _provider_lost(self, link: SessionLink) -> None:
        """The provider gave the session up (marked it ENDED): reconnect it, or end it."""
        if link.ending or link.recovery is not None:
            return  # already being ended or reconnected
        if self._reconnector.enabled:
            link.recovery = self._spawn(self._recover(link))
        else:
            link.ending = True
            self._spawn(self._finish(link, "provider_disconnected", drain=True))

    async def _recover(self, link: SessionLink) -> None:
        """Reconnect the provider session; end the session when every try failed."""
        failure = await self._reconnector.run(link)
        link.recovery = None
        if failure is not None:
            await self._finish(link, "provider_disconnected", drain=True, **failure.details())
        elif link.session.state is RealtimeSessionState.ENDED:
            self._provider_lost(link)  # lost again while the reconnect was being reported

    async def _on_client_disconnected(self, session: RealtimeSession) -> None:
        link = self._links.get(session.id)
        if link is not None:
            link.ending = True  # no reconnect for a client that left
            self._spawn(self._finish(link, "client_disconnected", drain=True))

    # --- plumbing -----------------------------------------------------------------------

    async def _emit(self, event_type: str, session: RealtimeSession, **data: Any) -> None:
        """Report a framework event through the kit (``kit.on(event_type)`` handlers)."""
        kit = self._kit
        if kit is not None:
            await kit._emit(
                event_type,
                room_id=session.room_id,
                channel_id=self.channel_id,
                data={"session_id": session.id, **data},
            )

    def _spawn(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        return self._tasks.spawn(work)
