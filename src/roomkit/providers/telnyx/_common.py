"""Pieces shared by the Telnyx SMS and RCS providers: HTTP client, errors, webhooks."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from roomkit.errors import ConfigurationError, ErrorCode, InvalidSignatureError, ProviderError
from roomkit.models.delivery import ProviderResult
from roomkit.models.webhook import WebhookMeta
from roomkit.providers._http import VendorHTTP
from roomkit.providers._send_results import failure_from_error, vendor_failure
from roomkit.providers.telnyx.webhook import telnyx_webhook_meta

if TYPE_CHECKING:
    import httpx

    from roomkit.providers.telnyx.signature import TelnyxSignatureVerifier

__all__ = [
    "TelnyxWebhookMixin",
    "post_telnyx_message",
    "telnyx_error_code",
    "telnyx_http",
    "telnyx_message_result",
]


def telnyx_http(
    api_key: SecretStr, base_url: str, timeout: float, http_client: httpx.AsyncClient | None
) -> VendorHTTP:
    """Build the HTTP client for Telnyx's v2 API (bearer authentication)."""
    return VendorHTTP(
        "telnyx",
        base_url,
        timeout=timeout,
        headers={"Authorization": f"Bearer {api_key.get_secret_value()}"},
        http_client=http_client,
    )


def telnyx_error_code(body: Any) -> str | None:
    """Read the code of the first error of a Telnyx error body."""
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list) or not errors or not isinstance(errors[0], dict):
        return None
    code = errors[0].get("code")
    return None if code is None else str(code)


def telnyx_message_result(answer: Any) -> ProviderResult:
    """Turn Telnyx's ``{"data": {"id": ..., "to": [...]}}`` answer into a ProviderResult."""
    data = answer.get("data") if isinstance(answer, dict) else None
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        return vendor_failure(
            "telnyx answered without a message id", code=None, reason=ErrorCode.INVALID_PAYLOAD
        )
    recipients = data.get("to")
    first = recipients[0] if isinstance(recipients, list) and recipients else None
    status = first.get("status") if isinstance(first, dict) else None
    return ProviderResult(
        success=True, provider_message_id=data["id"], metadata={"status": status}
    )


async def post_telnyx_message(
    http: VendorHTTP,
    path: str,
    body: dict[str, Any],
    *,
    messaging_profile_id: str | None,
    webhook_url: str | None,
) -> ProviderResult:
    """Post a message (SMS or RCS) with the account-wide fields and read Telnyx's answer."""
    if messaging_profile_id:
        body["messaging_profile_id"] = messaging_profile_id
    if webhook_url:
        body["webhook_url"] = webhook_url
    try:
        answer = await http.json("POST", path, json=body)
    except ProviderError as error:
        return failure_from_error(error, telnyx_error_code)
    return telnyx_message_result(answer)


class TelnyxWebhookMixin:
    """Gives a Telnyx provider ``parse_webhook`` and Ed25519 signature checks.

    Signature checks need the account's ``public_key`` (base64) and pynacl.
    """

    _public_key: str | None
    _tolerance_seconds: float
    _now: Callable[[], float]
    _verifier: TelnyxSignatureVerifier | None = None

    def parse_webhook(self, payload: Mapping[str, Any]) -> WebhookMeta:
        """Normalise a Telnyx messaging webhook (message, status report or other)."""
        return telnyx_webhook_meta(payload)

    def verify_signature(
        self, payload: bytes | str, signature: str | None, timestamp: str | None
    ) -> None:
        """Refuse a missing, forged or stale Telnyx signature (InvalidSignatureError)."""
        if self._verifier is None:
            if not self._public_key:
                raise ConfigurationError("pass public_key=... to verify Telnyx signatures")
            from roomkit.providers.telnyx.signature import TelnyxSignatureVerifier

            self._verifier = TelnyxSignatureVerifier(
                self._public_key, tolerance_seconds=self._tolerance_seconds, now=self._now
            )
        self._verifier.verify(payload, signature, timestamp)

    def is_valid_signature(
        self, payload: bytes | str, signature: str | None, timestamp: str | None
    ) -> bool:
        """Return whether the webhook carries a valid, fresh Telnyx signature."""
        try:
            self.verify_signature(payload, signature, timestamp)
        except InvalidSignatureError:
            return False
        return True
