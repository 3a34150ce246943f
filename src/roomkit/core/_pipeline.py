"""The locked part of event processing shared by inbound messages and direct sends."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from roomkit.core._helpers import HelpersMixin
from roomkit.core.event_router import BroadcastResult
from roomkit.models._util import replace
from roomkit.models.context import RoomContext
from roomkit.models.enums import EventStatus, HookTrigger
from roomkit.models.event import RoomEvent
from roomkit.models.hook import InjectedEvent
from roomkit.models.task import Observation, Task

__all__ = ["PipelineMixin", "PipelineOutcome"]


@dataclass(slots=True)
class PipelineOutcome:
    """What the locked pipeline did with one event and everything it caused."""

    event: RoomEvent
    blocked: bool = False
    reason: str | None = None
    processed: list[tuple[RoomEvent, RoomContext]] = field(default_factory=list)
    """Events broadcast (the first one and its reentries), for the AFTER_BROADCAST hooks."""


@dataclass(slots=True)
class _SideEffects:
    tasks: list[Task] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    injected: list[InjectedEvent] = field(default_factory=list)


class PipelineMixin(HelpersMixin):
    """Hooks → store → broadcast → reentry drain → side effects, for one room."""

    async def _store_blocked(
        self, event: RoomEvent, blocked_by: str, reason: str | None
    ) -> RoomEvent:
        blocked = event.model_copy(
            update={"status": EventStatus.BLOCKED, "blocked_by": blocked_by}
        )
        if reason is not None:
            blocked.metadata = {**blocked.metadata, "blocked_reason": reason}
        stored = await self._store.add_event(blocked)
        self._recent.append(stored.room_id, stored)
        await self._emit(
            "event_blocked",
            room_id=stored.room_id,
            channel_id=stored.source.channel_id,
            event_id=stored.id,
            data={"blocked_by": blocked_by, "reason": reason},
        )
        return stored

    async def _run_pipeline(self, event: RoomEvent, context: RoomContext) -> PipelineOutcome:
        """Process ``event`` and drain the reentry events it causes (call under the lock)."""
        effects = _SideEffects()
        processed: list[tuple[RoomEvent, RoomContext]] = []
        stored, reason, context, reentries = await self._step(event, context, effects, processed)
        pending = deque(reentries)
        while pending:
            _, _, context, more = await self._step(pending.popleft(), context, effects, processed)
            pending.extend(more)
        await self._deliver_injected(effects.injected, context)
        await self._persist_side_effects(effects.tasks, effects.observations, context)
        blocked = stored.status == EventStatus.BLOCKED
        return PipelineOutcome(event=stored, blocked=blocked, reason=reason, processed=processed)

    async def _step(
        self,
        event: RoomEvent,
        context: RoomContext,
        effects: _SideEffects,
        processed: list[tuple[RoomEvent, RoomContext]],
    ) -> tuple[RoomEvent, str | None, RoomContext, list[RoomEvent]]:
        """Hooks, store and broadcast for one event; return it as finally stored."""
        stored, blocked, reason, context = await self._process_one(event, context, effects)
        if blocked:
            return stored, reason, context, []
        result, stored = await self._broadcast(stored, context, None)
        processed.append((stored, context))
        self._absorb(result, effects)
        for chained in result.blocked_events:
            await self._store_blocked(chained, chained.blocked_by or "", None)
        return stored, None, context, result.reentry_events

    async def _process_one(
        self, event: RoomEvent, context: RoomContext, effects: _SideEffects
    ) -> tuple[RoomEvent, bool, str | None, RoomContext]:
        if self._hook_engine.has_hooks(HookTrigger.BEFORE_BROADCAST, event.room_id):
            verdict = await self._hook_engine.run_sync(
                HookTrigger.BEFORE_BROADCAST, event, context
            )
            if verdict.errors:
                await self._report_hook_errors(verdict.errors, event, context)
            effects.tasks.extend(verdict.tasks)
            effects.observations.extend(verdict.observations)
            effects.injected.extend(verdict.injected_events)
            event = self._keep_identity(event, verdict.event)
            if not verdict.allowed:
                stored = await self._store_blocked(event, verdict.blocked_by or "", verdict.reason)
                return stored, True, verdict.reason, context
        stored = await self._store.add_event(replace(event, status=EventStatus.DELIVERED))
        return stored, False, None, self._context_after_store(context, stored)

    @staticmethod
    def _keep_identity(original: RoomEvent, modified: RoomEvent) -> RoomEvent:
        """A hook may change content and metadata, not where the event belongs."""
        if modified is original:
            return original
        return modified.model_copy(
            update={
                "id": original.id,
                "room_id": original.room_id,
                "chain_depth": original.chain_depth,
                "idempotency_key": original.idempotency_key,
            }
        )

    async def _broadcast(
        self, stored: RoomEvent, context: RoomContext, targets: set[str] | None
    ) -> tuple[BroadcastResult, RoomEvent]:
        """Broadcast a stored event and record its delivery results; return both."""
        result = await self._event_router.broadcast(stored, context, targets)
        if result.delivery_results:
            # ``r.model_dump(mode="json")`` without its wrapper: three calls per message.
            results = {
                cid: type(r).__pydantic_serializer__.to_python(r, mode="json")
                for cid, r in result.delivery_results.items()
            }
            failed = all(r.status == EventStatus.FAILED for r in result.delivery_results.values())
            update: dict[str, object] = {"delivery_results": results}
            if failed:
                update["status"] = EventStatus.FAILED
            stored = await self._store.update_event(replace(stored, **update))
        if result.metadata_updates:
            room = await self._require_room(stored.room_id)
            merged = {**room.metadata, **result.metadata_updates}
            await self._store.update_room(room.model_copy(update={"metadata": merged}))
        return result, stored

    @staticmethod
    def _absorb(result: BroadcastResult, effects: _SideEffects) -> None:
        effects.tasks.extend(result.tasks)
        effects.observations.extend(result.observations)

    async def _deliver_injected(self, injected: list[InjectedEvent], context: RoomContext) -> None:
        """Store and deliver events injected by hooks, to their chosen channels."""
        for item in injected:
            event = item.event.model_copy(
                update={"room_id": context.room.id, "status": EventStatus.DELIVERED}
            )
            stored = await self._store.add_event(event)
            context = self._context_after_store(context, stored)
            targets = set(item.target_channel_ids) if item.target_channel_ids else None
            await self._broadcast(stored, context, targets)
