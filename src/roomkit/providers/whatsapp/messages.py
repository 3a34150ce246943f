"""Turning event content into WhatsApp Cloud API message objects.

Each object is the typed part of a ``/messages`` request (``type`` and its field); the
provider adds ``messaging_product``, ``recipient_type`` and ``to``. Text and system
content → ``text``; media, audio and video → ``image`` / ``audio`` / ``video`` /
``document`` by link (caption and file name where WhatsApp allows them); a location →
``location``; a ``TemplateContent`` → an approved ``template``: ``template_id`` is the
name, ``language`` the language code, and ``parameters`` fill the body — keys that are
numbers (``"1"``, ``"2"``...) are positional parameters in that order, other keys named
parameters. ``RichContent`` → its text, with choices (buttons, then quick replies) as
interactive reply buttons when there are at most 3 postbacks, a ``cta_url`` message for
a single link button, or an interactive list (at most 10 rows, the button label from
the ``list_button`` option) for more; cards → one message each (an image with a caption
when the card has ``image_url``, else text). Composites → their parts in order.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from roomkit.errors import ErrorCode, ProviderError
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
from roomkit.providers._meta import Choice, choices_from, media_kind
from roomkit.providers._text import html_to_text

__all__ = ["MAX_BUTTONS", "MAX_LIST_ROWS", "template_message", "whatsapp_messages"]

MAX_BUTTONS = 3
MAX_LIST_ROWS = 10


def whatsapp_messages(
    content: EventContent, options: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Return the Cloud API message objects for ``content``; refuse what cannot be sent."""
    messages: list[dict[str, Any]] = []
    _add(messages, content, options or {})
    if not messages:
        raise _invalid("the event has nothing WhatsApp can send")
    return messages


def _invalid(message: str) -> ProviderError:
    return ProviderError(message, code=ErrorCode.INVALID_REQUEST, retryable=False)


def _add(
    messages: list[dict[str, Any]], content: EventContent, options: Mapping[str, Any]
) -> None:
    match content:
        case TextContent(body=body) | SystemContent(body=body):
            _text(messages, body, options)
        case RichContent():
            _rich(messages, content, options)
        case MediaContent() | AudioContent() | VideoContent():
            messages.append(_media(content))
        case LocationContent():
            location: dict[str, Any] = {
                "latitude": content.latitude,
                "longitude": content.longitude,
            }
            if content.label:
                location["name"] = content.label
            if content.address:
                location["address"] = content.address
            messages.append({"type": "location", "location": location})
        case TemplateContent():
            messages.append(template_message(content))
        case CompositeContent(parts=parts):
            for part in parts:
                _add(messages, part, options)


def _text(messages: list[dict[str, Any]], body: str, options: Mapping[str, Any]) -> None:
    if body.strip():
        preview = bool(options.get("preview_url", False))
        messages.append({"type": "text", "text": {"body": body, "preview_url": preview}})


def _media(content: MediaContent | AudioContent | VideoContent) -> dict[str, Any]:
    kind = media_kind(content.mime_type, content.url)
    kind = "document" if kind == "file" else kind
    item: dict[str, Any] = {"link": content.url}
    if isinstance(content, MediaContent):
        if content.caption and kind != "audio":
            item["caption"] = content.caption
        if content.filename and kind == "document":
            item["filename"] = content.filename
    return {"type": kind, kind: item}


def template_message(content: TemplateContent) -> dict[str, Any]:
    """Return the ``template`` message for an approved template and its body parameters."""
    template: dict[str, Any] = {
        "name": content.template_id,
        "language": {"code": content.language},
    }
    positional = sorted((k for k in content.parameters if k.isdigit()), key=int)
    named = [k for k in content.parameters if not k.isdigit()]
    parameters = [{"type": "text", "text": content.parameters[k]} for k in positional]
    parameters += [
        {"type": "text", "parameter_name": k, "text": content.parameters[k]} for k in named
    ]
    if parameters:
        template["components"] = [{"type": "body", "parameters": parameters}]
    return {"type": "template", "template": template}


def _rich(
    messages: list[dict[str, Any]], content: RichContent, options: Mapping[str, Any]
) -> None:
    text = content.plain_text or (
        html_to_text(content.body) if content.format == "html" else content.body
    )
    choices = choices_from(content.buttons) + [
        Choice(title=reply, payload=reply) for reply in content.quick_replies
    ]
    if choices:
        messages.append(_interactive(text, choices, options))
    else:
        _text(messages, text, options)
    for card in content.cards:
        messages.append(_card(card))


def _interactive(text: str, choices: list[Choice], options: Mapping[str, Any]) -> dict[str, Any]:
    if not text.strip():
        raise _invalid("WhatsApp interactive messages need a body text")
    links = [c for c in choices if c.url]
    body = {"text": text}
    if links:
        if len(choices) != 1:
            raise _invalid("WhatsApp sends a link button only alone (one cta_url button)")
        action: dict[str, Any] = {
            "name": "cta_url",
            "parameters": {"display_text": links[0].title, "url": links[0].url},
        }
        return {
            "type": "interactive",
            "interactive": {"type": "cta_url", "body": body, "action": action},
        }
    if len(choices) <= MAX_BUTTONS:
        buttons = [
            {"type": "reply", "reply": {"id": c.payload, "title": c.title}} for c in choices
        ]
        return {
            "type": "interactive",
            "interactive": {"type": "button", "body": body, "action": {"buttons": buttons}},
        }
    if len(choices) > MAX_LIST_ROWS:
        raise _invalid(f"WhatsApp lists hold at most {MAX_LIST_ROWS} rows")
    rows = [{"id": c.payload, "title": c.title} for c in choices]
    label = str(options.get("list_button") or "Options")
    action = {"button": label, "sections": [{"title": label, "rows": rows}]}
    return {"type": "interactive", "interactive": {"type": "list", "body": body, "action": action}}


def _card(card: Mapping[str, Any]) -> dict[str, Any]:
    lines = [card.get(k) for k in ("title", "subtitle", "url")]
    caption = "\n".join(line for line in lines if isinstance(line, str) and line)
    image = card.get("image_url")
    if isinstance(image, str) and image:
        item = {"link": image, "caption": caption} if caption else {"link": image}
        return {"type": "image", "image": item}
    if not caption:
        raise _invalid("a card has neither text nor image")
    return {"type": "text", "text": {"body": caption, "preview_url": False}}
