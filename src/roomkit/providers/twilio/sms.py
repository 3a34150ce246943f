"""Twilio SMS/MMS through the Messages REST API (httpx; the twilio SDK is not needed)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from roomkit.models.delivery import ProviderResult
from roomkit.models.event import RoomEvent
from roomkit.providers.sms._vendor import VendorSMSProvider
from roomkit.providers.twilio._messages import TwilioMessages
from roomkit.providers.twilio._signed import TwilioWebhookMixin
from roomkit.providers.twilio.config import TwilioConfig

if TYPE_CHECKING:
    import httpx

__all__ = ["TwilioSMSProvider"]

logger = logging.getLogger("roomkit.providers.twilio")


class TwilioSMSProvider(TwilioWebhookMixin, VendorSMSProvider[TwilioConfig]):
    """Sends SMS and MMS with Twilio (form POST to ``Messages.json``, basic auth).

    ``parse_webhook`` normalises Twilio's webhooks; ``verify_signature(payload,
    signature, url)`` checks ``X-Twilio-Signature`` against the auth token.
    """

    def __init__(
        self, config: TwilioConfig, *, http_client: httpx.AsyncClient | None = None
    ) -> None:
        self._config = config
        self._auth_token = config.auth_token
        self._messages = TwilioMessages(
            config.account_sid,
            config.auth_token.get_secret_value(),
            base_url=config.base_url,
            timeout=config.timeout,
            http_client=http_client,
        )

    def __repr__(self) -> str:
        return f"TwilioSMSProvider(account_sid={self._config.account_sid!r})"

    async def _send_sms(
        self, event: RoomEvent, to: str, from_: str | None, text: str, media: list[str]
    ) -> ProviderResult:
        """Send ``event`` as SMS (or MMS when it carries media) to ``to``."""
        params: dict[str, Any] = {"To": to}
        if from_ is None and self._config.messaging_service_sid:
            params["MessagingServiceSid"] = self._config.messaging_service_sid
        else:
            params["From"] = from_ or self._config.from_number
        if text:
            params["Body"] = text
        if media:
            params["MediaUrl"] = media
        if self._config.status_callback_url:
            params["StatusCallback"] = self._config.status_callback_url
        result = await self._messages.create(params)
        logger.debug("twilio send of event %s: success=%s", event.id, result.success)
        return result

    async def close(self) -> None:
        """Close the HTTP client if this provider created it."""
        await self._messages.close()
