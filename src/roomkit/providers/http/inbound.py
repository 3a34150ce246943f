"""Parsing webhooks posted to RoomKit by a generic HTTP integration.

The JSON object accepted (all fields text unless said otherwise)::

    {
      "sender_id": "user-42",        # who sent the message (required for a message)
      "recipient_id": "support",     # optional
      "message_id": "m-1",           # optional; makes redelivery idempotent
      "thread_id": "t-1",            # optional
      "timestamp": "2024-05-01T12:00:00Z",   # optional
      "text": "Hello",               # the message text, or instead:
      "content": {"type": "text", "body": "Hello"}   # any RoomKit content object
    }

A body with a ``status`` field is a delivery report instead (``kind="status"``): it
needs ``message_id`` and may carry ``recipient_id``, ``error_code`` and
``error_message``. When a ``secret`` is given, the post must carry the signature of
:mod:`roomkit.providers.http.signature` over ``raw_body``, and ``payload`` must be what
``raw_body`` decodes to.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import SecretStr, TypeAdapter, ValidationError

from roomkit.errors import ConfigurationError, InvalidPayloadError, InvalidSignatureError
from roomkit.models.content import (
    AudioContent,
    CompositeContent,
    EventContent,
    LocationContent,
    MediaContent,
    RichContent,
    SystemContent,
    TemplateContent,
    TextContent,
    VideoContent,
)
from roomkit.models.webhook import WebhookMeta
from roomkit.providers._webhook_fields import PayloadReader
from roomkit.providers.http.signature import verify_http_signature

__all__ = ["parse_http_webhook"]

_VENDOR = "http"
_CONTENT: TypeAdapter[EventContent] = TypeAdapter(EventContent)


def parse_http_webhook(
    payload: Mapping[str, Any],
    *,
    headers: Mapping[str, str] | None = None,
    secret: SecretStr | str | None = None,
    raw_body: bytes | None = None,
    tolerance_seconds: float = 300.0,
    now: Callable[[], float] = time.time,
) -> WebhookMeta:
    """Return the WebhookMeta of a generic webhook, checking its signature if ``secret``."""
    if secret is not None:
        if raw_body is None:
            raise ConfigurationError("raw_body is needed to check the webhook signature")
        verify_http_signature(
            secret, raw_body, headers or {}, tolerance_seconds=tolerance_seconds, now=now
        )
        try:
            signed = json.loads(raw_body)
        except (ValueError, UnicodeDecodeError):
            raise InvalidPayloadError(f"{_VENDOR} webhook: body is not JSON") from None
        if signed != payload:
            raise InvalidSignatureError("the payload is not the signed body")
    reader = PayloadReader(_VENDOR, payload)
    common: dict[str, Any] = {
        "provider": _VENDOR,
        "recipient": reader.text("recipient_id"),
        "timestamp": reader.optional_text("timestamp"),
        "thread_id": reader.optional_text("thread_id"),
    }
    if reader.has("status"):
        return WebhookMeta(
            **common,
            kind="status",
            message_id=reader.text("message_id", required=True),
            status=reader.text("status", required=True),
            error_code=reader.optional_text("error_code"),
            error_message=reader.optional_text("error_message"),
        )
    body, urls, types = _content(reader)
    return WebhookMeta(
        **common,
        kind="inbound",
        sender=reader.text("sender_id", required=True),
        message_id=reader.optional_text("message_id"),
        body=body,
        media_urls=urls,
        media_types=types,
    )


def _content(reader: PayloadReader) -> tuple[str, list[str], list[str]]:
    if not reader.has("content"):
        return reader.text("text"), [], []
    try:
        content = _CONTENT.validate_python(reader.data["content"])
    except ValidationError:
        raise InvalidPayloadError(f"{_VENDOR} webhook: content is not RoomKit content") from None
    texts: list[str] = []
    urls: list[str] = []
    types: list[str] = []
    _flatten(content, texts, urls, types)
    return "\n".join(t for t in texts if t), urls, types


def _flatten(content: EventContent, texts: list[str], urls: list[str], types: list[str]) -> None:
    match content:
        case CompositeContent(parts=parts):
            for part in parts:
                _flatten(part, texts, urls, types)
        case MediaContent() | AudioContent() | VideoContent():
            urls.append(content.url)
            types.append(content.mime_type)
            if isinstance(content, MediaContent) and content.caption:
                texts.append(content.caption)
        case TextContent(body=body) | SystemContent(body=body):
            texts.append(body)
        case RichContent():
            texts.append(content.plain_text or content.body)
        case TemplateContent():
            texts.append(content.body or "")
        case LocationContent():
            label = content.label or content.address or ""
            texts.append(f"{label} ({content.latitude}, {content.longitude})".strip())
