"""InboundMixin: turning inbound messages and direct sends into processed room events."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from roomkit.channels.base import Channel
from roomkit.core._channel_ops import ChannelOpsMixin
from roomkit.core._delivery import DeliveryMixin
from roomkit.core._identity import IdentityMixin
from roomkit.core._pipeline import PipelineOutcome
from roomkit.errors import DuplicateEventError, ProcessTimeoutError
from roomkit.models._unvalidated import unvalidated
from roomkit.models._util import replace
from roomkit.models.channel import ChannelBinding
from roomkit.models.content import EventContent
from roomkit.models.context import RoomContext
from roomkit.models.delivery import InboundMessage, InboundResult
from roomkit.models.enums import (
    Access,
    ChannelDirection,
    ChannelType,
    EventType,
    HookTrigger,
)
from roomkit.models.event import EventSource, RoomEvent
from roomkit.models.room import Room
from roomkit.models.webhook import WebhookMeta
from roomkit.telemetry import NOOP_SPAN, SpanHandle

__all__ = ["InboundMixin"]

logger = logging.getLogger("roomkit.inbound")

_new_result = unvalidated(InboundResult)

_CAN_WRITE = (Access.READ_WRITE, Access.WRITE_ONLY)


class InboundMixin(ChannelOpsMixin, IdentityMixin, DeliveryMixin):
    """The inbound pipeline: route, lock, dedupe, hooks, store, broadcast, react."""

    async def process_inbound(
        self, message: InboundMessage, *, room_id: str | None = None
    ) -> InboundResult:
        """Run a message received on a registered channel through its room's pipeline.

        The inbound router picks the room, unless ``room_id`` names it (a client that
        knows its room, such as a WebSocket page); that room must exist and be open.
        """
        if self._telemetry.enabled:
            return await self._traced_inbound(message, room_id)
        return await self._process_inbound(message, room_id, NOOP_SPAN)

    async def _traced_inbound(self, message: InboundMessage, room_id: str | None) -> InboundResult:
        """Process inside a ``roomkit.process_inbound`` span, counting and timing it."""
        telemetry = self._telemetry
        channel = self._channels.get(message.channel_id)
        channel_type = str(channel.channel_type) if channel is not None else "unknown"
        attributes = {
            "roomkit.channel_id": message.channel_id,
            "roomkit.channel_type": channel_type,
        }
        started, outcome = telemetry.now(), "error"
        try:
            with telemetry.span("roomkit.process_inbound", attributes) as span:
                result = await self._process_inbound(message, room_id, span)
                outcome = _outcome(result)
                span.set_attribute("roomkit.blocked", result.blocked)
                span.set_attribute("roomkit.duplicate", result.duplicate)
                if result.event is not None:
                    span.set_attribute("roomkit.event_id", result.event.id)
                return result
        finally:
            elapsed_ms = (telemetry.now() - started) * 1000.0
            telemetry.record_inbound(channel_type, outcome, elapsed_ms)

    async def _process_inbound(
        self, message: InboundMessage, room_id: str | None, span: SpanHandle
    ) -> InboundResult:
        channel = self._require_channel(message.channel_id)
        target = room_id if room_id is not None else await self._route(channel, message)
        span.set_attribute("roomkit.room_id", target)
        outcome = await self._locked(
            target, lambda: self._inbound_locked(channel, message, target)
        )
        if isinstance(outcome, InboundResult):
            return outcome
        await self._after_broadcast(outcome)
        return _new_result(event=outcome.event, blocked=outcome.blocked, reason=outcome.reason)

    async def process_webhook(self, meta: WebhookMeta, channel_id: str) -> None:
        """Dispatch a normalised webhook: inbound message, delivery status, or ignore it."""
        if meta.is_inbound:
            await self.process_inbound(meta.to_inbound(channel_id))
        elif meta.is_status:
            await self.process_delivery_status(meta.to_status())
        else:
            logger.debug("ignoring a %s webhook of kind %r", meta.provider, meta.kind)

    async def _route(self, channel: Channel, message: InboundMessage) -> str:
        router = self._inbound_router
        room_id = await router.route(channel.channel_id, channel.channel_type, message.sender_id)
        if room_id is not None:
            return room_id
        # Two first messages from one sender must not create two rooms.
        key = f"route:{channel.channel_id}:{message.sender_id}"
        async with self._lock_manager.locked(key, timeout=self._process_timeout):
            room_id = await router.route(
                channel.channel_id, channel.channel_type, message.sender_id
            )
            if room_id is None:
                room_id = (await self._room_for_first_message(channel, message)).id
        return room_id

    async def _room_for_first_message(self, channel: Channel, message: InboundMessage) -> Room:
        room = await self._create_room()
        await self.attach_channel(
            room.id,
            channel.channel_id,
            participant_id=message.sender_id,
            metadata=channel.binding_metadata_for(message),
        )
        await self._room_created(room)
        return room

    async def _locked[T](self, room_id: str, work: Callable[[], Awaitable[T]]) -> T:
        """Run ``work()`` holding the room lock, bounded by ``process_timeout``."""
        async with self._lock_manager.locked(room_id, timeout=self._process_timeout):
            deadline = asyncio.timeout(self._process_timeout)
            try:
                async with deadline:
                    return await work()
            except TimeoutError as exc:
                if not deadline.expired():
                    raise
                await self._emit(
                    "process_timeout", room_id=room_id, data={"timeout": self._process_timeout}
                )
                raise ProcessTimeoutError(
                    f"processing in room {room_id!r} exceeded {self._process_timeout}s"
                ) from exc

    async def _inbound_locked(
        self, channel: Channel, message: InboundMessage, room_id: str
    ) -> InboundResult | PipelineOutcome:
        room, bindings, participants = await self._room_state(room_id)
        key = message.idempotency_key
        if key is not None and await self._store.check_idempotency(room_id, key):
            await self._emit(
                "duplicate_inbound",
                room_id=room_id,
                channel_id=channel.channel_id,
                data={"idempotency_key": key},
            )
            return InboundResult(blocked=True, duplicate=True, reason="duplicate")
        context = await self._context_after_reopen(room, bindings, participants)
        binding = context.get_binding(channel.channel_id)
        if binding is None:
            binding = await self.attach_channel(
                room_id,
                channel.channel_id,
                participant_id=message.sender_id,
                metadata=channel.binding_metadata_for(message),
            )
            context = await self._build_context(room_id)
        if not _knows(context, message.sender_id, channel.channel_id):
            await self.ensure_participant(room_id, channel.channel_id, message.sender_id)
        event = self._normalise(await channel.handle_inbound(message, context), message, binding)
        refusal = self._refusal(binding)
        if refusal is not None:
            stored = await self._store_blocked(event, refusal, f"source channel is {refusal}")
            return InboundResult(event=stored, blocked=True, reason=refusal)
        if self._wants_identity(channel.channel_type):
            context, stopped = await self._identify(message, event, context)
            if stopped is not None:
                return stopped
        try:
            return await self._run_pipeline(event, context)
        except DuplicateEventError:
            # Another process stored the same idempotency key first (no shared lock).
            await self._emit(
                "duplicate_inbound",
                room_id=room_id,
                channel_id=channel.channel_id,
                data={"idempotency_key": key},
            )
            return InboundResult(blocked=True, duplicate=True, reason="duplicate")

    @staticmethod
    def _normalise(
        event: RoomEvent, message: InboundMessage, binding: ChannelBinding
    ) -> RoomEvent:
        update: dict[str, Any] = {"room_id": binding.room_id, "chain_depth": 0}
        if event.idempotency_key is None and message.idempotency_key is not None:
            update["idempotency_key"] = message.idempotency_key
        if event.visibility == "all" and binding.visibility != "all":
            update["visibility"] = binding.visibility
        return replace(event, **update)

    @staticmethod
    def _refusal(binding: ChannelBinding) -> str | None:
        """Why the bound channel may not speak in the room, if it may not."""
        if binding.access not in _CAN_WRITE:
            return "access_denied"
        if binding.muted:
            return "channel_muted"
        if binding.direction == ChannelDirection.OUTBOUND:
            return "outbound_only"
        return None

    async def _after_broadcast(self, outcome: PipelineOutcome) -> None:
        """Run AFTER_BROADCAST hooks (outside the room lock) and report the event."""
        for event, context in outcome.processed:
            await self._run_async_hooks(HookTrigger.AFTER_BROADCAST, event, context)
        first = outcome.event
        await self._emit(
            "event_processed",
            room_id=first.room_id,
            channel_id=first.source.channel_id,
            event_id=first.id,
            data={"blocked": outcome.blocked, "reentries": max(0, len(outcome.processed) - 1)},
        )

    async def send_event(
        self,
        room_id: str,
        channel_id: str,
        content: EventContent,
        event_type: EventType = EventType.MESSAGE,
        chain_depth: int = 0,
    ) -> RoomEvent:
        """Put an event into a room directly (system notices, agent replies...)."""
        channel = self._channels.get(channel_id)
        channel_type = channel.channel_type if channel is not None else ChannelType.SYSTEM
        event = RoomEvent(
            room_id=room_id,
            type=event_type,
            source=EventSource(
                channel_id=channel_id,
                channel_type=channel_type,
                direction=ChannelDirection.OUTBOUND,
            ),
            content=content,
            chain_depth=chain_depth,
        )
        outcome = await self._locked(room_id, lambda: self._send_locked(event))
        await self._after_broadcast(outcome)
        return outcome.event

    async def _send_locked(self, event: RoomEvent) -> PipelineOutcome:
        context = await self._context_after_reopen(*await self._room_state(event.room_id))
        binding = context.get_binding(event.source.channel_id)
        if binding is not None:
            if binding.visibility != "all":
                event = event.model_copy(update={"visibility": binding.visibility})
            refusal = self._refusal(binding)
            if refusal is not None and refusal != "outbound_only":
                stored = await self._store_blocked(event, refusal, f"source channel is {refusal}")
                return PipelineOutcome(event=stored, blocked=True, reason=refusal)
        return await self._run_pipeline(event, context)


def _outcome(result: InboundResult) -> str:
    """Name what happened to an inbound message, for the metrics."""
    if result.duplicate:
        return "duplicate"
    return "blocked" if result.blocked else "processed"


def _knows(context: RoomContext, participant_id: str, channel_id: str) -> bool:
    """Whether the context already lists the participant as connected via the channel."""
    return any(
        p.id == participant_id and channel_id in p.connected_via for p in context.participants
    )
