"""Running the voice hooks through the kit's hook engine, from outside the room pipeline.

The voice channel fires hooks from backend callbacks and background playback, where no
:class:`RoomContext` is at hand. :class:`VoiceHooks` builds one from the store only
when a hook is registered for the trigger (audio-level reports arrive many times a
second), and reports hook failures to ``ON_ERROR`` hooks like the room pipeline does.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from roomkit.core.hooks import HookEngine, HookError
from roomkit.models.context import RoomContext
from roomkit.models.enums import HookTrigger
from roomkit.models.event import RoomEvent
from roomkit.store.base import ConversationStore

if TYPE_CHECKING:
    from roomkit.core.framework import RoomKit

__all__ = ["VoiceHooks"]

logger = logging.getLogger("roomkit.voice.hooks")

_CONTEXT_EVENTS = 50
"""Newest room events put in a context built for a voice hook."""


class VoiceHooks:
    """Fires sync and async hooks of one kit for voice events."""

    def __init__(self, kit: RoomKit) -> None:
        self._engine: HookEngine = kit.hook_engine
        self._store: ConversationStore = kit.store

    def has(self, trigger: HookTrigger, room_id: str) -> bool:
        """Whether any hook would run for ``trigger`` in the room."""
        return self._engine.has_hooks(trigger, room_id)

    async def context(self, room_id: str) -> RoomContext | None:
        """A context for the room from the store (``None`` if the room is gone)."""
        room = await self._store.get_room(room_id)
        if room is None:
            return None
        offset = max(0, room.event_count - _CONTEXT_EVENTS)
        return RoomContext(
            room=room,
            bindings=await self._store.list_bindings(room_id),
            participants=await self._store.list_participants(room_id),
            recent_events=await self._store.list_events(
                room_id, offset=offset, limit=_CONTEXT_EVENTS
            ),
        )

    async def run_sync(
        self, trigger: HookTrigger, event: RoomEvent, context: RoomContext | None = None
    ) -> tuple[RoomEvent | None, str | None]:
        """Run the sync hooks: return the (maybe rewritten) event, or ``None`` and a reason.

        Without hooks for the trigger the event comes back untouched at once.
        """
        if not self.has(trigger, event.room_id):
            return event, None
        context = context or await self.context(event.room_id)
        if context is None:
            return event, None
        verdict = await self._engine.run_sync(trigger, event, context)
        await self._report(verdict.errors, event, context)
        if not verdict.allowed:
            logger.debug("%s hook %r blocked event %s", trigger, verdict.blocked_by, event.id)
            return None, verdict.reason or verdict.blocked_by
        return verdict.event, None

    async def run_async(
        self, trigger: HookTrigger, event: Any, context: RoomContext | None = None
    ) -> None:
        """Run the async hooks for a voice event (anything with a ``room_id``)."""
        room_id: str = event.room_id
        if not self.has(trigger, room_id):
            return
        context = context or await self.context(room_id)
        errors = await self._engine.run_async(trigger, event, context)
        await self._report(errors, event, context)

    async def _report(
        self, errors: list[HookError], event: Any, context: RoomContext | None
    ) -> None:
        """Hand failed hooks to ``ON_ERROR`` hooks (whose own failures are only logged)."""
        for error in errors:
            if error.trigger is HookTrigger.ON_ERROR:
                continue
            failed = await self._engine.run_async(HookTrigger.ON_ERROR, event, context, error)
            for other in failed:
                logger.warning("ON_ERROR hook %r failed: %r", other.hook_name, other.error)
