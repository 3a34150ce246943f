"""Webhook parsing and signature checks shared by the Twilio SMS and RCS providers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import SecretStr

from roomkit.errors import InvalidSignatureError
from roomkit.models.webhook import WebhookMeta
from roomkit.providers.twilio.webhook import (
    FormParams,
    twilio_webhook_meta,
    verify_twilio_signature,
)

__all__ = ["TwilioWebhookMixin"]


class TwilioWebhookMixin:
    """Gives a Twilio provider ``parse_webhook`` and signature checks (auth token)."""

    _auth_token: SecretStr

    def parse_webhook(self, payload: Mapping[str, Any]) -> WebhookMeta:
        """Normalise a decoded Twilio webhook (message or status callback)."""
        return twilio_webhook_meta(payload)

    def verify_signature(
        self,
        payload: FormParams | bytes | str | None,
        signature: str | None,
        url: str,
        *,
        algorithm: str = "HMAC_SHA1",
    ) -> None:
        """Refuse a request not signed with this account's auth token (InvalidSignatureError)."""
        verify_twilio_signature(
            self._auth_token.get_secret_value(), url, payload, signature, algorithm=algorithm
        )

    def is_valid_signature(
        self,
        payload: FormParams | bytes | str | None,
        signature: str | None,
        url: str,
        *,
        algorithm: str = "HMAC_SHA1",
    ) -> bool:
        """Return whether the request is signed with this account's auth token."""
        try:
            self.verify_signature(payload, signature, url, algorithm=algorithm)
        except InvalidSignatureError:
            return False
        return True
