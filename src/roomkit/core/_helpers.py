"""HelpersMixin: the orchestrator's shared state and the utilities every mixin uses."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from roomkit.channels.base import Channel
from roomkit.core._recent import RecentEvents
from roomkit.core.event_router import EventRouter
from roomkit.core.hooks import HookEngine, HookError
from roomkit.core.inbound_router import InboundRoomRouter
from roomkit.core.locks import RoomLockManager
from roomkit.errors import ChannelNotFoundError, ChannelNotRegisteredError, RoomNotFoundError
from roomkit.identity.base import IdentityResolver
from roomkit.models._unvalidated import unvalidated
from roomkit.models._util import replace
from roomkit.models.channel import ChannelBinding
from roomkit.models.context import RoomContext
from roomkit.models.delivery import DeliveryStatus
from roomkit.models.enums import ChannelType, HookTrigger
from roomkit.models.event import RoomEvent
from roomkit.models.framework_event import FrameworkEvent
from roomkit.models.participant import Participant
from roomkit.models.room import Room
from roomkit.models.task import Observation, Task
from roomkit.realtime.base import RealtimeBackend
from roomkit.store.base import ConversationStore
from roomkit.telemetry import Telemetry
from roomkit.voice.backends.base import VoiceBackend
from roomkit.voice.stt.base import STTProvider
from roomkit.voice.tts.base import TTSProvider

__all__ = ["DeliveryStatusHandler", "FrameworkEventHandler", "HelpersMixin"]

logger = logging.getLogger("roomkit.framework")

_new_context = unvalidated(RoomContext)

FrameworkEventHandler = Callable[[FrameworkEvent], Awaitable[None]]
DeliveryStatusHandler = Callable[[DeliveryStatus], Awaitable[None]]


class HelpersMixin:
    """Declares the state shared by every mixin and the helpers they have in common."""

    _store: ConversationStore
    _hook_engine: HookEngine
    _channels: dict[str, Channel]
    _event_router: EventRouter
    _inbound_router: InboundRoomRouter
    _lock_manager: RoomLockManager
    _realtime: RealtimeBackend
    _identity_resolver: IdentityResolver | None
    _identity_channel_types: frozenset[ChannelType] | None
    _max_chain_depth: int
    _identity_timeout: float
    _process_timeout: float
    _framework_handlers: dict[str, list[FrameworkEventHandler]]
    _delivery_handlers: list[DeliveryStatusHandler]
    _clock: Callable[[], datetime]
    _recent: RecentEvents
    _stt: STTProvider | None
    _tts: TTSProvider | None
    _voice: VoiceBackend | None
    _telemetry: Telemetry

    # --- lookups -----------------------------------------------------------------

    async def _require_room(self, room_id: str) -> Room:
        room = await self._store.get_room(room_id)
        if room is None:
            raise RoomNotFoundError(f"room {room_id!r} does not exist")
        return room

    async def _require_binding(self, room_id: str, channel_id: str) -> ChannelBinding:
        binding = await self._store.get_binding(room_id, channel_id)
        if binding is None:
            raise ChannelNotFoundError(
                f"channel {channel_id!r} is not attached to room {room_id!r}"
            )
        return binding

    def _require_channel(self, channel_id: str) -> Channel:
        channel = self._channels.get(channel_id)
        if channel is None:
            raise ChannelNotRegisteredError(f"channel {channel_id!r} is not registered")
        return channel

    # --- context -----------------------------------------------------------------

    async def _room_state(
        self, room_id: str
    ) -> tuple[Room, list[ChannelBinding], list[Participant]]:
        """Read the room with its bindings and participants (the store may combine them)."""
        found = await self._store._room_and_members(room_id)
        if found is None:
            raise RoomNotFoundError(f"room {room_id!r} does not exist")
        return found

    async def _build_context(self, room_id: str, room: Room | None = None) -> RoomContext:
        """Assemble the room, its bindings, participants and newest events."""
        if room is None:
            room, bindings, participants = await self._room_state(room_id)
        else:
            bindings = await self._store.list_bindings(room_id)
            participants = await self._store.list_participants(room_id)
        return await self._context_of(room, bindings, participants)

    async def _context_of(
        self, room: Room, bindings: list[ChannelBinding], participants: list[Participant]
    ) -> RoomContext:
        """The context of ``room`` with these members and its newest events."""
        recent = await self._recent_events(room)
        return _new_context(
            room=room,
            bindings=bindings,
            participants=participants,
            recent_events=recent,
            identity=None,
        )

    async def _recent_events(self, room: Room) -> list[RoomEvent]:
        cached = self._recent.get(room.id, room.latest_index)
        if cached is not None:
            return cached
        window = self._recent.window
        offset = max(0, room.event_count - window)
        events = await self._store.list_events(room.id, offset=offset, limit=window)
        self._recent.put(room.id, events)
        return events

    def _context_after_store(self, context: RoomContext, stored: RoomEvent) -> RoomContext:
        """Return the context updated with an event that was just stored."""
        self._recent.append(stored.room_id, stored)
        room = replace(
            context.room, event_count=context.room.event_count + 1, latest_index=stored.index
        )
        recent = [*context.recent_events, stored][-self._recent.window :]
        return replace(context, room=room, recent_events=recent)

    # --- observability ------------------------------------------------------------

    async def _emit(
        self,
        event_type: str,
        *,
        room_id: str | None = None,
        channel_id: str | None = None,
        event_id: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        """Send a framework event to the handlers registered for its type (and ``*``)."""
        handlers = self._framework_handlers.get(event_type, [])
        wildcard = self._framework_handlers.get("*", [])
        if not handlers and not wildcard:
            return
        event = FrameworkEvent(
            type=event_type,
            room_id=room_id,
            channel_id=channel_id,
            event_id=event_id,
            data=data or {},
        )
        for handler in [*handlers, *wildcard]:
            try:
                await handler(event)
            except Exception:
                logger.exception("framework event handler failed for %s", event_type)

    async def _report_hook_errors(
        self, errors: list[HookError], event: Any, context: RoomContext | None
    ) -> None:
        """Emit ``hook_error`` and run ON_ERROR hooks for each failed hook."""
        for err in errors:
            data = {
                "hook": err.hook_name,
                "trigger": str(err.trigger),
                "error": f"{type(err.error).__name__}: {err.error}",
                "timed_out": err.timed_out,
            }
            room_id = getattr(event, "room_id", None)
            await self._emit("hook_error", room_id=room_id, data=data)
            if err.trigger is not HookTrigger.ON_ERROR:
                # A failing ON_ERROR hook is reported too, but never fed back to ON_ERROR.
                failed = await self._hook_engine.run_async(
                    HookTrigger.ON_ERROR, event, context, err
                )
                await self._report_hook_errors(failed, event, context)

    async def _run_async_hooks(
        self, trigger: HookTrigger, event: Any, context: RoomContext | None
    ) -> None:
        """Run the async hooks of a trigger and report their failures."""
        errors = await self._hook_engine.run_async(trigger, event, context)
        if errors:
            await self._report_hook_errors(errors, event, context)

    # --- side effects -------------------------------------------------------------

    async def _persist_side_effects(
        self, tasks: list[Task], observations: list[Observation], context: RoomContext | None
    ) -> None:
        """Store tasks and observations, then announce the tasks."""
        for observation in observations:
            await self._store.add_observation(observation)
        for task in tasks:
            stored = await self._store.add_task(task)
            await self._emit("task_created", room_id=stored.room_id, data={"task_id": stored.id})
            await self._run_async_hooks(HookTrigger.ON_TASK_CREATED, stored, context)
