"""The RCSProvider contract every RCS vendor implements."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

from roomkit.models.delivery import ProviderResult
from roomkit.models.event import RoomEvent
from roomkit.providers.base import TransportProvider

__all__ = ["RCSProvider"]


class RCSProvider(TransportProvider):
    """A vendor sending RCS messages, optionally falling back to SMS.

    A send that fell back to SMS reports ``metadata["fallback"] = True`` in its result.
    """

    @abstractmethod
    async def send(
        self, event: RoomEvent, to: str, fallback: bool = True, **options: Any
    ) -> ProviderResult:
        """Send ``event`` to ``to`` over RCS; use SMS if RCS is unavailable and ``fallback``."""

    @abstractmethod
    async def check_capability(self, phone: str) -> bool:
        """Return whether ``phone`` can receive RCS messages."""
