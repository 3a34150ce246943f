"""IdentityMixin: who sent an inbound message, and what to do when nobody knows."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from roomkit.core._pipeline import PipelineMixin
from roomkit.core._room_lifecycle import RoomLifecycleMixin
from roomkit.core.hooks import HookError, HookRegistration
from roomkit.models.context import RoomContext
from roomkit.models.delivery import InboundMessage, InboundResult
from roomkit.models.enums import ChannelType, HookTrigger, IdentificationStatus
from roomkit.models.event import RoomEvent
from roomkit.models.identity import Identity, IdentityHookResult, IdentityResult
from roomkit.models.participant import Participant

__all__ = ["IdentityHookFn", "IdentityMixin"]

logger = logging.getLogger("roomkit.identity")

IdentityHookFn = Callable[
    [RoomEvent, RoomContext, IdentityResult], Awaitable[IdentityHookResult | None]
]
"""``async def hook(event, ctx, id_result) -> IdentityHookResult | None``."""

_HOOK_FOR = {
    IdentificationStatus.AMBIGUOUS: HookTrigger.ON_IDENTITY_AMBIGUOUS,
    IdentificationStatus.PENDING: HookTrigger.ON_IDENTITY_AMBIGUOUS,
    IdentificationStatus.UNKNOWN: HookTrigger.ON_IDENTITY_UNKNOWN,
}
_STOPS = {
    IdentificationStatus.CHALLENGE_SENT: "identity_challenge",
    IdentificationStatus.REJECTED: "identity_rejected",
}


class IdentityMixin(PipelineMixin, RoomLifecycleMixin):
    """Runs the identity resolver and identity hooks for inbound messages."""

    _identity_hooks: list[HookRegistration]

    def _wants_identity(self, channel_type: ChannelType) -> bool:
        if self._identity_resolver is None:
            return False
        allowed = self._identity_channel_types
        return allowed is None or channel_type in allowed

    async def _identify(
        self, message: InboundMessage, event: RoomEvent, context: RoomContext
    ) -> tuple[RoomContext, InboundResult | None]:
        """Resolve the sender; return the context to use and a result if the message stops."""
        result = await self._resolve(message, context)
        if result is None:  # timed out or failed: continue as unknown, never drop
            await self._record_identity(
                context.room.id, message, IdentificationStatus.UNKNOWN, None, [], None
            )
            return context, None
        status, identity, resolved_by = result.status, result.identity, "resolver"
        candidates = result.candidates
        verdict = await self._identity_hooks_verdict(event, context, result)
        if verdict is not None:
            status, resolved_by = verdict.status, "hook"
            identity = verdict.identity or identity
            candidates = verdict.candidates or candidates
        display = verdict.display_name if verdict is not None else None
        await self._record_identity(
            context.room.id, message, status, identity, candidates, resolved_by, display
        )
        stopped: InboundResult | None = None
        if status in _STOPS:  # the held message is stored first, then the challenge
            reason = (verdict.reason if verdict is not None else None) or _STOPS[status]
            stored = await self._store_blocked(event, _STOPS[status], reason)
            stopped = InboundResult(event=stored, blocked=True, reason=reason)
        if verdict is not None and verdict.injected_events:
            await self._deliver_injected(verdict.injected_events, context)
        if stopped is None and status == IdentificationStatus.IDENTIFIED and identity:
            context = context.model_copy(update={"identity": identity})
        return context, stopped

    async def _resolve(
        self, message: InboundMessage, context: RoomContext
    ) -> IdentityResult | None:
        resolver = self._identity_resolver
        if resolver is None:  # pragma: no cover - guarded by _wants_identity
            return None
        try:
            async with asyncio.timeout(self._identity_timeout):
                return await resolver.resolve(message, context)
        except TimeoutError:
            logger.warning("identity resolution timed out after %ss", self._identity_timeout)
            await self._emit(
                "identity_timeout",
                room_id=context.room.id,
                channel_id=message.channel_id,
                data={"timeout": self._identity_timeout},
            )
        except Exception as exc:
            logger.warning("identity resolver failed: %r", exc)
            await self._emit(
                "identity_error",
                room_id=context.room.id,
                channel_id=message.channel_id,
                data={"error": f"{type(exc).__name__}: {exc}"},
            )
        return None

    async def _identity_hooks_verdict(
        self, event: RoomEvent, context: RoomContext, result: IdentityResult
    ) -> IdentityHookResult | None:
        trigger = _HOOK_FOR.get(result.status)
        if trigger is None:
            return None
        for hook in self._identity_hooks:
            if hook.trigger != trigger or not hook.matches(event):
                continue
            try:
                verdict = await self._hook_engine.call(hook, event, context, result)
            except Exception as exc:
                logger.warning("identity hook %r failed: %r", hook.name, exc)
                await self._report_hook_errors(
                    [HookError(hook.name, trigger, exc)], event, context
                )
                continue
            if isinstance(verdict, IdentityHookResult):
                return verdict
        return None

    async def _record_identity(
        self,
        room_id: str,
        message: InboundMessage,
        status: IdentificationStatus,
        identity: Identity | None,
        candidates: list[Identity],
        resolved_by: str | None,
        display_name: str | None = None,
    ) -> Participant:
        participant = await self.ensure_participant(room_id, message.channel_id, message.sender_id)
        was_identified = participant.identification == IdentificationStatus.IDENTIFIED
        update: dict[str, Any] = {"identification": status}
        if status == IdentificationStatus.IDENTIFIED and identity is not None:
            await self._remember_identity(identity, message)
            update.update(
                identity_id=identity.id,
                candidates=[],
                resolved_at=self._clock(),
                resolved_by=resolved_by,
            )
            if identity.display_name and not participant.display_name:
                update["display_name"] = identity.display_name
        else:
            update["candidates"] = [c.id for c in candidates]
        if display_name is not None:
            update["display_name"] = display_name
        updated = await self._store.update_participant(participant.model_copy(update=update))
        if status == IdentificationStatus.IDENTIFIED and not was_identified:
            await self._announce_identified(updated)
        return updated

    async def _remember_identity(self, identity: Identity, message: InboundMessage) -> None:
        """Keep the identity in the store and link the sender's address to it."""
        if await self._store.get_identity(identity.id) is None:
            await self._store.create_identity(identity)
        channel_type = str(self._require_channel(message.channel_id).channel_type)
        known = await self._store.resolve_identity(channel_type, message.sender_id)
        if known is None or known.id != identity.id:
            await self._store.link_address(identity.id, channel_type, message.sender_id)
