"""Telnyx SMS/MMS through ``POST /v2/messages`` (httpx, bearer authentication)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from roomkit.models.delivery import ProviderResult
from roomkit.models.event import RoomEvent
from roomkit.providers.sms._vendor import VendorSMSProvider
from roomkit.providers.telnyx._common import (
    TelnyxWebhookMixin,
    post_telnyx_message,
    telnyx_http,
)
from roomkit.providers.telnyx.config import TelnyxConfig

if TYPE_CHECKING:
    import httpx

__all__ = ["TelnyxSMSProvider"]

logger = logging.getLogger("roomkit.providers.telnyx")


class TelnyxSMSProvider(TelnyxWebhookMixin, VendorSMSProvider[TelnyxConfig]):
    """Sends SMS and MMS with Telnyx; verifies webhooks with the account ``public_key``."""

    def __init__(
        self,
        config: TelnyxConfig,
        *,
        public_key: str | None = None,
        signature_tolerance: float = 300.0,
        clock: Callable[[], float] = time.time,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        self._config = config
        self._public_key = public_key
        self._tolerance_seconds = signature_tolerance
        self._now = clock
        self._http = telnyx_http(config.api_key, config.base_url, config.timeout, http_client)

    def __repr__(self) -> str:
        return f"TelnyxSMSProvider(from_number={self._config.from_number!r})"

    async def _send_sms(
        self, event: RoomEvent, to: str, from_: str | None, text: str, media: list[str]
    ) -> ProviderResult:
        """Send ``event`` as SMS (MMS when it carries media) to ``to``."""
        body: dict[str, Any] = {"from": from_ or self._config.from_number, "to": to}
        if text:
            body["text"] = text
        if media:
            body["media_urls"] = media
        result = await post_telnyx_message(
            self._http,
            "messages",
            body,
            messaging_profile_id=self._config.messaging_profile_id,
            webhook_url=self._config.webhook_url,
        )
        logger.debug("telnyx send of event %s: success=%s", event.id, result.success)
        return result

    async def close(self) -> None:
        """Close the HTTP client if this provider created it."""
        await self._http.close()
