"""A scripted identity resolver for tests and examples."""

from __future__ import annotations

import asyncio

from roomkit.identity.base import IdentityResolver
from roomkit.models.context import RoomContext
from roomkit.models.delivery import InboundMessage
from roomkit.models.enums import IdentificationStatus
from roomkit.models.identity import Identity, IdentityResult

__all__ = ["MockIdentityResolver"]


class MockIdentityResolver(IdentityResolver):
    """Resolves senders from fixed tables and records every call.

    ``mapping`` maps a sender id to its identity (IDENTIFIED); ``ambiguous`` maps a sender
    id to several candidates (AMBIGUOUS); any other sender gets ``unknown_status``.
    ``delay`` seconds are awaited before answering (to exercise timeouts) and
    ``fail_with``, when set, is raised instead of answering. Each call's message and
    context are appended to ``calls`` and ``contexts``.
    """

    def __init__(
        self,
        mapping: dict[str, Identity] | None = None,
        *,
        ambiguous: dict[str, list[Identity]] | None = None,
        unknown_status: IdentificationStatus = IdentificationStatus.UNKNOWN,
        delay: float = 0.0,
        fail_with: Exception | None = None,
    ) -> None:
        self.mapping: dict[str, Identity] = dict(mapping or {})
        self.ambiguous: dict[str, list[Identity]] = dict(ambiguous or {})
        self.unknown_status = unknown_status
        self.delay = delay
        self.fail_with = fail_with
        self.calls: list[InboundMessage] = []
        self.contexts: list[RoomContext] = []

    async def resolve(self, message: InboundMessage, context: RoomContext) -> IdentityResult:
        """Answer from the tables after the configured delay, or raise ``fail_with``."""
        self.calls.append(message)
        self.contexts.append(context)
        if self.delay > 0:
            await asyncio.sleep(self.delay)
        if self.fail_with is not None:
            raise self.fail_with
        binding = context.get_binding(message.channel_id)
        result = IdentityResult(
            status=self.unknown_status,
            address=message.sender_id,
            channel_type=binding.channel_type.value if binding is not None else None,
        )
        sender = message.sender_id
        if sender in self.mapping:
            result.status = IdentificationStatus.IDENTIFIED
            result.identity = self.mapping[sender].model_copy(deep=True)
        elif sender in self.ambiguous:
            result.status = IdentificationStatus.AMBIGUOUS
            result.candidates = [c.model_copy(deep=True) for c in self.ambiguous[sender]]
        return result
