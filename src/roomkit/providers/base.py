"""What every transport provider (SMS, email, chat vendors...) offers a channel."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from roomkit.models.delivery import ProviderResult
from roomkit.models.event import RoomEvent

__all__ = ["TransportProvider"]


class TransportProvider(ABC):
    """A vendor that sends room events to an address (phone, email, user id...).

    Subclasses may name extra keyword options (``from_``, ``subject``...) but must keep
    accepting ``**options`` so a channel can pass its defaults uniformly.
    """

    @property
    def name(self) -> str:
        """Short vendor name used in logs and results."""
        return type(self).__name__

    @abstractmethod
    async def send(self, event: RoomEvent, to: str, **options: Any) -> ProviderResult:
        """Send ``event`` to ``to`` and report what the vendor answered."""

    async def close(self) -> None:
        """Release HTTP clients or connections (nothing by default)."""
        return None
