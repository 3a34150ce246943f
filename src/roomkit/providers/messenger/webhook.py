"""Facebook Messenger webhooks: messages, postbacks, delivery and read receipts.

:func:`parse_messenger_webhook` takes the decoded JSON (or the raw body) of a ``page``
webhook and returns one :class:`WebhookMeta` per item:

- ``message`` → ``kind="inbound"``: the text, attachments as media (``image``, ``audio``,
  ``video``, ``file`` with a payload URL), and in ``raw`` the ``quick_reply`` payload and
  the ``reply_to`` message id; a message with neither text nor an attachment URL (a
  shared location, say) and echoes of the page's own messages → ``kind="other"``;
- ``postback`` → ``kind="inbound"`` with the button title as body and
  ``raw["payload"]``;
- ``delivery`` → ``kind="status"``, ``status="delivered"``, one per message id in
  ``mids``; ``read`` → ``kind="status"``, ``status="read"`` when it names a message id.
  A receipt carrying only a ``watermark`` (all messages before that time) names no
  message and becomes ``kind="other"`` with ``raw["watermark"]``;
- anything else (reactions, opt-ins, referrals...) → ``kind="other"``.

Check ``X-Hub-Signature-256`` first with :func:`verify_messenger_signature`, and answer
the subscription GET with :func:`verify_messenger_challenge`.
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
    mime_for,
    verify_challenge,
    verify_hub_signature,
)
from roomkit.providers._webhook_fields import PayloadReader

__all__ = [
    "parse_messenger_webhook",
    "verify_messenger_challenge",
    "verify_messenger_signature",
]

_VENDOR = "messenger"


def verify_messenger_challenge(params: Mapping[str, Any], verify_token: SecretStr | str) -> str:
    """Return ``hub.challenge`` for a subscription GET whose token matches; refuse otherwise."""
    return verify_challenge(params, verify_token)


def verify_messenger_signature(
    app_secret: SecretStr | str, raw_body: bytes, signature: str | None
) -> None:
    """Refuse a webhook whose ``X-Hub-Signature-256`` does not match the raw body."""
    verify_hub_signature(app_secret, raw_body, signature)


def parse_messenger_webhook(payload: Mapping[str, Any] | bytes | str) -> list[WebhookMeta]:
    """Return one WebhookMeta per messaging item of a Messenger webhook."""
    root = PayloadReader(_VENDOR, load_webhook_json(payload, _VENDOR))
    if root.text("object", required=True) != "page":
        raise InvalidPayloadError(f"{_VENDOR} webhook: object is not 'page'")
    metas: list[WebhookMeta] = []
    for entry in root.children("entry"):
        for item in entry.children("messaging"):
            metas.extend(_item(item))
    return metas


def _item(item: PayloadReader) -> list[WebhookMeta]:
    sender = item.child("sender").text("id", required=True)
    recipient = item.child("recipient").text("id", required=True)
    base: dict[str, Any] = {
        "provider": _VENDOR,
        "sender": sender,
        "recipient": recipient,
        "timestamp": iso_from_epoch(item.data.get("timestamp"), _VENDOR, millis=True),
    }
    if (message := item.optional_child("message")) is not None:
        return [_message(message, base)]
    if (postback := item.optional_child("postback")) is not None:
        return [_postback(postback, base)]
    if (delivery := item.optional_child("delivery")) is not None:
        return _receipts(delivery, "delivered", base)
    if (read := item.optional_child("read")) is not None:
        return _receipts(read, "read", base)
    kinds = sorted(k for k in item.data if k not in ("sender", "recipient", "timestamp"))
    return [WebhookMeta(**base, kind="other", raw={"fields": kinds})]


def _message(message: PayloadReader, base: dict[str, Any]) -> WebhookMeta:
    mid = message.text("mid", required=True)
    if message.data.get("is_echo") is True:
        return WebhookMeta(**base, kind="other", message_id=mid, raw={"echo": True})
    urls: list[str] = []
    types: list[str] = []
    for attachment in message.children("attachments"):
        kind = attachment.text("type")
        payload = attachment.optional_child("payload")
        url = payload.optional_text("url") if payload is not None else None
        if url:
            urls.append(url)
            types.append(mime_for(kind, url))
    quick = message.optional_child("quick_reply")
    reply_to = message.optional_child("reply_to")
    text = message.text("text")
    return WebhookMeta(
        **base,
        kind="inbound" if text or urls else "other",
        body=text,
        message_id=mid,
        media_urls=urls,
        media_types=types,
        raw={
            "quick_reply_payload": quick.optional_text("payload") if quick else None,
            "reply_to": reply_to.optional_text("mid") if reply_to else None,
        },
    )


def _postback(postback: PayloadReader, base: dict[str, Any]) -> WebhookMeta:
    payload = postback.text("payload")
    return WebhookMeta(
        **base,
        kind="inbound",
        body=postback.text("title") or payload,
        message_id=postback.optional_text("mid"),
        raw={"postback": True, "payload": payload},
    )


def _receipts(receipt: PayloadReader, status: str, base: dict[str, Any]) -> list[WebhookMeta]:
    mids = receipt.texts("mids")
    if mid := receipt.optional_text("mid"):
        mids.append(mid)
    watermark = receipt.optional_text("watermark")
    if not mids:
        return [WebhookMeta(**base, kind="other", status=status, raw={"watermark": watermark})]
    # The page sent the messages: the receipt's "sender" is the user they went to.
    fields = {**base, "sender": base["recipient"], "recipient": base["sender"]}
    return [
        WebhookMeta(
            **fields, kind="status", message_id=mid, status=status, raw={"watermark": watermark}
        )
        for mid in mids
    ]
