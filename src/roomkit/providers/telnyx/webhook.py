"""Telnyx messaging webhooks (SMS, MMS and RCS): parsing into WebhookMeta.

Telnyx wraps every event as ``{"data": {"event_type", "id", "occurred_at", "payload"}}``:

- ``message.received``: an inbound message. SMS/MMS payloads carry ``from.phone_number``,
  ``to[].phone_number``, ``text`` and ``media[]`` (``url``, ``content_type``). RCS
  payloads name the ``agent_id`` and put the content under ``body``: ``text``, a tapped
  ``suggestion_response`` (``text``, ``postback_data``), a ``user_file``
  (``payload.file_uri``, ``payload.mime_type``) or a shared ``location``.
- ``message.sent``, ``message.finalized``, ``message.delivered``, ``message.read``...: a
  status report on a message we sent; the status is ``to[0].status`` (``sent``,
  ``delivered``, ``sending_failed``, ``delivery_failed``...) or else the event name's
  suffix, and ``errors[0]`` gives the vendor error code and title.
- anything else is kind ``"other"``.

``parse_telnyx_webhook`` / ``parse_telnyx_rcs_webhook`` return the InboundMessage of a
``message.received`` event and raise InvalidPayloadError for any other event.
Signatures are checked by :mod:`roomkit.providers.telnyx.signature` (needs pynacl).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from roomkit.errors import InvalidPayloadError
from roomkit.models.delivery import InboundMessage
from roomkit.models.webhook import WebhookMeta
from roomkit.providers._webhook_fields import PayloadReader

__all__ = ["parse_telnyx_rcs_webhook", "parse_telnyx_webhook", "telnyx_webhook_meta"]

_VENDOR = "telnyx"


def telnyx_webhook_meta(payload: Mapping[str, Any]) -> WebhookMeta:
    """Normalise a Telnyx messaging webhook (inbound message, status report or other)."""
    data = PayloadReader(_VENDOR, payload).child("data")
    event_type = data.text("event_type", required=True)
    body = data.child("payload")
    timestamp = data.optional_text("occurred_at")
    raw = dict(payload)
    if event_type == "message.received":
        return _inbound(body, timestamp, raw)
    if event_type.startswith("message."):
        return _status(body, event_type, timestamp, raw)
    return WebhookMeta(provider=_VENDOR, kind="other", timestamp=timestamp, raw=raw)


def parse_telnyx_webhook(payload: Mapping[str, Any], channel_id: str) -> InboundMessage:
    """Return the inbound SMS/MMS of a Telnyx ``message.received`` webhook."""
    meta = telnyx_webhook_meta(payload)
    if not meta.is_inbound:
        raise InvalidPayloadError(f"telnyx webhook is a {meta.kind} report, not a message")
    return meta.to_inbound(channel_id)


def parse_telnyx_rcs_webhook(payload: Mapping[str, Any], channel_id: str) -> InboundMessage:
    """Return the inbound RCS message of a Telnyx webhook, with any tapped suggestion."""
    message = parse_telnyx_webhook(payload, channel_id)
    body = PayloadReader(_VENDOR, payload).child("data").child("payload")
    content = body.optional_child("body")
    reply = content.optional_child("suggestion_response") if content else None
    if reply is not None:
        message.metadata["postback_data"] = reply.text("postback_data")
    agent = body.optional_text("agent_id")
    if agent:
        message.metadata["agent_id"] = agent
    return message


def _first_to(body: PayloadReader) -> PayloadReader | None:
    recipients = body.children("to")
    return recipients[0] if recipients else None


def _inbound(body: PayloadReader, timestamp: str | None, raw: dict[str, Any]) -> WebhookMeta:
    sender = body.child("from").text("phone_number", required=True)
    first_to = _first_to(body)
    recipient = first_to.text("phone_number") if first_to else ""
    text = body.text("text")
    urls: list[str] = []
    types: list[str] = []
    for item in body.children("media"):
        urls.append(item.text("url", required=True))
        types.append(item.text("content_type"))
    rich = body.optional_child("body")
    if rich is not None:
        text = text or _rcs_text(rich)
        upload = rich.optional_child("user_file")
        if upload is not None:
            file = upload.child("payload")
            urls.append(file.text("file_uri", required=True))
            types.append(file.text("mime_type"))
    return WebhookMeta(
        provider=_VENDOR,
        kind="inbound",
        sender=sender,
        recipient=recipient or body.text("agent_id"),
        body=text,
        message_id=body.optional_text("id"),
        media_urls=urls,
        media_types=types,
        timestamp=body.optional_text("received_at") or timestamp,
        raw=raw,
    )


def _rcs_text(rich: PayloadReader) -> str:
    reply = rich.optional_child("suggestion_response")
    if reply is not None:
        return reply.text("text")
    location = rich.optional_child("location")
    if location is not None:
        latitude = location.text("latitude", required=True)
        longitude = location.text("longitude", required=True)
        return f"{latitude},{longitude}"
    return rich.text("text")


def _status(
    body: PayloadReader, event_type: str, timestamp: str | None, raw: dict[str, Any]
) -> WebhookMeta:
    first_to = _first_to(body)
    status = first_to.optional_text("status") if first_to else None
    errors = body.children("errors")
    error = errors[0] if errors else None
    sender = body.optional_child("from")
    return WebhookMeta(
        provider=_VENDOR,
        kind="status",
        sender=sender.text("phone_number") if sender else body.text("agent_id"),
        recipient=first_to.text("phone_number") if first_to else "",
        message_id=body.text("id", required=True),
        status=status or event_type.removeprefix("message."),
        error_code=error.optional_text("code") if error else None,
        error_message=(error.optional_text("detail") or error.optional_text("title"))
        if error
        else None,
        timestamp=timestamp,
        raw=raw,
    )
