"""The identity resolver contract: who sent this inbound message?"""

from __future__ import annotations

from abc import ABC, abstractmethod

from roomkit.models.context import RoomContext
from roomkit.models.delivery import InboundMessage
from roomkit.models.identity import IdentityResult

__all__ = ["IdentityResolver"]


class IdentityResolver(ABC):
    """Looks an inbound sender up in some user directory."""

    @abstractmethod
    async def resolve(self, message: InboundMessage, context: RoomContext) -> IdentityResult:
        """Return what is known about the sender of ``message`` in the room of ``context``."""
