"""Twilio messaging webhooks: parsing and X-Twilio-Signature verification.

Twilio posts form-encoded parameters. An inbound message carries ``MessageSid``,
``From``, ``To``, ``Body`` and ``NumMedia`` with ``MediaUrl<i>`` / ``MediaContentType<i>``;
a status callback carries ``MessageStatus`` (``queued``, ``sent``, ``delivered``,
``undelivered``, ``failed``, ``read``...) and, on failure, ``ErrorCode``. RCS traffic uses
the same parameters with ``rcs:`` addresses and, for a tapped suggestion, ``ButtonText``
and ``ButtonPayload``.

Parsing rule shared by every ``parse_<vendor>_webhook``: it returns the
:class:`InboundMessage` of an inbound-message webhook and raises
:class:`~roomkit.errors.InvalidPayloadError` for anything else (status callbacks
included). ``twilio_webhook_meta`` (what ``extract_sms_meta("twilio", ...)`` calls)
normalises every kind into a :class:`WebhookMeta`.

Signature: ``X-Twilio-Signature`` is the base64 HMAC (SHA-1 by default, SHA-256 when the
account signs with a shared key) of the full request URL followed by each POST
parameter name and value, sorted by name. A JSON body is signed through the URL alone,
the body's SHA-256 (hex) travelling in the URL's ``bodySHA256`` query parameter.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlsplit

from roomkit.errors import InvalidPayloadError, InvalidSignatureError
from roomkit.models.delivery import InboundMessage
from roomkit.models.webhook import WebhookMeta
from roomkit.providers._signing import hmac_digest, require_header
from roomkit.providers._webhook_fields import PayloadReader

__all__ = [
    "TWILIO_SIGNATURE_HEADER",
    "compute_twilio_signature",
    "parse_twilio_rcs_webhook",
    "parse_twilio_webhook",
    "twilio_webhook_meta",
    "verify_twilio_signature",
]

TWILIO_SIGNATURE_HEADER = "X-Twilio-Signature"
"""The request header carrying Twilio's signature."""

_VENDOR = "twilio"
_ALGORITHMS = {"HMAC_SHA1": "sha1", "HMAC_SHA256": "sha256"}

FormParams = Mapping[str, str | Sequence[str]]


def twilio_webhook_meta(payload: Mapping[str, Any]) -> WebhookMeta:
    """Normalise a decoded Twilio webhook (inbound message or status callback)."""
    reader = PayloadReader(_VENDOR, payload)
    message_id = reader.optional_text("MessageSid") or reader.optional_text("SmsSid")
    if not message_id:
        raise InvalidPayloadError("twilio webhook: payload.MessageSid is missing")
    sender = _address(reader.text("From"))
    recipient = _address(reader.text("To"))
    status = reader.optional_text("MessageStatus")
    sms_status = reader.optional_text("SmsStatus")
    if status is None and sms_status not in (None, "received", "receiving"):
        status = sms_status
    if status is not None:
        return WebhookMeta(
            provider=_VENDOR,
            kind="status",
            sender=sender,
            recipient=recipient,
            message_id=message_id,
            status=status,
            error_code=reader.optional_text("ErrorCode") or None,
            error_message=reader.optional_text("ErrorMessage") or None,
            raw=dict(payload),
        )
    if not sender:
        raise InvalidPayloadError("twilio webhook: payload.From is missing")
    urls, types = _media(reader)
    return WebhookMeta(
        provider=_VENDOR,
        kind="inbound",
        sender=sender,
        recipient=recipient,
        body=reader.text("Body") or reader.text("ButtonText"),
        message_id=message_id,
        media_urls=urls,
        media_types=types,
        raw=dict(payload),
    )


def parse_twilio_webhook(payload: Mapping[str, Any], channel_id: str) -> InboundMessage:
    """Return the inbound SMS/MMS of a Twilio webhook (refuses status callbacks)."""
    return _inbound(twilio_webhook_meta(payload), channel_id)


def parse_twilio_rcs_webhook(payload: Mapping[str, Any], channel_id: str) -> InboundMessage:
    """Return the inbound RCS message of a Twilio webhook, with any tapped suggestion."""
    message = _inbound(twilio_webhook_meta(payload), channel_id)
    reader = PayloadReader(_VENDOR, payload)
    button = reader.optional_text("ButtonPayload")
    if button is not None:
        message.metadata["postback_data"] = button
    return message


def _inbound(meta: WebhookMeta, channel_id: str) -> InboundMessage:
    if not meta.is_inbound:
        raise InvalidPayloadError(f"twilio webhook is a {meta.kind} report, not a message")
    return meta.to_inbound(channel_id)


def _address(value: str) -> str:
    """Strip Twilio's channel prefix (``rcs:``) from an address."""
    return value[4:] if value.startswith("rcs:") else value


def _media(reader: PayloadReader) -> tuple[list[str], list[str]]:
    raw_count = reader.text("NumMedia", default="0") or "0"
    if not raw_count.isdigit():
        raise InvalidPayloadError("twilio webhook: payload.NumMedia is not a count")
    urls: list[str] = []
    types: list[str] = []
    for i in range(int(raw_count)):
        urls.append(reader.text(f"MediaUrl{i}", required=True))
        types.append(reader.text(f"MediaContentType{i}"))
    return urls, types


def compute_twilio_signature(
    auth_token: str, url: str, params: FormParams | None = None, algorithm: str = "HMAC_SHA1"
) -> str:
    """Return the base64 signature Twilio would send for ``url`` and ``params``."""
    try:
        digest = _ALGORITHMS[algorithm.upper()]
    except KeyError:
        raise ValueError(f"unsupported Twilio signature algorithm {algorithm!r}") from None
    signed = url
    for name in sorted(params or {}):
        value = (params or {})[name]
        values = [value] if isinstance(value, str) else list(value)
        for item in sorted(set(values)):
            signed += name + item
    return base64.b64encode(hmac_digest(auth_token, signed.encode(), digest)).decode()


def verify_twilio_signature(
    auth_token: str,
    url: str,
    payload: FormParams | bytes | str | None,
    signature: str | None,
    *,
    algorithm: str = "HMAC_SHA1",
) -> None:
    """Refuse a Twilio request whose signature does not match (raises InvalidSignatureError).

    ``payload`` is the raw body (form-encoded, or JSON signed through ``bodySHA256``)
    or the already decoded form parameters.
    """
    given = require_header(signature, TWILIO_SIGNATURE_HEADER)
    try:
        variants = _url_variants(url)
    except ValueError:  # a bad host or port (the Host header is the client's)
        raise InvalidSignatureError("the request URL is malformed") from None
    params = _signed_params(url, payload)
    for candidate in variants:
        expected = compute_twilio_signature(auth_token, candidate, params, algorithm)
        if hmac.compare_digest(expected.encode(), given.encode()):
            return
    raise InvalidSignatureError(f"{TWILIO_SIGNATURE_HEADER} does not match the request")


def _signed_params(url: str, payload: FormParams | bytes | str | None) -> FormParams:
    if payload is None:
        return {}
    if not isinstance(payload, bytes | str):
        return payload
    raw = payload.encode() if isinstance(payload, str) else payload
    body_hash = parse_qs(urlsplit(url).query).get("bodySHA256")
    if body_hash:
        if not hmac.compare_digest(hashlib.sha256(raw).hexdigest(), body_hash[0]):
            raise InvalidSignatureError("the body does not match the bodySHA256 of the URL")
        return {}
    try:
        pairs = parse_qsl(raw.decode(), keep_blank_values=True)
    except UnicodeDecodeError:
        raise InvalidSignatureError("the signed body is not UTF-8 form data") from None
    grouped: dict[str, list[str]] = {}
    for name, value in pairs:
        grouped.setdefault(name, []).append(value)
    return grouped


def _url_variants(url: str) -> list[str]:
    """The URL as given, then without / with its default port (Twilio signs either)."""
    parts = urlsplit(url)
    default_port = 443 if parts.scheme == "https" else 80
    if parts.port is None:
        other = parts._replace(netloc=f"{parts.netloc}:{default_port}")
    else:
        other = parts._replace(netloc=parts.netloc.rsplit(":", 1)[0])
    return [url, other.geturl()]
