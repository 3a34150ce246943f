"""Webhook verifiers of the SMS/MMS/RCS vendors: Twilio, Telnyx, Sinch and VoiceMeUp.

Each one checks the vendor's own signature with the function of the vendor package
(``roomkit.providers.<vendor>``) and parses with that package's parser; nothing here
re-implements a signature scheme.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from roomkit.errors import InvalidPayloadError
from roomkit.integrations.verifiers._common import (
    DEFAULT_TOKEN_PARAM,
    check_shared_secret,
    form_fields,
    json_body,
    secret_of,
)
from roomkit.integrations.webhooks import TWIML_EMPTY_REPLY, WebhookReply, WebhookVerifier
from roomkit.models.webhook import WebhookMeta
from roomkit.providers.sinch.webhook import (
    SINCH_NONCE_HEADER,
    SINCH_SIGNATURE_HEADER,
    SINCH_TIMESTAMP_HEADER,
    sinch_webhook_meta,
    verify_sinch_signature,
)
from roomkit.providers.telnyx.webhook import telnyx_webhook_meta
from roomkit.providers.twilio.webhook import (
    TWILIO_SIGNATURE_HEADER,
    twilio_webhook_meta,
    verify_twilio_signature,
)
from roomkit.providers.voicemeup.webhook import voicemeup_webhook_meta

if TYPE_CHECKING:
    from roomkit.providers.telnyx.signature import TelnyxSignatureVerifier

__all__ = [
    "SinchWebhookVerifier",
    "TelnyxWebhookVerifier",
    "TwilioWebhookVerifier",
    "VoiceMeUpWebhookVerifier",
]


def _entries(data: Any, vendor: str) -> list[Mapping[str, Any]]:
    """One JSON object, or a list of them, as a list of objects."""
    items = data if isinstance(data, list) else [data]
    if not all(isinstance(item, Mapping) for item in items):
        raise InvalidPayloadError(f"{vendor} webhook: expected a JSON object")
    return items


class TwilioWebhookVerifier(WebhookVerifier):
    """Twilio SMS, MMS and RCS webhooks (inbound messages and status callbacks).

    Checks ``X-Twilio-Signature`` over the public URL Twilio called and the form
    parameters (give ``create_app`` the ``public_url`` when a proxy sits in front), then
    answers the empty TwiML document so Twilio sends no auto-reply.
    """

    provider = "twilio"

    def __init__(self, auth_token: SecretStr | str, *, algorithm: str = "HMAC_SHA1") -> None:
        self._auth_token = secret_of(auth_token, "Twilio auth token")
        self.algorithm = algorithm

    def verify(self, headers: Mapping[str, str], body: bytes, url: str) -> None:
        """Check the HMAC of the URL and the posted parameters."""
        verify_twilio_signature(
            self._auth_token.get_secret_value(),
            url,
            body,
            headers.get(TWILIO_SIGNATURE_HEADER.lower()),
            algorithm=self.algorithm,
        )

    def parse(self, body: bytes, content_type: str) -> list[WebhookMeta]:
        """Decode the form into a message or a status report (``rcs:`` prefixes stripped)."""
        return [twilio_webhook_meta(form_fields(body, content_type, self.provider))]

    def reply(self, metas: Sequence[WebhookMeta]) -> WebhookReply:
        """Empty TwiML: accept the message, answer nothing."""
        return TWIML_EMPTY_REPLY

    def __repr__(self) -> str:
        return f"TwilioWebhookVerifier(algorithm={self.algorithm!r})"


class TelnyxWebhookVerifier(WebhookVerifier):
    """Telnyx messaging webhooks (SMS, MMS, RCS): Ed25519 signature plus timestamp.

    ``public_key`` is the base64 key of the Telnyx portal. Needs pynacl
    (``pip install 'roomkit[pynacl]'``), imported when the verifier is built.
    """

    provider = "telnyx"

    def __init__(
        self,
        public_key: str,
        *,
        tolerance_seconds: float = 300.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        from roomkit.providers.telnyx.signature import TelnyxSignatureVerifier

        self._checker: TelnyxSignatureVerifier = TelnyxSignatureVerifier(
            public_key, tolerance_seconds=tolerance_seconds, now=clock
        )

    def verify(self, headers: Mapping[str, str], body: bytes, url: str) -> None:
        """Check the timestamp's freshness and the signature of timestamp and body."""
        from roomkit.providers.telnyx.signature import (
            TELNYX_SIGNATURE_HEADER,
            TELNYX_TIMESTAMP_HEADER,
        )

        self._checker.verify(
            body, headers.get(TELNYX_SIGNATURE_HEADER), headers.get(TELNYX_TIMESTAMP_HEADER)
        )

    def parse(self, body: bytes, content_type: str) -> list[WebhookMeta]:
        """Decode the ``{"data": ...}`` event into a message, a status or an "other"."""
        return [
            telnyx_webhook_meta(e) for e in _entries(json_body(body, self.provider), self.provider)
        ]

    def __repr__(self) -> str:
        return "TelnyxWebhookVerifier()"


class SinchWebhookVerifier(WebhookVerifier):
    """Sinch SMS callbacks: HMAC-SHA256 of body, nonce and timestamp under the secret."""

    provider = "sinch"

    def __init__(
        self,
        secret: SecretStr | str,
        *,
        tolerance_seconds: float = 300.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._secret = secret_of(secret, "Sinch webhook secret")
        self.tolerance_seconds = tolerance_seconds
        self._clock = clock

    def verify(self, headers: Mapping[str, str], body: bytes, url: str) -> None:
        """Check the timestamp's freshness and the callback's HMAC."""
        verify_sinch_signature(
            self._secret.get_secret_value(),
            body,
            headers.get(SINCH_SIGNATURE_HEADER),
            headers.get(SINCH_NONCE_HEADER),
            headers.get(SINCH_TIMESTAMP_HEADER),
            tolerance_seconds=self.tolerance_seconds,
            now=self._clock,
        )

    def parse(self, body: bytes, content_type: str) -> list[WebhookMeta]:
        """Decode the callback (``mo_text``, ``mo_media``, delivery reports)."""
        return [
            sinch_webhook_meta(e) for e in _entries(json_body(body, self.provider), self.provider)
        ]

    def __repr__(self) -> str:
        return "SinchWebhookVerifier()"


class VoiceMeUpWebhookVerifier(WebhookVerifier):
    """VoiceMeUp SMS/MMS webhooks, which the vendor does not sign.

    With ``shared_secret`` set, a request must carry it, either as ``?token=<secret>``
    (``param``) in the URL you register with VoiceMeUp or as the basic-auth password;
    without it every well-formed request is accepted, so keep the URL unguessable and
    on HTTPS. The two webhooks of a split MMS arrive as two messages here; join them
    with ``roomkit.providers.voicemeup.parse_voicemeup_webhook`` in your own route.
    """

    provider = "voicemeup"

    def __init__(
        self, shared_secret: SecretStr | str | None = None, *, param: str = DEFAULT_TOKEN_PARAM
    ) -> None:
        self._secret = None if shared_secret is None else secret_of(shared_secret, "secret")
        self.param = param

    def verify(self, headers: Mapping[str, str], body: bytes, url: str) -> None:
        """Check the shared secret, when one is configured."""
        if self._secret is not None:
            check_shared_secret(self._secret, headers, url, self.param)

    def parse(self, body: bytes, content_type: str) -> list[WebhookMeta]:
        """Decode the JSON message or delivery report."""
        data = json_body(body, self.provider)
        return [voicemeup_webhook_meta(e) for e in _entries(data, self.provider)]

    def __repr__(self) -> str:
        return f"VoiceMeUpWebhookVerifier(shared_secret={self._secret is not None})"
