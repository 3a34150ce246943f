"""Twilio RCS: the Messages API with an RCS sender, rich content through the Content API.

Twilio publishes no RCS capability lookup. Two fallbacks therefore work together:

- Twilio's own: when a send allows fallback and ``fallback_from`` is configured, the
  request carries ``FallbackFrom`` and Twilio delivers by SMS from that sender to a
  device it finds without RCS;
- RoomKit's: :meth:`TwilioRCSProvider.record_status` (register it with
  ``kit.on_delivery_status``) remembers recipients whose RCS message Twilio reported
  ``undelivered``/``failed``; :meth:`check_capability` answers ``False`` for them (until
  an RCS message to them is delivered or read) and later sends go to
  ``fallback_provider`` by SMS. The memory is per provider instance.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from roomkit.errors import ErrorCode, ProviderError
from roomkit.models.content import RichContent, TemplateContent
from roomkit.models.delivery import DeliveryStatus, ProviderResult
from roomkit.models.event import RoomEvent
from roomkit.providers._http import VendorHTTP
from roomkit.providers._send_results import failure_from_error, vendor_failure
from roomkit.providers.rcs._fallback import send_with_fallback
from roomkit.providers.rcs.base import RCSProvider
from roomkit.providers.sms._outbound import sms_parts
from roomkit.providers.sms.base import SMSProvider
from roomkit.providers.twilio._messages import TwilioMessages, twilio_error_code
from roomkit.providers.twilio._signed import TwilioWebhookMixin
from roomkit.providers.twilio.config import TwilioRCSConfig
from roomkit.providers.twilio.content import TwilioContentBuilder, wants_twilio_content

if TYPE_CHECKING:
    import httpx

__all__ = ["TwilioRCSProvider"]

logger = logging.getLogger("roomkit.providers.twilio")

_UNREACHED = frozenset({"undelivered", "failed"})
_REACHED = frozenset({"delivered", "read"})


class TwilioRCSProvider(TwilioWebhookMixin, RCSProvider):
    """Sends RCS messages with Twilio, falling back to SMS (see the module docstring)."""

    def __init__(
        self,
        config: TwilioRCSConfig,
        *,
        fallback_provider: SMSProvider | None = None,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        self._config = config
        self._auth_token = config.auth_token
        self.fallback_provider = fallback_provider
        token = config.auth_token.get_secret_value()
        self._messages = TwilioMessages(
            config.account_sid,
            token,
            base_url=config.base_url,
            timeout=config.timeout,
            http_client=http_client,
        )
        self._content_http = VendorHTTP(
            "twilio",
            config.content_base_url,
            timeout=config.timeout,
            auth=(config.account_sid, token),
            http_client=http_client,
        )
        self._content = TwilioContentBuilder(self._content_http)
        self._unreachable: set[str] = set()

    def __repr__(self) -> str:
        return f"TwilioRCSProvider(account_sid={self._config.account_sid!r})"

    async def check_capability(self, phone: str) -> bool:
        """Return ``False`` only for a number Twilio reported unreachable over RCS."""
        return phone not in self._unreachable

    async def record_status(self, status: DeliveryStatus) -> None:
        """Learn RCS reachability from a Twilio status report of an RCS message."""
        if status.provider != "twilio" or not str(status.raw.get("From", "")).startswith("rcs:"):
            return
        if status.status in _UNREACHED and status.recipient:
            self._unreachable.add(status.recipient)
        elif status.status in _REACHED:
            self._unreachable.discard(status.recipient)

    async def send(
        self, event: RoomEvent, to: str, fallback: bool = True, **options: Any
    ) -> ProviderResult:
        """Send ``event`` over RCS, or by SMS when ``to`` has no RCS and ``fallback``."""
        return await send_with_fallback(
            vendor="twilio",
            event=event,
            to=to,
            fallback=fallback,
            fallback_provider=self.fallback_provider,
            check=self.check_capability,
            send_rcs=lambda: self._send_rcs(event, to, fallback),
        )

    async def _send_rcs(self, event: RoomEvent, to: str, fallback: bool) -> ProviderResult:
        params: dict[str, Any] = {"To": to}
        if self._config.messaging_service_sid:
            params["MessagingServiceSid"] = self._config.messaging_service_sid
        if self._config.rcs_sender:
            params["From"] = self._config.rcs_sender
        if fallback and self._config.fallback_from:
            params["FallbackFrom"] = self._config.fallback_from
        if self._config.status_callback_url:
            params["StatusCallback"] = self._config.status_callback_url
        try:
            content = await self._content_params(event)
        except ProviderError as error:
            return failure_from_error(error, twilio_error_code)
        if not content:
            return vendor_failure(
                "the event has nothing to send over RCS",
                code=None,
                reason=ErrorCode.INVALID_REQUEST,
            )
        result = await self._messages.create({**params, **content})
        logger.debug("twilio RCS send of event %s: success=%s", event.id, result.success)
        return result

    async def _content_params(self, event: RoomEvent) -> dict[str, Any]:
        content = event.content
        if isinstance(content, TemplateContent):
            params: dict[str, Any] = {"ContentSid": content.template_id}
            if content.parameters:
                params["ContentVariables"] = json.dumps(content.parameters)
            return params
        if isinstance(content, RichContent) and wants_twilio_content(content):
            return {"ContentSid": await self._content.sid_for(content)}
        text, media = sms_parts(content)
        params = {"Body": text} if text else {}
        if media:
            params["MediaUrl"] = media
        return params

    async def close(self) -> None:
        """Close the HTTP clients this provider created."""
        await self._messages.close()
        await self._content_http.close()
