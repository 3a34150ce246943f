"""WhatsApp Cloud API webhooks: incoming messages and message statuses.

:func:`parse_whatsapp_webhook` takes the decoded JSON (or raw body) of a
``whatsapp_business_account`` webhook and returns one :class:`WebhookMeta` per message
or status. Phone numbers are given in E.164 with a leading ``+`` (``sender`` is the
user, ``recipient`` the business number).

- ``messages`` → ``kind="inbound"``: ``text`` → body; ``image``, ``video``, ``audio``,
  ``document`` and ``sticker`` → one media item whose URL is ``whatsapp-media:<id>``
  (resolve it with ``WhatsAppCloudProvider.media_url``) and the caption as body;
  ``location`` → a readable body and ``raw["location"]``; ``contacts`` → one line per
  contact; ``interactive`` replies (button or list) and template ``button`` replies →
  the title as body and ``raw["payload"]``. A quoted message is ``raw["reply_to"]``.
  Reactions, orders, system and unsupported messages → ``kind="other"``.
- ``statuses`` → ``kind="status"`` with WhatsApp's word (``sent``, ``delivered``,
  ``read``, ``failed``...) and, on failure, the first error's code and message.
- Changes of other fields (template or quality updates...) → ``kind="other"``.

Check ``X-Hub-Signature-256`` first with :func:`verify_whatsapp_signature`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import SecretStr

from roomkit.errors import InvalidPayloadError
from roomkit.models.webhook import WebhookMeta
from roomkit.providers._meta import (
    iso_from_epoch,
    load_webhook_json,
    verify_challenge,
    verify_hub_signature,
)
from roomkit.providers._webhook_fields import PayloadReader

__all__ = [
    "MEDIA_URI_PREFIX",
    "parse_whatsapp_webhook",
    "verify_whatsapp_challenge",
    "verify_whatsapp_signature",
]

_VENDOR = "whatsapp"
MEDIA_URI_PREFIX = "whatsapp-media:"
"""Prefix of the media URLs the parser builds from WhatsApp media ids."""

_MEDIA_TYPES = ("image", "video", "audio", "document", "sticker")


def verify_whatsapp_challenge(params: Mapping[str, Any], verify_token: SecretStr | str) -> str:
    """Return ``hub.challenge`` for a subscription GET whose token matches; refuse otherwise."""
    return verify_challenge(params, verify_token)


def verify_whatsapp_signature(
    app_secret: SecretStr | str, raw_body: bytes, signature: str | None
) -> None:
    """Refuse a webhook whose ``X-Hub-Signature-256`` does not match the raw body."""
    verify_hub_signature(app_secret, raw_body, signature)


def parse_whatsapp_webhook(payload: Mapping[str, Any] | bytes | str) -> list[WebhookMeta]:
    """Return one WebhookMeta per message or status of a WhatsApp webhook."""
    root = PayloadReader(_VENDOR, load_webhook_json(payload, _VENDOR))
    if root.text("object", required=True) != "whatsapp_business_account":
        raise InvalidPayloadError(f"{_VENDOR} webhook: object is not 'whatsapp_business_account'")
    metas: list[WebhookMeta] = []
    for entry in root.children("entry"):
        for change in entry.children("changes"):
            field = change.text("field", required=True)
            if field != "messages":
                metas.append(WebhookMeta(provider=_VENDOR, kind="other", raw={"field": field}))
                continue
            metas.extend(_change(change.child("value")))
    return metas


def _phone(number: str) -> str:
    return f"+{number.lstrip('+')}" if number else ""


def _change(value: PayloadReader) -> list[WebhookMeta]:
    metadata = value.optional_child("metadata")
    business = _phone(metadata.text("display_phone_number")) if metadata else ""
    names = {
        contact.text("wa_id"): (contact.optional_child("profile") or _EMPTY).text("name")
        for contact in value.children("contacts")
    }
    metas = [_message(m, business, names) for m in value.children("messages")]
    metas += [_status(s, business) for s in value.children("statuses")]
    return metas


def _message(message: PayloadReader, business: str, names: Mapping[str, str]) -> WebhookMeta:
    kind = message.text("type", required=True)
    sender = message.text("from", required=True)
    context = message.optional_child("context")
    fields: dict[str, Any] = {
        "provider": _VENDOR,
        "sender": _phone(sender),
        "recipient": business,
        "message_id": message.text("id", required=True),
        "timestamp": iso_from_epoch(message.data.get("timestamp"), _VENDOR),
    }
    raw: dict[str, Any] = {
        "type": kind,
        "profile_name": names.get(sender) or None,
        "reply_to": context.optional_text("id") if context else None,
    }
    if kind == "text":
        return WebhookMeta(**fields, body=message.child("text").text("body"), raw=raw)
    if kind in _MEDIA_TYPES:
        media = message.child(kind)
        return WebhookMeta(
            **fields,
            body=media.text("caption"),
            media_urls=[MEDIA_URI_PREFIX + media.text("id", required=True)],
            media_types=[media.text("mime_type")],
            raw={**raw, "filename": media.optional_text("filename")},
        )
    body, extra = _structured(message, kind)
    if body is None:
        return WebhookMeta(**fields, kind="other", raw={**raw, **extra})
    return WebhookMeta(**fields, body=body, raw={**raw, **extra})


def _structured(message: PayloadReader, kind: str) -> tuple[str | None, dict[str, Any]]:
    if kind == "location":
        place = message.child("location")
        lat, lon = place.text("latitude", required=True), place.text("longitude", required=True)
        label = ", ".join(t for t in (place.text("name"), place.text("address")) if t)
        body = f"{label} ({lat}, {lon})" if label else f"{lat}, {lon}"
        return body, {"location": {"latitude": lat, "longitude": lon, "label": label or None}}
    if kind == "contacts":
        lines = []
        for contact in message.children("contacts"):
            name = (contact.optional_child("name") or _EMPTY).text("formatted_name")
            phones = [p.text("phone") for p in contact.children("phones")]
            lines.append(": ".join(x for x in (name, ", ".join(phones)) if x))
        return "\n".join(lines), {}
    if kind == "interactive":
        interactive = message.child("interactive")
        reply_type = interactive.text("type", required=True)
        reply = interactive.optional_child(reply_type)
        if reply is None or reply_type not in ("button_reply", "list_reply"):
            return None, {"interactive_type": reply_type}
        return reply.text("title"), {"payload": reply.text("id")}
    if kind == "button":
        button = message.child("button")
        return button.text("text"), {"payload": button.text("payload")}
    if kind == "reaction":
        reaction = message.child("reaction")
        return None, {
            "reaction": reaction.text("emoji"),
            "reacted_to": reaction.text("message_id"),
        }
    return None, {}


def _status(status: PayloadReader, business: str) -> WebhookMeta:
    errors = status.children("errors")
    first = errors[0] if errors else None
    details = (first.optional_child("error_data") or _EMPTY).text("details") if first else ""
    return WebhookMeta(
        provider=_VENDOR,
        kind="status",
        sender=business,
        recipient=_phone(status.text("recipient_id")),
        message_id=status.text("id", required=True),
        status=status.text("status", required=True),
        error_code=first.optional_text("code") if first else None,
        error_message=(first.text("message") or first.text("title") or details or None)
        if first
        else None,
        timestamp=iso_from_epoch(status.data.get("timestamp"), _VENDOR),
        raw={
            "conversation": status.data.get("conversation"),
            "pricing": status.data.get("pricing"),
        },
    )


_EMPTY = PayloadReader(_VENDOR, {})
