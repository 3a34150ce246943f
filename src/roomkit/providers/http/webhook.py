"""Posting room events to an HTTP endpoint (a generic outbound webhook).

Each send is ``POST <webhook_url>`` with ``Content-Type: application/json`` and the body
``{"event": <the RoomEvent as JSON>, "recipient_id": <to>}``, plus the configured
headers, ``X-RoomKit-Event-Id``, and — when a secret is configured — the timestamp and
signature headers of :mod:`roomkit.providers.http.signature`. Any 2xx answer is a
success; its ``message_id`` (or ``id``) field, when the body is a JSON object carrying
one, is the ``provider_message_id``, otherwise the event id is. Other answers and
network failures come back as an unsuccessful result (5xx, 429 and timeouts retryable).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from roomkit.errors import ProviderError
from roomkit.models.delivery import ProviderResult
from roomkit.models.event import RoomEvent
from roomkit.providers._http import VendorHTTP
from roomkit.providers._send_results import failure_from_error
from roomkit.providers.http.base import HTTPProvider
from roomkit.providers.http.config import HTTPProviderConfig
from roomkit.providers.http.signature import signed_headers

if TYPE_CHECKING:
    import httpx

__all__ = ["WebhookHTTPProvider", "webhook_body"]

logger = logging.getLogger("roomkit.providers.http")


def webhook_body(event: RoomEvent, recipient_id: str) -> bytes:
    """Return the JSON bytes posted for ``event`` (compact, UTF-8)."""
    payload = {"event": event.model_dump(mode="json"), "recipient_id": recipient_id}
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


class WebhookHTTPProvider(HTTPProvider):
    """Posts each event as signed JSON to the configured URL."""

    def __init__(
        self,
        config: HTTPProviderConfig,
        *,
        http_client: httpx.AsyncClient | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._config = config
        self._clock = clock
        self._http = VendorHTTP(
            "http",
            config.webhook_url,
            timeout=config.timeout,
            headers=config.headers,
            http_client=http_client,
        )

    def __repr__(self) -> str:
        return f"WebhookHTTPProvider(webhook_url={self._config.webhook_url!r})"

    @property
    def name(self) -> str:
        """Vendor name used in results."""
        return "http"

    async def send(self, event: RoomEvent, to: str, **options: Any) -> ProviderResult:
        """Post ``event`` for ``to``; an error answer comes back as an unsuccessful result."""
        body = webhook_body(event, to)
        headers = {"Content-Type": "application/json", "X-RoomKit-Event-Id": event.id}
        if self._config.secret is not None:
            headers.update(signed_headers(self._config.secret, body, now=self._clock))
        try:
            response = await self._http.request(
                "POST", self._config.webhook_url, content=body, headers=headers
            )
        except ProviderError as exc:
            logger.warning("webhook post of event %s failed: %s", event.id, exc.code)
            return failure_from_error(exc)
        return ProviderResult(
            success=True,
            provider_message_id=_answer_id(response.content) or event.id,
            metadata={"status_code": response.status_code},
        )

    async def close(self) -> None:
        """Close the HTTP client if the provider created it."""
        await self._http.close()


def _answer_id(content: bytes) -> str | None:
    try:
        answer = json.loads(content) if content else None
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(answer, Mapping):
        return None
    for key in ("message_id", "id"):
        value = answer.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
            return str(value)
    return None
