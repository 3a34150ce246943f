"""The sending policy shared by the SMS vendors (Twilio, Telnyx, Sinch, VoiceMeUp).

Template method: :meth:`VendorSMSProvider.send` splits the event into the text and media
URLs an SMS/MMS can carry and refuses an event with neither; each vendor's ``_send_sms``
only builds its request and reads its answer.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, Protocol

from roomkit.errors import ErrorCode
from roomkit.models.delivery import ProviderResult
from roomkit.models.event import RoomEvent
from roomkit.providers._send_results import vendor_failure
from roomkit.providers.sms._outbound import sms_parts
from roomkit.providers.sms.base import SMSProvider

__all__ = ["VendorSMSProvider"]


class SenderConfig(Protocol):
    """The config field every SMS vendor has."""

    from_number: str


class VendorSMSProvider[C: SenderConfig](SMSProvider):
    """An SMS vendor: one ``send`` policy, a vendor-specific ``_send_sms``."""

    _config: C

    @property
    def from_number(self) -> str | None:
        """The configured sender number."""
        return self._config.from_number

    async def send(
        self, event: RoomEvent, to: str, from_: str | None = None, **options: Any
    ) -> ProviderResult:
        """Send ``event`` to ``to`` as SMS, or MMS when it carries media."""
        text, media = sms_parts(event.content)
        if not text and not media:
            return vendor_failure(
                "the event has no text or media to send by SMS",
                code=None,
                reason=ErrorCode.INVALID_REQUEST,
            )
        return await self._send_sms(event, to, from_, text, media)

    @abstractmethod
    async def _send_sms(
        self, event: RoomEvent, to: str, from_: str | None, text: str, media: list[str]
    ) -> ProviderResult:
        """Send the text and media URLs with the vendor's API and read its answer."""
