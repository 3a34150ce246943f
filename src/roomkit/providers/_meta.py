"""What Messenger and the WhatsApp Cloud API share: Meta's Graph API and its webhooks.

- Sending: both post JSON to ``https://graph.facebook.com/<version>/...``. The access
  token goes in an ``Authorization: Bearer`` header (the Graph API accepts it there as
  well as in the ``access_token`` query parameter), so it never appears in URLs or logs.
- Errors: the Graph API answers errors as ``{"error": {"code", "error_subcode",
  "message", ...}}``, often with HTTP 400 even for throttling, so whether a failure is
  retryable is read from the Meta code (:data:`RETRYABLE_CODES`), not only the status.
- Webhooks: the GET subscription handshake (:func:`verify_challenge`) and the
  ``X-Hub-Signature-256: sha256=<hex HMAC of the raw body under the app secret>`` header
  (:func:`verify_hub_signature`).
- Choices: ``RichContent.buttons`` entries are dicts with a ``title`` (or ``text`` /
  ``label``) and either a ``url`` (opens a link) or a ``payload`` (or ``id`` / ``value``;
  defaults to the title) sent back when tapped.
"""

from __future__ import annotations

import hmac
import json
import mimetypes
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import SecretStr

from roomkit.errors import ErrorCode, InvalidPayloadError, InvalidSignatureError, ProviderError
from roomkit.models.delivery import ProviderResult
from roomkit.providers._send_results import error_body, failure_from_error
from roomkit.providers._signing import require_hmac

__all__ = [
    "GRAPH_API",
    "HUB_SIGNATURE_HEADER",
    "RETRYABLE_CODES",
    "Choice",
    "choices_from",
    "graph_failure",
    "iso_from_epoch",
    "load_webhook_json",
    "media_kind",
    "mime_for",
    "verify_challenge",
    "verify_hub_signature",
]

GRAPH_API = "https://graph.facebook.com"
"""Base URL of Meta's Graph API (the version is appended)."""

HUB_SIGNATURE_HEADER = "X-Hub-Signature-256"

RETRYABLE_CODES = frozenset(
    {
        "1",  # unknown error, retry later
        "2",  # service temporarily unavailable
        "4",  # application request limit
        "17",  # user request limit
        "32",  # page request limit
        "341",  # application limit
        "613",  # calls within one hour exceeded
        "1200",  # Messenger: temporary send failure
        "80007",  # WhatsApp: rate limit
        "130429",  # WhatsApp: throughput limit
        "131016",  # WhatsApp: service unavailable
        "131056",  # WhatsApp: pair rate limit
        "133004",  # WhatsApp: server temporarily unavailable
    }
)
"""Meta error codes that mean "try again later"."""


def _meta_code(body: Any) -> str | None:
    error = body.get("error") if isinstance(body, Mapping) else None
    code = error.get("code") if isinstance(error, Mapping) else None
    return str(code) if isinstance(code, int | str) and not isinstance(code, bool) else None


def graph_failure(error: ProviderError) -> ProviderResult:
    """Build the failed result of a Graph API error, retryable when Meta's code says so."""
    result = failure_from_error(error, _meta_code)
    code = result.metadata.get("code")
    if code in RETRYABLE_CODES:
        result.metadata["retryable"] = True
    body = error_body(error)
    inner = body.get("error") if isinstance(body, Mapping) else None
    if isinstance(inner, Mapping) and inner.get("error_subcode") is not None:
        result.metadata["subcode"] = str(inner["error_subcode"])
    return result


def verify_hub_signature(
    app_secret: SecretStr | str, raw_body: bytes, signature: str | None
) -> None:
    """Refuse a webhook whose ``X-Hub-Signature-256`` is not the HMAC of ``raw_body``."""
    secret = app_secret.get_secret_value() if isinstance(app_secret, SecretStr) else app_secret
    require_hmac(secret, raw_body, signature, prefix="sha256=", header=HUB_SIGNATURE_HEADER)


def verify_challenge(params: Mapping[str, Any], verify_token: SecretStr | str) -> str:
    """Answer the GET subscription handshake: return ``hub.challenge`` if the token matches."""
    expected = (
        verify_token.get_secret_value() if isinstance(verify_token, SecretStr) else verify_token
    )
    mode = _param(params, "hub.mode")
    token = _param(params, "hub.verify_token")
    challenge = _param(params, "hub.challenge")
    if mode != "subscribe":
        raise InvalidSignatureError("hub.mode is not 'subscribe'")
    if token is None or not hmac.compare_digest(token.encode(), expected.encode()):
        raise InvalidSignatureError("hub.verify_token does not match")
    if not challenge:
        raise InvalidSignatureError("hub.challenge is missing")
    return challenge


def _param(params: Mapping[str, Any], name: str) -> str | None:
    value = params.get(name)
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    return value if isinstance(value, str) else None


@dataclass(frozen=True)
class Choice:
    """One button: a title and either a link or a postback payload."""

    title: str
    payload: str | None = None
    url: str | None = None


def choices_from(buttons: list[dict[str, Any]]) -> list[Choice]:
    """Return the buttons of a RichContent as choices; refuse one without a title."""
    choices = []
    for button in buttons:
        title = next(
            (button[k] for k in ("title", "text", "label") if isinstance(button.get(k), str)),
            None,
        )
        if not title:
            raise ProviderError(
                "a button has no title", code=ErrorCode.INVALID_REQUEST, retryable=False
            )
        url = button.get("url")
        if isinstance(url, str) and url:
            choices.append(Choice(title=title, url=url))
            continue
        payload = next(
            (str(button[k]) for k in ("payload", "id", "value") if button.get(k) is not None),
            title,
        )
        choices.append(Choice(title=title, payload=payload))
    return choices


def media_kind(mime_type: str, url: str = "") -> str:
    """Return ``image``, ``audio``, ``video`` or ``file`` for a MIME type (or the URL)."""
    mime = mime_type or mimetypes.guess_type(url)[0] or ""
    major = mime.split("/", 1)[0]
    return major if major in ("image", "audio", "video") else "file"


def iso_from_epoch(value: object, vendor: str, *, millis: bool = False) -> str | None:
    """Return a Unix time (seconds, or milliseconds) as ISO 8601 UTC; ``None`` stays ``None``."""
    if value is None:
        return None
    try:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise TypeError
        seconds = float(value) / (1000 if millis else 1)
        return datetime.fromtimestamp(seconds, UTC).isoformat()
    except (TypeError, ValueError, OverflowError, OSError):
        raise InvalidPayloadError(f"{vendor} webhook: a timestamp is not a Unix time") from None


def mime_for(kind: str, url: str) -> str:
    """Return a MIME type for an inbound attachment of ``kind`` (guessed from its URL)."""
    guessed = mimetypes.guess_type(url.split("?", 1)[0])[0]
    if guessed:
        return guessed
    return {"image": "image/*", "audio": "audio/*", "video": "video/*"}.get(
        kind, "application/octet-stream"
    )


def load_webhook_json(payload: Mapping[str, Any] | bytes | str, vendor: str) -> object:
    """Return the decoded JSON of a raw webhook body (a mapping is returned as it is)."""
    if isinstance(payload, bytes | str):
        try:
            return json.loads(payload)
        except (ValueError, UnicodeDecodeError):
            raise InvalidPayloadError(f"{vendor} webhook: body is not JSON") from None
    return payload
