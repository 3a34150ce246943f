"""Sinch SMS callbacks: parsing into WebhookMeta and HMAC signature checks.

Callbacks are JSON objects told apart by ``type``:

- ``mo_text``: an inbound SMS (``id``, ``from``, ``to``, ``body``, ``received_at``);
- ``mo_media``: an inbound MMS whose ``body`` holds ``message`` (or ``subject``) and
  either ``media[]`` (``url``, ``content_type``) or a single ``url``;
- ``recipient_delivery_report_sms`` / ``_mms``: the status of a batch for one
  ``recipient`` (``batch_id``, ``status`` such as ``Delivered`` or ``Failed``, ``code``,
  ``at``); ``delivery_report_sms`` / ``_mms`` summarise a batch in ``statuses[]`` (the
  first entry is used);
- anything else (``mo_binary``...) is kind ``"other"``.

Sinch's status word is kept as sent (``Delivered``). ``error_code`` is the numeric
``code`` unless it is 0, 400 or 401 (delivered, queued, dispatched).

``parse_sinch_webhook`` returns the InboundMessage of ``mo_text`` / ``mo_media`` and
raises InvalidPayloadError for any other callback.

Signature: Sinch sends ``x-sinch-webhook-signature-timestamp`` (Unix seconds),
``x-sinch-webhook-signature-nonce`` and ``x-sinch-webhook-signature`` = base64 of
HMAC-SHA256 under the webhook secret of the bytes
``raw_body + b"." + nonce + b"." + timestamp``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from roomkit.errors import InvalidPayloadError
from roomkit.models.delivery import InboundMessage
from roomkit.models.webhook import WebhookMeta
from roomkit.providers._signing import check_fresh, require_header, require_hmac
from roomkit.providers._webhook_fields import PayloadReader

__all__ = [
    "SINCH_NONCE_HEADER",
    "SINCH_SIGNATURE_HEADER",
    "SINCH_TIMESTAMP_HEADER",
    "parse_sinch_webhook",
    "sinch_signed_bytes",
    "sinch_webhook_meta",
    "verify_sinch_signature",
]

SINCH_SIGNATURE_HEADER = "x-sinch-webhook-signature"
SINCH_NONCE_HEADER = "x-sinch-webhook-signature-nonce"
SINCH_TIMESTAMP_HEADER = "x-sinch-webhook-signature-timestamp"

_VENDOR = "sinch"
_NOT_ERRORS = frozenset({"0", "400", "401"})


def sinch_webhook_meta(payload: Mapping[str, Any]) -> WebhookMeta:
    """Normalise a Sinch callback (inbound message, delivery report or other)."""
    reader = PayloadReader(_VENDOR, payload)
    kind = reader.text("type", required=True)
    raw = dict(payload)
    if kind == "mo_text":
        return _inbound(reader, reader.text("body"), [], [], raw)
    if kind == "mo_media":
        body = reader.child("body")
        urls, types = _media(body)
        text = body.text("message") or body.text("subject")
        return _inbound(reader, text, urls, types, raw)
    if kind.startswith("recipient_delivery_report"):
        return _status(reader, reader, reader.text("recipient"), raw)
    if kind.startswith("delivery_report"):
        statuses = reader.children("statuses")
        if not statuses:
            raise InvalidPayloadError("sinch webhook: payload.statuses is empty")
        recipients = statuses[0].texts("recipients")
        return _status(reader, statuses[0], recipients[0] if recipients else "", raw)
    return WebhookMeta(provider=_VENDOR, kind="other", raw=raw)


def parse_sinch_webhook(payload: Mapping[str, Any], channel_id: str) -> InboundMessage:
    """Return the inbound SMS/MMS of a Sinch ``mo_text`` / ``mo_media`` callback."""
    meta = sinch_webhook_meta(payload)
    if not meta.is_inbound:
        raise InvalidPayloadError(f"sinch webhook is a {meta.kind} report, not a message")
    return meta.to_inbound(channel_id)


def _media(body: PayloadReader) -> tuple[list[str], list[str]]:
    urls: list[str] = []
    types: list[str] = []
    for item in body.children("media"):
        urls.append(item.text("url", required=True))
        types.append(item.text("content_type"))
    single = body.optional_text("url")
    if single:
        urls.append(single)
        types.append(body.text("content_type"))
    return urls, types


def _inbound(
    reader: PayloadReader, text: str, urls: list[str], types: list[str], raw: dict[str, Any]
) -> WebhookMeta:
    return WebhookMeta(
        provider=_VENDOR,
        kind="inbound",
        sender=reader.text("from", required=True),
        recipient=reader.text("to"),
        body=text,
        message_id=reader.optional_text("id"),
        media_urls=urls,
        media_types=types,
        timestamp=reader.optional_text("received_at"),
        raw=raw,
    )


def _status(
    reader: PayloadReader, entry: PayloadReader, recipient: str, raw: dict[str, Any]
) -> WebhookMeta:
    code = entry.optional_text("code")
    return WebhookMeta(
        provider=_VENDOR,
        kind="status",
        recipient=recipient,
        message_id=reader.text("batch_id", required=True),
        status=entry.text("status", required=True),
        error_code=code if code is not None and code not in _NOT_ERRORS else None,
        timestamp=reader.optional_text("at") or reader.optional_text("operator_status_at"),
        raw=raw,
    )


def sinch_signed_bytes(payload: bytes | str, nonce: str, timestamp: str) -> bytes:
    """Return the bytes Sinch signs: ``raw body . nonce . timestamp``."""
    body = payload.encode() if isinstance(payload, str) else payload
    return body + b"." + nonce.encode() + b"." + timestamp.encode()


def verify_sinch_signature(
    secret: str,
    payload: bytes | str,
    signature: str | None,
    nonce: str | None,
    timestamp: str | None,
    *,
    tolerance_seconds: float = 300.0,
    now: Callable[[], float] = time.time,
) -> None:
    """Refuse a missing, forged or stale Sinch callback signature (InvalidSignatureError)."""
    given_nonce = require_header(nonce, SINCH_NONCE_HEADER)
    stamp = require_header(timestamp, SINCH_TIMESTAMP_HEADER)
    check_fresh(stamp, tolerance_seconds, now=now)
    require_hmac(
        secret,
        sinch_signed_bytes(payload, given_nonce, stamp),
        signature,
        algorithm="sha256",
        encoding="base64",
        header=SINCH_SIGNATURE_HEADER,
    )
