"""Elastic Email webhooks: delivery notifications and inbound emails.

Notifications (the account's HTTP notification URL) arrive as query or form fields —
``messageid``, ``transaction``, ``to``, ``from``, ``status``, ``category``, ``date``... —
and become ``WebhookMeta(kind="status")`` for the ``MessageID`` the send returned.
Elastic Email's status words map to RoomKit's: ``Sent`` → ``delivered`` (accepted by
the recipient's server), ``Opened`` → ``read``, ``Clicked`` → ``clicked``,
``Unsubscribed`` → ``unsubscribed``, ``AbuseReport`` → ``complained``, ``Error`` /
``Bounced`` / ``Suppressed`` → ``failed`` (the ``category``, e.g. ``NoMailbox``, is the
error code), ``Queued`` / ``Submitted`` → ``queued``; other words are lower-cased.

Elastic Email does not sign its notifications: keep the notification URL secret (e.g. a
random path segment) and serve it over HTTPS.

Inbound emails posted by an inbound route are parsed by
:func:`~roomkit.providers.email.inbound.parse_inbound_email`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from roomkit.errors import InvalidPayloadError
from roomkit.models.webhook import WebhookMeta
from roomkit.providers._webhook_fields import PayloadReader, decode_form
from roomkit.providers.email.inbound import parse_inbound_email

__all__ = ["parse_elasticemail_inbound", "parse_elasticemail_notification"]

_VENDOR = "elasticemail"
_STATUSES = {
    "sent": "delivered",
    "delivered": "delivered",
    "opened": "read",
    "clicked": "clicked",
    "unsubscribed": "unsubscribed",
    "abusereport": "complained",
    "error": "failed",
    "bounced": "failed",
    "suppressed": "failed",
    "queued": "queued",
    "submitted": "queued",
}


def parse_elasticemail_notification(payload: Mapping[str, Any] | bytes | str) -> WebhookMeta:
    """Return the status WebhookMeta of one Elastic Email notification."""
    fields = decode_form(payload, _VENDOR) if isinstance(payload, bytes | str) else payload
    lowered = _lower_keys(fields)
    reader = PayloadReader(_VENDOR, lowered, "notification")
    vendor_status = reader.text("status", required=True).strip()
    message_id = reader.text("messageid", required=True).strip()
    if not vendor_status or not message_id:
        raise InvalidPayloadError(f"{_VENDOR} webhook: notification lacks status or messageid")
    status = _STATUSES.get(vendor_status.lower(), vendor_status.lower())
    category = reader.optional_text("category")
    failed = status == "failed"
    return WebhookMeta(
        provider=_VENDOR,
        kind="status",
        sender=reader.text("from"),
        recipient=reader.text("to"),
        message_id=message_id,
        status=status,
        error_code=category if failed and category else None,
        error_message=f"Elastic Email reported {vendor_status}" if failed else None,
        timestamp=reader.optional_text("date"),
        raw={
            "status": vendor_status,
            "category": category,
            "transaction": reader.optional_text("transaction"),
            "channel": reader.optional_text("channel"),
            "target": reader.optional_text("target"),
        },
    )


def parse_elasticemail_inbound(payload: Mapping[str, Any] | bytes | str) -> WebhookMeta:
    """Return the inbound WebhookMeta of an email posted by an Elastic Email inbound route."""
    return parse_inbound_email(payload, provider=_VENDOR)


def _lower_keys(fields: object) -> dict[str, Any]:
    if not isinstance(fields, Mapping):
        raise InvalidPayloadError(f"{_VENDOR} webhook: notification is not a set of fields")
    return {str(k).lower(): v for k, v in fields.items()}
