"""Webhook verifiers: the contract between an HTTP endpoint and a vendor's webhooks.

A :class:`WebhookVerifier` knows one vendor's signature scheme and payload shape. The
ASGI app (``roomkit.integrations.asgi``) holds one verifier per channel id and, for each
request, calls :meth:`~WebhookVerifier.verify` on the raw bytes first (nothing is parsed
or stored before the signature checks out), then :meth:`~WebhookVerifier.parse`, hands
every :class:`~roomkit.models.webhook.WebhookMeta` to ``RoomKit.process_webhook`` and
answers with :meth:`~WebhookVerifier.reply`. Vendors that check the endpoint with a
GET request (Messenger, WhatsApp) implement :meth:`~WebhookVerifier.challenge`.

Vendor verifiers are thin adapters over each provider's ``webhook.py``;
:class:`GenericWebhookVerifier` covers RoomKit's own signed JSON webhook.
"""

from __future__ import annotations

import hmac
import json
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from pydantic import SecretStr

from roomkit.errors import InvalidPayloadError, InvalidSignatureError
from roomkit.models.webhook import WebhookMeta
from roomkit.providers.http.inbound import parse_http_webhook
from roomkit.providers.http.signature import verify_http_signature

__all__ = [
    "TWIML_EMPTY_REPLY",
    "GenericWebhookVerifier",
    "WebhookReply",
    "WebhookVerifier",
    "hub_challenge",
]


@dataclass(frozen=True)
class WebhookReply:
    """What the endpoint answers the vendor once the webhook was accepted."""

    body: bytes = b'{"status":"ok"}'
    media_type: str = "application/json"
    status_code: int = 200


TWIML_EMPTY_REPLY = WebhookReply(
    body=b'<?xml version="1.0" encoding="UTF-8"?><Response/>', media_type="text/xml"
)
"""The empty TwiML document Twilio expects from a messaging webhook (no auto-reply)."""


class WebhookVerifier(ABC):
    """Verifies and parses the webhooks of one vendor (one instance per channel)."""

    provider: str = "webhook"
    """Vendor name, used in logs."""

    @abstractmethod
    def verify(self, headers: Mapping[str, str], body: bytes, url: str) -> None:
        """Refuse a request whose signature is missing, forged or stale.

        ``headers`` has lower-case names; ``url`` is the full URL the vendor called
        (what vendors such as Twilio sign). Raises
        :class:`~roomkit.errors.InvalidSignatureError`.
        """

    @abstractmethod
    def parse(self, body: bytes, content_type: str) -> list[WebhookMeta]:
        """Return the messages and status reports carried by a verified body.

        Raises :class:`~roomkit.errors.InvalidPayloadError` for a malformed body; an
        empty list means the webhook carries nothing for RoomKit.
        """

    def challenge(self, query: Mapping[str, str]) -> str | None:
        """Answer a GET verification challenge, or ``None`` if the vendor has none.

        Raises :class:`~roomkit.errors.InvalidSignatureError` for a wrong token.
        """
        return None

    def reply(self, metas: Sequence[WebhookMeta]) -> WebhookReply:
        """The response the vendor expects after a webhook was processed."""
        return WebhookReply()


def hub_challenge(query: Mapping[str, str], verify_token: SecretStr | str) -> str:
    """Answer a Meta-style (Messenger, WhatsApp) ``hub.challenge`` subscription check."""
    token = (
        verify_token.get_secret_value() if isinstance(verify_token, SecretStr) else verify_token
    )
    if query.get("hub.mode") != "subscribe":
        raise InvalidSignatureError("hub.mode is not 'subscribe'")
    given = query.get("hub.verify_token", "")
    if not hmac.compare_digest(given.encode(), token.encode()):
        raise InvalidSignatureError("hub.verify_token does not match")
    challenge = query.get("hub.challenge")
    if not challenge:
        raise InvalidSignatureError("hub.challenge is missing")
    return challenge


# --- the generic signed JSON webhook ---------------------------------------------------


class GenericWebhookVerifier(WebhookVerifier):
    """RoomKit's own JSON webhook, as posted by ``WebhookHTTPProvider`` or any client.

    The signature is the one of :mod:`roomkit.providers.http.signature`
    (``X-RoomKit-Timestamp`` and ``X-RoomKit-Signature: sha256=<hex>`` over
    ``"<timestamp>.<body>"``, the timestamp within ``tolerance_seconds`` of ``clock()``);
    the body is one object in the format of
    :func:`~roomkit.providers.http.parse_http_webhook` (a message or a status report),
    or a JSON list of such objects.
    """

    provider = "http"

    def __init__(
        self,
        secret: SecretStr | str,
        *,
        tolerance_seconds: float = 300.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._secret = secret if isinstance(secret, SecretStr) else SecretStr(secret)
        if not self._secret.get_secret_value():
            raise ValueError("the webhook secret must not be empty")
        self.tolerance_seconds = tolerance_seconds
        self._clock = clock

    def verify(self, headers: Mapping[str, str], body: bytes, url: str) -> None:
        """Check the timestamp's freshness, then the HMAC of timestamp and body."""
        verify_http_signature(
            self._secret, body, headers, tolerance_seconds=self.tolerance_seconds, now=self._clock
        )

    def parse(self, body: bytes, content_type: str) -> list[WebhookMeta]:
        """Decode the JSON body into one :class:`WebhookMeta` per message or report."""
        if content_type.split(";")[0].strip().lower() not in ("application/json", ""):
            raise InvalidPayloadError(f"{self.provider} webhook: expected application/json")
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            raise InvalidPayloadError(f"{self.provider} webhook: body is not JSON") from None
        entries = data if isinstance(data, list) else [data]
        return [parse_http_webhook(entry) for entry in entries]

    def __repr__(self) -> str:
        return "GenericWebhookVerifier()"
