"""What the realtime voice channel keeps per live session, and how a session is configured.

A :class:`SessionLink` pairs a :class:`RealtimeSession` with the state the channel needs
(is the model speaking? is it being reconnected?), the :class:`ConnectOptions` it was
opened with (a reconnect reuses them) and a :class:`RoomWriter` that puts the session's
transcripts into the room one after another, in the order the provider reported them,
without holding up the provider's event loop. :class:`ConnectOptions` are the channel's
settings, overridden per room by the binding metadata.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from roomkit.errors import ConfigurationError
from roomkit.models.ai import AITool
from roomkit.voice.realtime.base import RealtimeSession
from roomkit.voice.realtime.provider import RealtimeVoiceProvider

__all__ = ["ConnectOptions", "RoomWriter", "SessionLink"]

logger = logging.getLogger("roomkit.channels.realtime_voice")

RoomWrite = Callable[[], Awaitable[Any]]
"""One deferred write into the room (``kit.process_inbound`` or ``kit.send_event``)."""


class RoomWriter:
    """Runs a session's room writes one at a time, in the order they were queued.

    A failing write is logged and the next one runs.
    """

    def __init__(self, session_id: str) -> None:
        self._session_id = session_id
        self._queue: asyncio.Queue[RoomWrite] = asyncio.Queue()
        self._pending = 0
        self._task = asyncio.create_task(self._run())

    def put(self, write: RoomWrite) -> None:
        """Queue a write behind those already queued."""
        self._pending += 1
        self._queue.put_nowait(write)

    @property
    def busy(self) -> bool:
        """Whether a write is queued or running."""
        return self._pending > 0

    async def drain(self) -> None:
        """Wait until every queued write has run."""
        await self._queue.join()

    async def stop(self) -> None:
        """Stop the writer; writes still queued are dropped."""
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        while True:
            write = await self._queue.get()
            try:
                await write()
            except Exception:
                logger.exception("room write of realtime session %s failed", self._session_id)
            finally:
                self._pending -= 1
                self._queue.task_done()


@dataclass
class SessionLink:
    """A live session of the channel and what the channel tracks about it."""

    session: RealtimeSession
    writer: RoomWriter
    options: ConnectOptions
    """The settings the provider session was opened with (and is reopened with)."""
    speaking: bool = False
    """Whether the model is answering (between response start/first audio and response end)."""
    audio_failed: bool = False
    """Whether forwarding client audio to the provider failed already (logged once)."""
    ending: bool = False
    """The session is being ended: the provider losing it must not reconnect it."""
    recovery: asyncio.Task[None] | None = None
    """The reconnect of the provider session under way, if any."""
    reconnect_attempts_used: int = 0
    """Tries spent by the reconnects since the session last stayed up long enough."""
    reconnected_at: float | None = None
    """Monotonic time of the last successful reconnect (``None``: never reconnected)."""

    async def stop_recovery(self) -> None:
        """Mark the session as ending and cancel (and await) a reconnect under way.

        Called from the reconnect task itself, it leaves that task running.
        """
        self.ending = True
        recovery, self.recovery = self.recovery, None
        if recovery is not None and recovery is not asyncio.current_task():
            recovery.cancel()
            await asyncio.gather(recovery, return_exceptions=True)


@dataclass(frozen=True)
class ConnectOptions:
    """The settings a realtime voice channel opens its provider sessions with."""

    system_prompt: str | None = None
    voice: str | None = None
    tools: Sequence[AITool] = ()
    temperature: float | None = None
    input_sample_rate: int = 16000
    output_sample_rate: int = 24000
    server_vad: bool = True
    provider_config: Mapping[str, Any] = field(default_factory=dict)

    def for_room(self, metadata: Mapping[str, Any]) -> ConnectOptions:
        """These settings overridden by a room's binding ``metadata``.

        Recognised keys: ``system_prompt``, ``voice``, ``tools`` (a list of
        :class:`AITool` or tool dicts), ``temperature`` and ``provider_config`` (a dict).
        """
        provider_config = metadata.get("provider_config", self.provider_config)
        if not isinstance(provider_config, Mapping):
            raise ConfigurationError("binding metadata 'provider_config' must be a dict")
        return replace(
            self,
            system_prompt=metadata.get("system_prompt", self.system_prompt),
            voice=metadata.get("voice", self.voice),
            tools=_tools(metadata.get("tools", self.tools)),
            temperature=metadata.get("temperature", self.temperature),
            provider_config=provider_config,
        )

    async def connect(self, provider: RealtimeVoiceProvider, session: RealtimeSession) -> None:
        """Open the provider's session for ``session`` with these settings."""
        await provider.connect(
            session,
            system_prompt=self.system_prompt,
            voice=self.voice,
            tools=list(self.tools),
            temperature=self.temperature,
            input_sample_rate=self.input_sample_rate,
            output_sample_rate=self.output_sample_rate,
            server_vad=self.server_vad,
            provider_config=dict(self.provider_config),
        )


def _tools(raw: Any) -> tuple[AITool, ...]:
    if not isinstance(raw, list | tuple):
        raise ConfigurationError("binding metadata 'tools' must be a list of tool definitions")
    return tuple(tool if isinstance(tool, AITool) else AITool.model_validate(tool) for tool in raw)
