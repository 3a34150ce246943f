"""Sending room events to WhatsApp users through Meta's Cloud API.

``POST https://graph.facebook.com/<version>/<phone_number_id>/messages`` with the access
token as a bearer token and ``messaging_product: "whatsapp"``; the recipient is the
phone number with everything but digits removed. Content is mapped by
:mod:`roomkit.providers.whatsapp.messages`; an event needing several messages is sent
as several requests, the first ``wamid`` being the result's ``provider_message_id``.
When ``event.channel_data.reply_to_id`` (or the ``reply_to`` option) is a WhatsApp
message id (``wamid.``...), the first message quotes it as its context.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from roomkit.errors import ConfigurationError, ErrorCode, ProviderError
from roomkit.models.delivery import ProviderResult
from roomkit.models.event import RoomEvent
from roomkit.providers._http import VendorHTTP
from roomkit.providers._meta import (
    GRAPH_API,
    graph_failure,
    verify_challenge,
    verify_hub_signature,
)
from roomkit.providers._send_results import failure_from_error
from roomkit.providers.whatsapp.base import WhatsAppProvider
from roomkit.providers.whatsapp.config import WhatsAppCloudConfig
from roomkit.providers.whatsapp.messages import whatsapp_messages
from roomkit.providers.whatsapp.webhook import MEDIA_URI_PREFIX

if TYPE_CHECKING:
    import httpx

__all__ = ["WhatsAppCloudProvider"]

logger = logging.getLogger("roomkit.providers.whatsapp")

_NOT_DIGIT = re.compile(r"\D")


class WhatsAppCloudProvider(WhatsAppProvider):
    """Sends WhatsApp messages from one business phone number."""

    def __init__(
        self,
        config: WhatsAppCloudConfig,
        *,
        http_client: httpx.AsyncClient | None = None,
        base_url: str = GRAPH_API,
        timeout: float = 10.0,
    ) -> None:
        self._config = config
        token = config.access_token.get_secret_value()
        self._http = VendorHTTP(
            "whatsapp",
            f"{base_url.rstrip('/')}/{config.api_version}",
            timeout=timeout,
            headers={"Authorization": f"Bearer {token}"},
            http_client=http_client,
        )

    def __repr__(self) -> str:
        return f"WhatsAppCloudProvider(phone_number_id={self._config.phone_number_id!r})"

    @property
    def name(self) -> str:
        """Vendor name used in results and webhooks."""
        return "whatsapp"

    async def send(self, event: RoomEvent, to: str, **options: Any) -> ProviderResult:
        """Send ``event`` to the phone number ``to``."""
        recipient = _NOT_DIGIT.sub("", to)
        try:
            if not recipient:
                raise ProviderError(
                    "the recipient is not a phone number",
                    code=ErrorCode.INVALID_REQUEST,
                    retryable=False,
                )
            messages = whatsapp_messages(event.content, options)
        except ProviderError as exc:
            return failure_from_error(exc)
        context = _context(event, options)
        ids: list[str] = []
        for index, message in enumerate(messages):
            body: dict[str, Any] = {
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": recipient,
                **message,
            }
            if index == 0 and context:
                body["context"] = {"message_id": context}
            try:
                answer = await self._http.json(
                    "POST", f"{self._config.phone_number_id}/messages", json=body
                )
            except ProviderError as exc:
                logger.warning("WhatsApp refused event %s: %s", event.id, exc.code)
                result = graph_failure(exc)
                result.metadata["sent_message_ids"] = ids
                return result
            ids.extend(_message_ids(answer))
        return ProviderResult(
            success=True,
            provider_message_id=ids[0] if ids else None,
            metadata={"message_ids": ids, "recipient": recipient},
        )

    async def media_url(self, media: str) -> tuple[str, str]:
        """Return the short-lived download URL and MIME type of an inbound media id.

        ``media`` is the id, or the ``whatsapp-media:<id>`` URL the webhook parser puts
        in ``WebhookMeta.media_urls``; downloading the URL needs the same bearer token.
        """
        media_id = media.removeprefix(MEDIA_URI_PREFIX)
        answer = await self._http.json("GET", media_id)
        url = answer.get("url") if isinstance(answer, Mapping) else None
        if not isinstance(url, str) or not url:
            raise ProviderError(
                "WhatsApp answered no URL for the media",
                code=ErrorCode.INVALID_PAYLOAD,
                provider="whatsapp",
            )
        return url, str(answer.get("mime_type") or "")

    def verify_signature(self, raw_body: bytes, signature: str | None) -> None:
        """Check a webhook's ``X-Hub-Signature-256`` with the configured app secret."""
        if self._config.app_secret is None:
            raise ConfigurationError("WhatsAppCloudConfig.app_secret is needed for signatures")
        verify_hub_signature(self._config.app_secret, raw_body, signature)

    def verify_challenge(self, params: Mapping[str, Any]) -> str:
        """Answer the subscription handshake with the configured verify token."""
        if self._config.verify_token is None:
            raise ConfigurationError("WhatsAppCloudConfig.verify_token is needed")
        return verify_challenge(params, self._config.verify_token)

    async def close(self) -> None:
        """Close the HTTP client if the provider created it."""
        await self._http.close()


def _context(event: RoomEvent, options: Mapping[str, Any]) -> str | None:
    for candidate in (options.get("reply_to"), event.channel_data.reply_to_id):
        if isinstance(candidate, str) and candidate.startswith("wamid."):
            return candidate
    return None


def _message_ids(answer: object) -> list[str]:
    messages = answer.get("messages") if isinstance(answer, Mapping) else None
    if not isinstance(messages, list):
        return []
    return [str(m["id"]) for m in messages if isinstance(m, Mapping) and m.get("id")]
