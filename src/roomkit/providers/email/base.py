"""The EmailProvider contract every email vendor implements."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

from roomkit.models.delivery import ProviderResult
from roomkit.models.event import RoomEvent
from roomkit.providers.base import TransportProvider

__all__ = ["EmailProvider"]


class EmailProvider(TransportProvider):
    """A vendor sending room events as emails."""

    @property
    def from_address(self) -> str | None:
        """Sender address used when ``send`` gets no ``from_`` (``None``: vendor default)."""
        return None

    @abstractmethod
    async def send(
        self,
        event: RoomEvent,
        to: str,
        from_: str | None = None,
        subject: str | None = None,
        **options: Any,
    ) -> ProviderResult:
        """Send ``event`` to the address ``to`` with an optional ``subject``."""
