"""The SMSProvider contract every SMS/MMS vendor implements."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Mapping
from typing import Any

from roomkit.errors import InvalidPayloadError
from roomkit.models.delivery import ProviderResult
from roomkit.models.event import RoomEvent
from roomkit.models.webhook import WebhookMeta
from roomkit.providers.base import TransportProvider

__all__ = ["SMSProvider"]


class SMSProvider(TransportProvider):
    """A vendor sending SMS (and MMS) messages to phone numbers.

    Vendors that receive webhooks override :meth:`parse_webhook`. Signature checks are
    vendor-specific (what is signed differs: URL and form for Twilio, a timestamp for
    Telnyx, a nonce for Sinch), so each vendor names its own ``verify_signature``
    arguments.
    """

    @property
    def from_number(self) -> str | None:
        """Sender number used when ``send`` gets no ``from_`` (``None``: vendor default)."""
        return None

    @abstractmethod
    async def send(
        self, event: RoomEvent, to: str, from_: str | None = None, **options: Any
    ) -> ProviderResult:
        """Send ``event`` to the phone number ``to``, from ``from_`` or :attr:`from_number`."""

    def parse_webhook(self, payload: Mapping[str, Any]) -> WebhookMeta:
        """Normalise one of this vendor's webhooks (message or delivery status).

        A provider that receives no webhooks refuses every payload.
        """
        raise InvalidPayloadError(f"{self.name} does not receive webhooks")
