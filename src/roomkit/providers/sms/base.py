"""The SMSProvider contract every SMS/MMS vendor implements."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

from roomkit.models.delivery import ProviderResult
from roomkit.models.event import RoomEvent
from roomkit.providers.base import TransportProvider

__all__ = ["SMSProvider"]


class SMSProvider(TransportProvider):
    """A vendor sending SMS (and MMS) messages to phone numbers."""

    @property
    def from_number(self) -> str | None:
        """Sender number used when ``send`` gets no ``from_`` (``None``: vendor default)."""
        return None

    @abstractmethod
    async def send(
        self, event: RoomEvent, to: str, from_: str | None = None, **options: Any
    ) -> ProviderResult:
        """Send ``event`` to the phone number ``to``, from ``from_`` or :attr:`from_number`."""
