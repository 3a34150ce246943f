"""Broadcasting a stored event to every eligible channel of its room."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from roomkit._concurrency import run_concurrently
from roomkit.channels.base import Channel
from roomkit.core._targets import fallback_target, is_visible
from roomkit.core._tracing import describe_delivery, span_attributes, traced_on_event
from roomkit.core.circuit_breaker import CircuitBreaker
from roomkit.core.rate_limiter import TokenBucketRateLimiter
from roomkit.core.retry import retry_with_backoff_counted
from roomkit.core.transcoder import ContentTranscoder
from roomkit.models._unvalidated import unvalidated
from roomkit.models._util import replace
from roomkit.models.channel import ChannelBinding, ChannelOutput
from roomkit.models.context import RoomContext
from roomkit.models.delivery import DeliveryResult
from roomkit.models.enums import Access, ChannelCategory, ChannelDirection, EventStatus
from roomkit.models.event import RoomEvent
from roomkit.models.task import Observation, Task
from roomkit.telemetry import Telemetry

__all__ = ["CHAIN_DEPTH_BLOCKER", "BroadcastResult", "EventRouter", "is_visible"]

logger = logging.getLogger("roomkit.event_router")

_new_delivery_result = unvalidated(DeliveryResult)

CHAIN_DEPTH_BLOCKER = "event_chain_depth_limit"
"""``blocked_by`` of a response that went past ``max_chain_depth``."""

EmitFn = Callable[..., Awaitable[None]]
_RECEIVING = (Access.READ_WRITE, Access.READ_ONLY)


@dataclass(slots=True)
class BroadcastResult:
    """Everything one broadcast produced."""

    delivery_results: dict[str, DeliveryResult] = field(default_factory=dict)
    reentry_events: list[RoomEvent] = field(default_factory=list)
    blocked_events: list[RoomEvent] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    metadata_updates: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, BaseException] = field(default_factory=dict)
    targeted: set[str] = field(default_factory=set)
    """Channels the broadcast reached (before any fallback)."""


@dataclass(slots=True)
class _Delivery:
    """One event on its way to one bound channel, and the broadcast it reports to."""

    event: RoomEvent
    binding: ChannelBinding
    channel: Channel
    context: RoomContext
    result: BroadcastResult


async def _no_emit(*_: Any, **__: Any) -> None:
    return None


class EventRouter:
    """Delivers events to transport channels and lets intelligence channels react.

    With an enabled ``telemetry``, each delivery is a ``roomkit.deliver`` span and each
    intelligence reaction a ``roomkit.channel.on_event`` span.
    """

    def __init__(
        self,
        channels: Mapping[str, Channel],
        transcoder: ContentTranscoder,
        *,
        max_chain_depth: int = 5,
        rate_limiter: TokenBucketRateLimiter | None = None,
        breaker_factory: Callable[[], CircuitBreaker] = CircuitBreaker,
        emit: EmitFn | None = None,
        telemetry: Telemetry | None = None,
    ) -> None:
        self._channels = channels
        self._transcoder = transcoder
        self._max_chain_depth = max_chain_depth
        self._rate_limiter = rate_limiter or TokenBucketRateLimiter()
        self._breaker_factory = breaker_factory
        self._breakers: dict[str, CircuitBreaker] = {}
        self._emit = emit or _no_emit
        self._telemetry = telemetry if telemetry is not None else Telemetry()

    def breaker(self, channel_id: str) -> CircuitBreaker:
        """Return the circuit breaker guarding a channel's provider."""
        breaker = self._breakers.get(channel_id)
        if breaker is None:
            breaker = self._breakers[channel_id] = self._breaker_factory()
        return breaker

    def targets(
        self,
        event: RoomEvent,
        context: RoomContext,
        target_channel_ids: set[str] | None = None,
    ) -> Iterator[tuple[ChannelBinding, Channel]]:
        """Yield the bindings and channels the event should reach.

        With explicit ``target_channel_ids`` (events injected by hooks) the source channel
        may be a target too: that is how a hook answers the sender.
        """
        source_id = event.source.channel_id
        for binding in context.bindings:
            if target_channel_ids is None:
                if binding.channel_id == source_id:
                    continue  # never echo an event to the channel it came from
            elif binding.channel_id not in target_channel_ids:
                continue
            if binding.access not in _RECEIVING or binding.direction == ChannelDirection.INBOUND:
                continue
            if not is_visible(event.visibility, binding):
                continue
            channel = self._channels.get(binding.channel_id)
            if channel is None:
                logger.warning("channel %r is bound but not registered", binding.channel_id)
                continue
            yield binding, channel

    async def broadcast(
        self,
        event: RoomEvent,
        context: RoomContext,
        target_channel_ids: set[str] | None = None,
    ) -> BroadcastResult:
        """Send ``event`` to every eligible channel concurrently and collect the results."""
        result = BroadcastResult()
        targets = list(self.targets(event, context, target_channel_ids))
        result.targeted = {binding.channel_id for binding, _ in targets}
        jobs = [
            self._intelligence(event, b, ch, context, result)
            if b.category == ChannelCategory.INTELLIGENCE
            else self._transport(event, b, ch, context, result)
            for b, ch in targets
        ]
        for outcome in await run_concurrently(jobs):
            if isinstance(outcome, BaseException):  # the jobs isolate their own failures
                raise outcome
        return result

    async def _intelligence(
        self,
        event: RoomEvent,
        binding: ChannelBinding,
        channel: Channel,
        context: RoomContext,
        result: BroadcastResult,
    ) -> None:
        try:
            if self._telemetry.enabled:
                output = await traced_on_event(self._telemetry, event, binding, channel, context)
            else:
                output = await channel.on_event(event, binding, context)
        except Exception as exc:
            await self._channel_failed(event, binding, exc, result)
            return
        self._collect(output, result)
        if binding.muted:
            return  # muting silences the voice, not the brain: side effects are kept
        for response in output.response_events:
            if response.chain_depth > self._max_chain_depth:
                self._block_for_depth(response, binding, result)
                await self._emit(
                    "chain_depth_exceeded",
                    room_id=event.room_id,
                    channel_id=binding.channel_id,
                    event_id=event.id,
                    data={"chain_depth": response.chain_depth, "max": self._max_chain_depth},
                )
            else:
                result.reentry_events.append(response)

    def _block_for_depth(
        self, response: RoomEvent, binding: ChannelBinding, result: BroadcastResult
    ) -> None:
        blocked = response.model_copy(
            update={"status": EventStatus.BLOCKED, "blocked_by": CHAIN_DEPTH_BLOCKER}
        )
        result.blocked_events.append(blocked)
        result.observations.append(
            Observation(
                room_id=response.room_id,
                channel_id=binding.channel_id,
                content=(
                    f"response blocked: chain depth {response.chain_depth} exceeds "
                    f"the limit of {self._max_chain_depth}"
                ),
                category="chain_depth_exceeded",
                metadata={"event_id": response.id, "chain_depth": response.chain_depth},
            )
        )

    async def _transport(
        self,
        event: RoomEvent,
        binding: ChannelBinding,
        channel: Channel,
        context: RoomContext,
        result: BroadcastResult,
    ) -> None:
        cid = binding.channel_id
        content = self._transcoder.transcode(event.content, binding.capabilities)
        if content is None:
            result.delivery_results[cid] = DeliveryResult(
                channel_id=cid, status=EventStatus.FAILED, error="transcoding_failed", attempts=0
            )
            await self._emit(
                "transcoding_failed", room_id=event.room_id, channel_id=cid, event_id=event.id
            )
            return
        target = (
            event if content is event.content else event.model_copy(update={"content": content})
        )
        if type(channel).on_event is not Channel.on_event:
            try:
                self._collect(await channel.on_event(target, binding, context), result)
            except Exception as exc:
                await self._channel_failed(event, binding, exc, result)
                return
        await self._deliver(_Delivery(target, binding, channel, context, result))
        if result.delivery_results[binding.channel_id].status == EventStatus.FAILED:
            await self._fall_back(event, binding, context, result)

    async def _fall_back(
        self,
        event: RoomEvent,
        binding: ChannelBinding,
        context: RoomContext,
        result: BroadcastResult,
    ) -> None:
        """Deliver once through the binding's ``fallback_channel_id`` (RCS -> SMS, say)."""
        chosen = fallback_target(binding, context, self._channels, result.targeted)
        if chosen is None:
            return
        target, channel = chosen
        fallback_id = target.channel_id
        content = self._transcoder.transcode(event.content, target.capabilities)
        if content is None:
            return
        fallback_event = event if content is event.content else replace(event, content=content)
        await self._emit(
            "delivery_fallback",
            room_id=event.room_id,
            channel_id=binding.channel_id,
            event_id=event.id,
            data={"from": binding.channel_id, "to": fallback_id},
        )
        await self._deliver(_Delivery(fallback_event, target, channel, context, result))
        result.delivery_results[fallback_id].metadata["fallback_for"] = binding.channel_id
        result.delivery_results[binding.channel_id].metadata["fallback_to"] = fallback_id

    def _deliver(self, job: _Delivery) -> Coroutine[Any, Any, None]:
        """The delivery to await, traced when telemetry is enabled (a plain method: one
        frame less for every delivery)."""
        if not self._telemetry.enabled:
            return self._guarded(job)
        return self._traced_delivery(job)

    async def _traced_delivery(self, job: _Delivery) -> None:
        attributes = span_attributes(job.event, job.binding, job.channel)
        with self._telemetry.span("roomkit.deliver", attributes) as span:
            await self._guarded(job)
            describe_delivery(span, job.binding.channel_id, job.result)

    async def _guarded(self, job: _Delivery) -> None:
        """Attempt a delivery and report a change of the channel's circuit state."""
        cid = job.binding.channel_id
        breaker = self.breaker(cid)
        state = breaker.state
        try:
            await self._attempt(job, breaker)
        finally:
            if breaker.state != state:
                await self._emit(
                    "circuit_state_changed",
                    room_id=job.event.room_id,
                    channel_id=cid,
                    data={"from": str(state), "to": str(breaker.state)},
                )

    async def _attempt(self, job: _Delivery, breaker: CircuitBreaker) -> None:
        event, binding, channel, context = job.event, job.binding, job.channel, job.context
        cid = binding.channel_id
        if not breaker.allow_request():
            job.result.delivery_results[cid] = DeliveryResult(
                channel_id=cid, status=EventStatus.FAILED, error="circuit_open", attempts=0
            )
            await self._emit(
                "delivery_failed",
                room_id=event.room_id,
                channel_id=cid,
                event_id=event.id,
                data={"error": "circuit_open"},
            )
            return
        if binding.rate_limit is not None:
            waited = await self._rate_limiter.acquire(f"{event.room_id}:{cid}", binding.rate_limit)
            if waited > 0:
                await self._emit(
                    "rate_limited",
                    room_id=event.room_id,
                    channel_id=cid,
                    event_id=event.id,
                    data={"waited_seconds": waited},
                )
        attempts = 1
        try:
            if binding.retry_policy is not None:
                output, attempts = await retry_with_backoff_counted(
                    lambda: channel.deliver(event, binding, context), binding.retry_policy
                )
            else:
                output = await channel.deliver(event, binding, context)
        except Exception as exc:
            breaker.record_failure()
            attempts = getattr(exc, "roomkit_attempts", attempts)
            await self._delivery_failed(job, exc, attempts)
            return
        breaker.record_success()
        self._collect(output, job.result)
        provider = output.provider_result
        job.result.delivery_results[cid] = _new_delivery_result(
            channel_id=cid,
            status=EventStatus.DELIVERED,
            provider_message_id=provider.provider_message_id if provider else None,
            attempts=attempts,
        )

    async def _delivery_failed(self, job: _Delivery, exc: BaseException, attempts: int) -> None:
        event, cid = job.event, job.binding.channel_id
        error = f"{type(exc).__name__}: {exc}"
        logger.warning("delivery of %s to %r failed: %s", event.id, cid, type(exc).__name__)
        job.result.errors[cid] = exc
        job.result.delivery_results[cid] = DeliveryResult(
            channel_id=cid, status=EventStatus.FAILED, error=error, attempts=attempts
        )
        await self._emit(
            "delivery_failed",
            room_id=event.room_id,
            channel_id=cid,
            event_id=event.id,
            data={"error": error, "attempts": attempts},
        )

    async def _channel_failed(
        self,
        event: RoomEvent,
        binding: ChannelBinding,
        exc: BaseException,
        result: BroadcastResult,
    ) -> None:
        logger.warning("channel %r failed on %s: %r", binding.channel_id, event.id, exc)
        result.errors[binding.channel_id] = exc
        await self._emit(
            "channel_error",
            room_id=event.room_id,
            channel_id=binding.channel_id,
            event_id=event.id,
            data={"error": f"{type(exc).__name__}: {exc}"},
        )

    @staticmethod
    def _collect(output: ChannelOutput, result: BroadcastResult) -> None:
        if output.tasks:
            result.tasks.extend(output.tasks)
        if output.observations:
            result.observations.extend(output.observations)
        if output.metadata_updates:
            result.metadata_updates.update(output.metadata_updates)
