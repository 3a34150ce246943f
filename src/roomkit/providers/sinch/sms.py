"""Sinch SMS/MMS through the batches API (``POST /xms/v1/{service_plan_id}/batches``).

A text is an ``mt_text`` batch (``from``, ``to[]``, ``body``). An event with media is an
``mt_media`` batch, Sinch's MMS type, whose ``body`` holds one media ``url`` and the
``message`` text; Sinch carries a single file per ``mt_media`` batch, so the URLs of
any further files are appended to the text. Every batch asks for per-recipient delivery
reports, posted to ``callback_url`` when configured.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from roomkit.errors import ConfigurationError, ErrorCode, InvalidSignatureError, ProviderError
from roomkit.models.delivery import ProviderResult
from roomkit.models.event import RoomEvent
from roomkit.models.webhook import WebhookMeta
from roomkit.providers._http import VendorHTTP
from roomkit.providers._send_results import failure_from_error, vendor_failure
from roomkit.providers.sinch.config import SinchConfig
from roomkit.providers.sinch.webhook import sinch_webhook_meta, verify_sinch_signature
from roomkit.providers.sms._vendor import VendorSMSProvider

if TYPE_CHECKING:
    import httpx

__all__ = ["SinchSMSProvider", "sinch_batch", "sinch_error_code"]

logger = logging.getLogger("roomkit.providers.sinch")


def sinch_error_code(body: Any) -> str | None:
    """Read the error code of a Sinch error body (``{"code": ..., "text": ...}``)."""
    code = body.get("code") if isinstance(body, dict) else None
    return None if code is None else str(code)


def sinch_batch(sender: str, to: str, text: str, media: list[str]) -> dict[str, Any]:
    """Return the batch request for one recipient (``mt_text`` or ``mt_media``)."""
    batch: dict[str, Any] = {"from": sender, "to": [to], "delivery_report": "per_recipient"}
    if not media:
        batch["body"] = text
        return batch
    message = "\n".join([text, *media[1:]]) if text else "\n".join(media[1:])
    batch["type"] = "mt_media"
    batch["body"] = {"url": media[0], "message": message} if message else {"url": media[0]}
    return batch


class SinchSMSProvider(VendorSMSProvider[SinchConfig]):
    """Sends SMS and MMS with Sinch; verifies callbacks with ``webhook_secret``."""

    def __init__(
        self,
        config: SinchConfig,
        *,
        signature_tolerance: float = 300.0,
        clock: Callable[[], float] = time.time,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        self._config = config
        self._tolerance = signature_tolerance
        self._now = clock
        self._http = VendorHTTP(
            "sinch",
            config.api_url,
            timeout=config.timeout,
            headers={"Authorization": f"Bearer {config.api_token.get_secret_value()}"},
            http_client=http_client,
        )

    def __repr__(self) -> str:
        return f"SinchSMSProvider(service_plan_id={self._config.service_plan_id!r})"

    async def _send_sms(
        self, event: RoomEvent, to: str, from_: str | None, text: str, media: list[str]
    ) -> ProviderResult:
        """Send ``event`` to ``to`` as one Sinch batch."""
        batch = sinch_batch(from_ or self._config.from_number, to, text, media)
        if self._config.callback_url:
            batch["callback_url"] = self._config.callback_url
        try:
            answer = await self._http.json("POST", "batches", json=batch)
        except ProviderError as error:
            return failure_from_error(error, sinch_error_code)
        batch_id = answer.get("id") if isinstance(answer, dict) else None
        if not isinstance(batch_id, str):
            return vendor_failure(
                "sinch answered without a batch id", code=None, reason=ErrorCode.INVALID_PAYLOAD
            )
        logger.debug("sinch send of event %s: batch %s", event.id, batch_id)
        return ProviderResult(
            success=True, provider_message_id=batch_id, metadata={"type": batch.get("type")}
        )

    def parse_webhook(self, payload: Mapping[str, Any]) -> WebhookMeta:
        """Normalise a Sinch callback (message, delivery report or other)."""
        return sinch_webhook_meta(payload)

    def verify_signature(
        self,
        payload: bytes | str,
        signature: str | None,
        nonce: str | None,
        timestamp: str | None,
    ) -> None:
        """Refuse a missing, forged or stale callback signature (InvalidSignatureError)."""
        if self._config.webhook_secret is None:
            raise ConfigurationError("set SinchConfig.webhook_secret to verify Sinch callbacks")
        verify_sinch_signature(
            self._config.webhook_secret.get_secret_value(),
            payload,
            signature,
            nonce,
            timestamp,
            tolerance_seconds=self._tolerance,
            now=self._now,
        )

    def is_valid_signature(
        self,
        payload: bytes | str,
        signature: str | None,
        nonce: str | None,
        timestamp: str | None,
    ) -> bool:
        """Return whether the callback carries a valid, fresh signature."""
        try:
            self.verify_signature(payload, signature, nonce, timestamp)
        except InvalidSignatureError:
            return False
        return True

    async def close(self) -> None:
        """Close the HTTP client if this provider created it."""
        await self._http.close()
