"""Parsing an inbound email posted by an email vendor into a :class:`WebhookMeta`.

One parser serves the vendors that post an email as named fields — SendGrid Inbound
Parse (multipart form fields ``from``, ``to``, ``subject``, ``text``, ``html``,
``headers``, ``envelope``, ``attachment-info``, or the whole MIME message in ``email``
in raw mode) and Elastic Email inbound routes (``From``, ``To``, ``Subject``,
``BodyText``, ``BodyHtml``, ``Headers``, ``Attachments``...). Field names are matched
ignoring case, ``-`` and ``_``.

The result: ``sender`` is the From address (lower-cased), ``recipient`` the first To
address, ``body`` the plain text (or the HTML reduced to text), ``message_id`` the
``Message-ID`` header, ``thread_id`` the thread's root id (see
:func:`~roomkit.providers.email.threads.thread_root`), and ``raw["email"]`` holds
``message_id``, ``in_reply_to``, ``references``, ``subject``, ``from_name``, ``to``,
``date``, ``html`` and the ``attachments`` file names (files posted with the form are
not read here).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from email import policy
from email.message import EmailMessage
from email.parser import HeaderParser, Parser
from email.utils import getaddresses, parseaddr
from typing import Any

from roomkit.errors import InvalidPayloadError
from roomkit.models.webhook import WebhookMeta
from roomkit.providers._text import html_to_text
from roomkit.providers.email.threads import parse_message_ids, thread_root

__all__ = ["parse_inbound_email"]

_NOT_ALNUM = re.compile(r"[^a-z0-9]")
_ALIASES = {
    "from": ("from", "fromemail", "sender"),
    "from_name": ("fromname",),
    "to": ("to", "toemail", "recipient"),
    "subject": ("subject",),
    "text": ("text", "bodytext", "textbody", "plaintext"),
    "html": ("html", "bodyhtml", "htmlbody"),
    "message_id": ("messageid",),
    "in_reply_to": ("inreplyto",),
    "references": ("references",),
    "date": ("date",),
}


def parse_inbound_email(
    payload: Mapping[str, Any] | bytes | str, *, provider: str = "email"
) -> WebhookMeta:
    """Return the inbound WebhookMeta of an email posted as fields (or as a JSON body)."""
    fields = _normalise(_as_mapping(payload, provider), provider)
    raw_mime = fields.get("email")
    if isinstance(raw_mime, str) and raw_mime.strip():
        return _from_mime(raw_mime, provider)
    headers = _headers(fields.get("headers"), provider)
    return _build(provider, _fields_view(fields, headers, provider), headers)


def _as_mapping(payload: object, provider: str) -> Mapping[str, Any]:
    if isinstance(payload, bytes | str):
        try:
            payload = json.loads(payload)
        except (ValueError, UnicodeDecodeError):
            raise InvalidPayloadError(f"{provider} inbound email: body is not JSON") from None
    if not isinstance(payload, Mapping):
        raise InvalidPayloadError(f"{provider} inbound email: payload is not an object")
    return payload


def _normalise(payload: Mapping[str, Any], provider: str) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key, value in payload.items():
        if not isinstance(key, str):
            raise InvalidPayloadError(f"{provider} inbound email: a field name is not text")
        fields[_NOT_ALNUM.sub("", key.lower())] = value
    return fields


def _pick(fields: Mapping[str, Any], name: str, provider: str) -> str | None:
    for alias in _ALIASES[name]:
        value = fields.get(alias)
        if value is None:
            continue
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = ", ".join(value)
        if not isinstance(value, str):
            raise InvalidPayloadError(f"{provider} inbound email: field {alias!r} is not text")
        return value
    return None


def _headers(value: object, provider: str) -> dict[str, str]:
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        parsed = HeaderParser(policy=policy.compat32).parsestr(value)
        return {k.lower(): str(v) for k, v in parsed.items()}
    if isinstance(value, Mapping):
        return {str(k).lower(): str(v) for k, v in value.items() if isinstance(v, str | int)}
    if isinstance(value, list):
        pairs = [h for h in value if isinstance(h, Mapping)]
        return {str(h.get("Name", "")).lower(): str(h.get("Value", "")) for h in pairs}
    raise InvalidPayloadError(f"{provider} inbound email: headers are neither text nor a map")


def _fields_view(
    fields: Mapping[str, Any], headers: Mapping[str, str], provider: str
) -> dict[str, Any]:
    view: dict[str, Any] = {name: _pick(fields, name, provider) for name in _ALIASES}
    view["message_id"] = headers.get("message-id") or view["message_id"]
    view["in_reply_to"] = headers.get("in-reply-to") or view["in_reply_to"]
    view["references"] = headers.get("references") or view["references"]
    view["date"] = view["date"] or headers.get("date")
    envelope = _envelope(fields.get("envelope"), provider)
    view["envelope_to"] = envelope.get("to")
    view["attachments"] = _attachment_names(fields, provider)
    return view


def _envelope(value: object, provider: str) -> dict[str, Any]:
    if value is None or value == "":
        return {}
    try:
        envelope = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        raise InvalidPayloadError(f"{provider} inbound email: envelope is not JSON") from None
    if not isinstance(envelope, Mapping):
        raise InvalidPayloadError(f"{provider} inbound email: envelope is not an object")
    return dict(envelope)


def _attachment_names(fields: Mapping[str, Any], provider: str) -> list[str]:
    info = fields.get("attachmentinfo")
    if isinstance(info, str) and info:
        try:
            info = json.loads(info)
        except ValueError:
            raise InvalidPayloadError(
                f"{provider} inbound email: attachment-info is not JSON"
            ) from None
    if isinstance(info, Mapping):
        return [_attachment_name(key, item) for key, item in info.items()]
    listed = fields.get("attachments")
    if isinstance(listed, list):
        return [_attachment_name(f"attachment{i + 1}", item) for i, item in enumerate(listed)]
    return []


def _attachment_name(default: str, item: object) -> str:
    if isinstance(item, Mapping):
        for key in ("filename", "FileName", "Filename", "Name", "name"):
            if isinstance(item.get(key), str):
                return str(item[key])
    return str(default)


def _from_mime(source: str, provider: str) -> WebhookMeta:
    message = Parser(policy=policy.default).parsestr(source)
    if not isinstance(message, EmailMessage):  # pragma: no cover - policy.default's class
        raise InvalidPayloadError(f"{provider} inbound email: email is not a MIME message")
    try:
        headers = {k.lower(): str(v) for k, v in message.items()}
        view: dict[str, Any] = {
            "from": headers.get("from"),
            "from_name": None,
            "to": headers.get("to"),
            "subject": headers.get("subject"),
            "text": _part_content(message, "plain"),
            "html": _part_content(message, "html"),
            "message_id": headers.get("message-id"),
            "in_reply_to": headers.get("in-reply-to"),
            "references": headers.get("references"),
            "date": headers.get("date"),
            "envelope_to": None,
            "attachments": [p.get_filename() or "attachment" for p in message.iter_attachments()],
        }
    except (LookupError, ValueError) as exc:
        raise InvalidPayloadError(
            f"{provider} inbound email: the MIME message cannot be decoded"
        ) from exc
    return _build(provider, view, headers)


def _part_content(message: EmailMessage, subtype: str) -> str | None:
    part = message.get_body(preferencelist=(subtype,))
    if not isinstance(part, EmailMessage):
        return None
    content = part.get_content()
    return content if isinstance(content, str) else None


def _build(provider: str, view: Mapping[str, Any], headers: Mapping[str, str]) -> WebhookMeta:
    from_name, sender = parseaddr(view["from"] or "")
    if "@" not in sender:
        raise InvalidPayloadError(f"{provider} inbound email: no sender address")
    envelope_to = view.get("envelope_to")
    recipients = [a for _, a in getaddresses([view["to"] or ""]) if "@" in a]
    if isinstance(envelope_to, list) and envelope_to and isinstance(envelope_to[0], str):
        recipients = [*envelope_to, *[r for r in recipients if r not in envelope_to]]
    message_ids = parse_message_ids(view["message_id"])
    message_id = message_ids[0] if message_ids else None
    parents = parse_message_ids(view["in_reply_to"])
    in_reply_to = parents[0] if parents else None
    references = parse_message_ids(view["references"])
    html_body = view["html"] or None
    text = (view["text"] or "").strip() or (html_to_text(html_body) if html_body else "")
    return WebhookMeta(
        provider=provider,
        kind="inbound",
        sender=sender.lower(),
        recipient=recipients[0].lower() if recipients else "",
        body=text,
        message_id=message_id,
        timestamp=view["date"],
        thread_id=thread_root(message_id, in_reply_to, references),
        raw={
            "email": {
                "message_id": message_id,
                "in_reply_to": in_reply_to,
                "references": references,
                "subject": (view["subject"] or "").strip(),
                "from_name": view["from_name"] or from_name or None,
                "to": recipients,
                "date": view["date"],
                "html": html_body,
                "attachments": list(view["attachments"]),
                "auto_submitted": headers.get("auto-submitted"),
            }
        },
    )
