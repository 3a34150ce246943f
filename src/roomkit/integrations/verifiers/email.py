"""Webhook verifiers of the email vendors: SendGrid and Elastic Email.

Only SendGrid's Event Webhook is signed (ECDSA P-256, checked by
``roomkit.providers.sendgrid.signature``, which needs ``cryptography``). SendGrid's
Inbound Parse and Elastic Email's notifications and inbound routes carry no signature:
their verifiers accept an optional shared secret that you put in the URL you register
with the vendor (``?token=<secret>``, or ``https://user:<secret>@host/...`` which the
vendor sends as basic auth). Without it, anyone who learns the URL can post to it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from pydantic import SecretStr

from roomkit.integrations.verifiers._common import (
    DEFAULT_TOKEN_PARAM,
    check_shared_secret,
    form_fields,
    json_body,
    media_type,
    secret_of,
)
from roomkit.integrations.webhooks import WebhookVerifier
from roomkit.models.webhook import WebhookMeta
from roomkit.providers.elasticemail.webhook import (
    parse_elasticemail_inbound,
    parse_elasticemail_notification,
)
from roomkit.providers.sendgrid.webhook import parse_sendgrid_events, parse_sendgrid_inbound

__all__ = [
    "ElasticEmailWebhookVerifier",
    "SendGridEventWebhookVerifier",
    "SendGridInboundWebhookVerifier",
]


class SendGridEventWebhookVerifier(WebhookVerifier):
    """SendGrid's signed Event Webhook: delivery, open, bounce... as status reports.

    ``public_key`` is the verification key of SendGrid's mail settings (base64 DER or
    PEM). Needs ``cryptography`` (``pip install 'roomkit[sendgrid]'``), imported when
    the verifier is built. ``tolerance_seconds=None`` skips the freshness check.
    """

    provider = "sendgrid"

    def __init__(
        self,
        public_key: str,
        *,
        tolerance_seconds: float | None = 600.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        from roomkit.providers.sendgrid import signature

        self._signature = signature
        self._public_key = public_key
        self.tolerance_seconds = tolerance_seconds
        self._clock = clock

    def verify(self, headers: Mapping[str, str], body: bytes, url: str) -> None:
        """Check the timestamp's freshness and the ECDSA signature of timestamp and body."""
        module = self._signature
        module.verify_sendgrid_signature(
            self._public_key,
            body,
            headers.get(module.SENDGRID_SIGNATURE_HEADER.lower()),
            headers.get(module.SENDGRID_TIMESTAMP_HEADER.lower()),
            tolerance_seconds=self.tolerance_seconds,
            now=self._clock,
        )

    def parse(self, body: bytes, content_type: str) -> list[WebhookMeta]:
        """One meta per event of the posted JSON array."""
        return parse_sendgrid_events(body)

    def __repr__(self) -> str:
        return "SendGridEventWebhookVerifier()"


class _SharedSecretVerifier(WebhookVerifier):
    """An unsigned vendor webhook, optionally guarded by a secret in its URL."""

    def __init__(
        self, shared_secret: SecretStr | str | None = None, *, param: str = DEFAULT_TOKEN_PARAM
    ) -> None:
        self._secret = None if shared_secret is None else secret_of(shared_secret, "secret")
        self.param = param

    def verify(self, headers: Mapping[str, str], body: bytes, url: str) -> None:
        """Check the shared secret, when one is configured (the vendor signs nothing)."""
        if self._secret is not None:
            check_shared_secret(self._secret, headers, url, self.param)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(shared_secret={self._secret is not None})"


class SendGridInboundWebhookVerifier(_SharedSecretVerifier):
    """SendGrid Inbound Parse: received emails, posted as multipart form data (unsigned)."""

    provider = "sendgrid"

    def parse(self, body: bytes, content_type: str) -> list[WebhookMeta]:
        """The inbound email of the posted form (a JSON object of the fields also works)."""
        if media_type(content_type) == "application/json":
            return [parse_sendgrid_inbound(json_body(body, self.provider))]
        return [parse_sendgrid_inbound(form_fields(body, content_type, self.provider))]


class ElasticEmailWebhookVerifier(_SharedSecretVerifier):
    """Elastic Email: delivery notifications (form fields) and inbound emails (JSON).

    Elastic Email signs neither, hence the optional shared secret. A form body is a
    notification, a JSON body an email posted by an inbound route.
    """

    provider = "elasticemail"

    def parse(self, body: bytes, content_type: str) -> list[WebhookMeta]:
        """The status report of a notification, or the inbound email."""
        if media_type(content_type) == "application/json":
            return [parse_elasticemail_inbound(body)]
        return [parse_elasticemail_notification(form_fields(body, content_type, self.provider))]
