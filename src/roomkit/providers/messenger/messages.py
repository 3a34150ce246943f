"""Turning event content into Messenger Send API ``message`` objects.

One event may need several messages (Messenger sends text and an attachment
separately): text and system content → ``{"text"}``; ``RichContent`` → its text, a
button template when it has buttons (at most 3, postback or ``web_url``), a generic
template when it has cards (at most 10; a card is ``{"title", "subtitle", "image_url",
"url", "buttons"}``), with its quick replies (at most 13) on the last message; media,
audio and video → an attachment by URL (``image``/``audio``/``video``/``file``), its
caption sent first as text; a location → text with a map link (Messenger cannot send
locations); a ``TemplateContent`` → its ``body`` text (Messenger has no pre-approved
templates); composites → their parts in order.
"""

from __future__ import annotations

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

__all__ = ["MAX_BUTTONS", "MAX_CARDS", "MAX_QUICK_REPLIES", "messenger_messages"]

MAX_BUTTONS = 3
MAX_QUICK_REPLIES = 13
MAX_CARDS = 10


def messenger_messages(content: EventContent) -> list[dict[str, Any]]:
    """Return the Send API messages for ``content``; refuse what Messenger cannot send."""
    messages: list[dict[str, Any]] = []
    _add(messages, content)
    if not messages:
        raise _invalid("the event has nothing Messenger can send")
    return messages


def _invalid(message: str) -> ProviderError:
    return ProviderError(message, code=ErrorCode.INVALID_REQUEST, retryable=False)


def _add(messages: list[dict[str, Any]], content: EventContent) -> None:
    match content:
        case TextContent(body=body) | SystemContent(body=body):
            _text(messages, body)
        case RichContent():
            _rich(messages, content)
        case MediaContent() | AudioContent() | VideoContent():
            caption = content.caption if isinstance(content, MediaContent) else None
            _text(messages, caption or "")
            kind = media_kind(content.mime_type, content.url)
            payload = {"url": content.url, "is_reusable": True}
            messages.append({"attachment": {"type": kind, "payload": payload}})
        case LocationContent():
            lines = [content.label, content.address]
            maps = f"https://maps.google.com/?q={content.latitude},{content.longitude}"
            _text(messages, "\n".join([*(line for line in lines if line), maps]))
        case TemplateContent():
            if not content.body:
                raise _invalid("Messenger has no pre-approved templates: give the body text")
            _text(messages, content.body)
        case CompositeContent(parts=parts):
            for part in parts:
                _add(messages, part)


def _text(messages: list[dict[str, Any]], text: str) -> None:
    if text.strip():
        messages.append({"text": text})


def _rich(messages: list[dict[str, Any]], content: RichContent) -> None:
    text = content.plain_text or (
        html_to_text(content.body) if content.format == "html" else content.body
    )
    choices = choices_from(content.buttons)
    if len(choices) > MAX_BUTTONS:
        raise _invalid(f"Messenger allows at most {MAX_BUTTONS} buttons")
    if choices:
        payload = {"template_type": "button", "text": text, "buttons": _buttons(choices)}
        messages.append({"attachment": {"type": "template", "payload": payload}})
    else:
        _text(messages, text)
    if content.cards:
        if len(content.cards) > MAX_CARDS:
            raise _invalid(f"Messenger allows at most {MAX_CARDS} cards")
        elements = [_card(card) for card in content.cards]
        payload = {"template_type": "generic", "elements": elements}
        messages.append({"attachment": {"type": "template", "payload": payload}})
    if content.quick_replies:
        _quick_replies(messages, content.quick_replies)


def _buttons(choices: list[Choice]) -> list[dict[str, str]]:
    return [
        {"type": "web_url", "url": c.url, "title": c.title}
        if c.url
        else {"type": "postback", "title": c.title, "payload": c.payload or c.title}
        for c in choices
    ]


def _card(card: dict[str, Any]) -> dict[str, Any]:
    title = card.get("title")
    if not isinstance(title, str) or not title:
        raise _invalid("a card has no title")
    element: dict[str, Any] = {"title": title}
    for key in ("subtitle", "image_url"):
        if isinstance(card.get(key), str):
            element[key] = card[key]
    if isinstance(card.get("url"), str):
        element["default_action"] = {"type": "web_url", "url": card["url"]}
    buttons = card.get("buttons")
    if isinstance(buttons, list) and buttons:
        choices = choices_from(buttons)
        if len(choices) > MAX_BUTTONS:
            raise _invalid(f"a Messenger card allows at most {MAX_BUTTONS} buttons")
        element["buttons"] = _buttons(choices)
    return element


def _quick_replies(messages: list[dict[str, Any]], replies: list[str]) -> None:
    if len(replies) > MAX_QUICK_REPLIES:
        raise _invalid(f"Messenger allows at most {MAX_QUICK_REPLIES} quick replies")
    if not messages:
        raise _invalid("quick replies need a text to go with")
    messages[-1]["quick_replies"] = [
        {"content_type": "text", "title": reply, "payload": reply} for reply in replies
    ]
