"""VoiceMeUp SMS/MMS webhooks: one webhook payload reduced to WebhookMeta.

VoiceMeUp posts one object per message with ``message_uid``, ``sms_hash``,
``source_number``, ``destination_number``, ``message``, ``direction`` and
``datetime_transmission``. A delivery report carries ``delivery_status`` (and
``error_code`` / ``error_message`` on failure). An MMS arrives as **two** webhooks: the
text part announces the media (``attachment_mime_type``, or ``message_type: "mms"``)
without its URL, the media part carries ``attachment`` (its URL) and
``attachment_mime_type``. :func:`is_voicemeup_mms_part` recognises both;
``parse_voicemeup_webhook`` (in :mod:`.mms`) joins them. VoiceMeUp does not sign its
webhooks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from roomkit.errors import InvalidPayloadError
from roomkit.models.webhook import WebhookMeta
from roomkit.providers._webhook_fields import PayloadReader

__all__ = ["is_voicemeup_mms_part", "voicemeup_webhook_meta"]

_VENDOR = "voicemeup"


def voicemeup_webhook_meta(payload: Mapping[str, Any]) -> WebhookMeta:
    """Normalise one VoiceMeUp webhook (one MMS part stays one part: no joining here)."""
    reader = PayloadReader(_VENDOR, payload)
    message_id = reader.optional_text("message_uid") or reader.optional_text("sms_hash")
    sender = reader.text("source_number")
    recipient = reader.text("destination_number")
    timestamp = reader.optional_text("datetime_transmission")
    raw = dict(payload)
    status = reader.optional_text("delivery_status")
    if status is not None:
        if not message_id:
            raise InvalidPayloadError("voicemeup webhook: payload.message_uid is missing")
        return WebhookMeta(
            provider=_VENDOR,
            kind="status",
            sender=sender,
            recipient=recipient,
            message_id=message_id,
            status=status,
            error_code=reader.optional_text("error_code") or None,
            error_message=reader.optional_text("error_message") or None,
            timestamp=timestamp,
            raw=raw,
        )
    if not sender:
        raise InvalidPayloadError("voicemeup webhook: payload.source_number is missing")
    attachment = reader.optional_text("attachment")
    return WebhookMeta(
        provider=_VENDOR,
        kind="inbound",
        sender=sender,
        recipient=recipient,
        body=reader.text("message"),
        message_id=message_id,
        media_urls=[attachment] if attachment else [],
        media_types=[reader.text("attachment_mime_type")] if attachment else [],
        timestamp=timestamp,
        raw=raw,
    )


def is_voicemeup_mms_part(payload: Mapping[str, Any]) -> bool:
    """Whether ``payload`` is one of the two webhooks VoiceMeUp sends for an MMS."""
    reader = PayloadReader(_VENDOR, payload)
    if reader.has("delivery_status"):
        return False
    if reader.optional_text("attachment"):
        return True
    announced = reader.optional_text("attachment_mime_type")
    return bool(announced) or reader.text("message_type").lower() == "mms"
