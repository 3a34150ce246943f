"""Webhook verifiers of Meta's platforms: Facebook Messenger and the WhatsApp Cloud API.

Both sign the raw body with the app secret (``X-Hub-Signature-256: sha256=<hex>``) and
check the endpoint with a GET carrying ``hub.mode``, ``hub.verify_token`` and
``hub.challenge``. The checks and parsers are those of ``roomkit.providers.messenger``
and ``roomkit.providers.whatsapp``.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import SecretStr

from roomkit.integrations.verifiers._common import secret_of
from roomkit.integrations.webhooks import WebhookVerifier
from roomkit.models.webhook import WebhookMeta
from roomkit.providers._meta import HUB_SIGNATURE_HEADER
from roomkit.providers.messenger.webhook import (
    parse_messenger_webhook,
    verify_messenger_challenge,
    verify_messenger_signature,
)
from roomkit.providers.whatsapp.webhook import (
    parse_whatsapp_webhook,
    verify_whatsapp_challenge,
    verify_whatsapp_signature,
)

__all__ = ["MessengerWebhookVerifier", "WhatsAppWebhookVerifier"]


class _MetaVerifier(WebhookVerifier):
    """An app secret for the signature, a verify token for the subscription GET."""

    def __init__(self, app_secret: SecretStr | str, verify_token: SecretStr | str) -> None:
        self._app_secret = secret_of(app_secret, "app secret")
        self._verify_token = secret_of(verify_token, "verify token")

    def _signature(self, headers: Mapping[str, str]) -> str | None:
        return headers.get(HUB_SIGNATURE_HEADER.lower())

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class MessengerWebhookVerifier(_MetaVerifier):
    """Facebook Messenger ``page`` webhooks: messages, postbacks, delivery and read receipts."""

    provider = "messenger"

    def verify(self, headers: Mapping[str, str], body: bytes, url: str) -> None:
        """Check ``X-Hub-Signature-256`` against the raw body."""
        verify_messenger_signature(self._app_secret, body, self._signature(headers))

    def parse(self, body: bytes, content_type: str) -> list[WebhookMeta]:
        """One meta per messaging item of the batch."""
        return parse_messenger_webhook(body)

    def challenge(self, query: Mapping[str, str]) -> str | None:
        """Echo ``hub.challenge`` when the verify token matches."""
        return verify_messenger_challenge(query, self._verify_token)


class WhatsAppWebhookVerifier(_MetaVerifier):
    """WhatsApp Cloud API webhooks: inbound messages and message statuses."""

    provider = "whatsapp"

    def verify(self, headers: Mapping[str, str], body: bytes, url: str) -> None:
        """Check ``X-Hub-Signature-256`` against the raw body."""
        verify_whatsapp_signature(self._app_secret, body, self._signature(headers))

    def parse(self, body: bytes, content_type: str) -> list[WebhookMeta]:
        """One meta per message or status of the batch."""
        return parse_whatsapp_webhook(body)

    def challenge(self, query: Mapping[str, str]) -> str | None:
        """Echo ``hub.challenge`` when the verify token matches."""
        return verify_whatsapp_challenge(query, self._verify_token)
