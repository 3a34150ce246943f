"""SendGrid webhooks: the Event Webhook (delivery statuses) and Inbound Parse.

The Event Webhook posts a JSON array of events; each event about a message becomes a
``WebhookMeta(kind="status")`` whose ``message_id`` is the ``X-Message-Id`` the send
returned (the part of ``sg_message_id`` before ``.filter...``/``.recvd...``). Event names
map to RoomKit statuses: ``processed`` → ``accepted``, ``deferred`` → ``deferred``,
``delivered`` → ``delivered``, ``open`` → ``read``, ``click`` → ``clicked``, ``bounce``
and ``dropped`` → ``failed`` (the event name, or the bounce ``type`` such as
``blocked``, is the error code and the ``reason`` the message), ``spamreport`` →
``complained``, ``unsubscribe`` / ``group_unsubscribe`` → ``unsubscribed``,
``group_resubscribe`` → ``resubscribed``. An event without ``sg_message_id`` becomes
``kind="other"``. Signed event webhooks are checked by
:func:`roomkit.providers.sendgrid.signature.verify_sendgrid_signature`.

Inbound Parse posts multipart form fields; decode the form (e.g. Starlette's
``await request.form()``) and pass the fields to :func:`parse_sendgrid_inbound`. Inbound
Parse posts are not signed: protect the URL (a secret path or basic auth in the URL
configured in SendGrid) and serve it over HTTPS.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from roomkit.errors import InvalidPayloadError
from roomkit.models.webhook import WebhookMeta
from roomkit.providers._webhook_fields import PayloadReader
from roomkit.providers.email.inbound import parse_inbound_email

__all__ = ["parse_sendgrid_events", "parse_sendgrid_inbound", "sendgrid_message_id"]

_VENDOR = "sendgrid"
_STATUSES = {
    "processed": "accepted",
    "deferred": "deferred",
    "delivered": "delivered",
    "open": "read",
    "click": "clicked",
    "bounce": "failed",
    "dropped": "failed",
    "spamreport": "complained",
    "unsubscribe": "unsubscribed",
    "group_unsubscribe": "unsubscribed",
    "group_resubscribe": "resubscribed",
}
_SUFFIX = re.compile(r"\.(?:filter|recvd|recv)")


def sendgrid_message_id(sg_message_id: str) -> str:
    """Return the ``X-Message-Id`` part of an event's ``sg_message_id``."""
    return _SUFFIX.split(sg_message_id, maxsplit=1)[0]


def parse_sendgrid_events(payload: list[Any] | bytes | str) -> list[WebhookMeta]:
    """Return one WebhookMeta per event of an Event Webhook post."""
    events: object = payload
    if isinstance(payload, bytes | str):
        try:
            events = json.loads(payload)
        except (ValueError, UnicodeDecodeError):
            raise InvalidPayloadError(f"{_VENDOR} webhook: body is not JSON") from None
    if not isinstance(events, list):
        raise InvalidPayloadError(f"{_VENDOR} webhook: payload is not a list of events")
    return [_event(PayloadReader(_VENDOR, item, f"events[{i}]")) for i, item in enumerate(events)]


def _event(event: PayloadReader) -> WebhookMeta:
    name = event.text("event", required=True)
    sg_id = event.optional_text("sg_message_id")
    status = _STATUSES.get(name, name)
    failed = status == "failed"
    reason = event.optional_text("reason") or event.optional_text("response")
    return WebhookMeta(
        provider=_VENDOR,
        kind="status" if sg_id else "other",
        recipient=event.text("email"),
        message_id=sendgrid_message_id(sg_id) if sg_id else None,
        status=status,
        error_code=(event.optional_text("type") or name) if failed else None,
        error_message=reason if failed else None,
        timestamp=_iso(event.optional_text("timestamp")),
        raw={
            "event": name,
            "sg_event_id": event.optional_text("sg_event_id"),
            "sg_message_id": sg_id,
            "reason": reason,
            "smtp_status": event.optional_text("status"),
            "url": event.optional_text("url"),
        },
    )


def _iso(timestamp: str | None) -> str | None:
    if timestamp is None:
        return None
    try:
        return datetime.fromtimestamp(float(timestamp), UTC).isoformat()
    except (ValueError, OverflowError, OSError):
        raise InvalidPayloadError(f"{_VENDOR} webhook: timestamp is not a Unix time") from None


def parse_sendgrid_inbound(fields: Mapping[str, Any]) -> WebhookMeta:
    """Return the inbound WebhookMeta of an Inbound Parse post (its decoded form fields)."""
    return parse_inbound_email(fields, provider=_VENDOR)
