"""Sending room events to Messenger users through Meta's Send API.

``POST https://graph.facebook.com/<version>/me/messages`` with the page access token as
a bearer token, ``recipient.id`` the page-scoped user id and ``messaging_type``
``RESPONSE`` (or the ``messaging_type`` / ``tag`` send options). An event that needs
several messages (see :mod:`roomkit.providers.messenger.messages`) is sent as several
requests; the first message id is the result's ``provider_message_id`` and all of them
are in ``metadata["message_ids"]``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from roomkit.errors import ConfigurationError, ProviderError
from roomkit.models.delivery import ProviderResult
from roomkit.models.event import RoomEvent
from roomkit.providers._http import VendorHTTP
from roomkit.providers._meta import GRAPH_API, graph_failure
from roomkit.providers._send_results import failure_from_error
from roomkit.providers.messenger.base import MessengerProvider
from roomkit.providers.messenger.config import MessengerConfig
from roomkit.providers.messenger.messages import messenger_messages
from roomkit.providers.messenger.webhook import (
    verify_messenger_challenge,
    verify_messenger_signature,
)

if TYPE_CHECKING:
    import httpx

__all__ = ["FacebookMessengerProvider"]

logger = logging.getLogger("roomkit.providers.messenger")


class FacebookMessengerProvider(MessengerProvider):
    """Sends Messenger messages as a Facebook page."""

    def __init__(
        self,
        config: MessengerConfig,
        *,
        http_client: httpx.AsyncClient | None = None,
        base_url: str = GRAPH_API,
        timeout: float = 10.0,
    ) -> None:
        self._config = config
        token = config.page_access_token.get_secret_value()
        self._http = VendorHTTP(
            "messenger",
            f"{base_url.rstrip('/')}/{config.api_version}",
            timeout=timeout,
            headers={"Authorization": f"Bearer {token}"},
            http_client=http_client,
        )

    def __repr__(self) -> str:
        return f"FacebookMessengerProvider(api_version={self._config.api_version!r})"

    @property
    def name(self) -> str:
        """Vendor name used in results and webhooks."""
        return "messenger"

    async def send(self, event: RoomEvent, to: str, **options: Any) -> ProviderResult:
        """Send ``event`` to the page-scoped user id ``to``."""
        try:
            messages = messenger_messages(event.content)
        except ProviderError as exc:
            return failure_from_error(exc)
        envelope: dict[str, Any] = {
            "recipient": {"id": to},
            "messaging_type": options.get("messaging_type", "RESPONSE"),
        }
        if options.get("tag"):
            envelope.update(messaging_type="MESSAGE_TAG", tag=options["tag"])
        ids: list[str] = []
        for message in messages:
            try:
                answer = await self._http.json(
                    "POST", "me/messages", json={**envelope, "message": message}
                )
            except ProviderError as exc:
                logger.warning("Messenger refused event %s: %s", event.id, exc.code)
                result = graph_failure(exc)
                result.metadata["sent_message_ids"] = ids
                return result
            mid = answer.get("message_id") if isinstance(answer, Mapping) else None
            if mid:
                ids.append(str(mid))
        return ProviderResult(
            success=True,
            provider_message_id=ids[0] if ids else None,
            metadata={"message_ids": ids, "recipient_id": to},
        )

    def verify_signature(self, raw_body: bytes, signature: str | None) -> None:
        """Check a webhook's ``X-Hub-Signature-256`` with the configured app secret."""
        if self._config.app_secret is None:
            raise ConfigurationError("MessengerConfig.app_secret is needed to check signatures")
        verify_messenger_signature(self._config.app_secret, raw_body, signature)

    def verify_challenge(self, params: Mapping[str, Any]) -> str:
        """Answer the subscription handshake with the configured verify token."""
        if self._config.verify_token is None:
            raise ConfigurationError("MessengerConfig.verify_token is needed for the handshake")
        return verify_messenger_challenge(params, self._config.verify_token)

    async def close(self) -> None:
        """Close the HTTP client if the provider created it."""
        await self._http.close()
