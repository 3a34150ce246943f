"""Reading RichContent's free-form buttons and cards into one shape RCS vendors map.

``RichContent.buttons`` and ``.cards`` are plain dicts. The keys understood here:

- a button: ``title`` (or ``text`` / ``label``); ``url`` makes it open a web page,
  ``phone`` (or ``phone_number``) makes it dial; otherwise it is a reply whose postback
  is ``payload`` (or ``postback_data`` / ``id`` / ``value``), defaulting to its title;
- a card: ``title``, ``description`` (or ``subtitle`` / ``body`` / ``text``), an image
  ``image_url`` (or ``media_url`` / ``image``) with an optional ``media_type``, and its
  own ``buttons`` (or ``actions``);
- each quick reply is a reply suggestion whose title and postback are the string.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, Field

from roomkit.models.content import RichContent

__all__ = ["RCSAction", "RCSCard", "rcs_actions", "rcs_cards"]


class RCSAction(BaseModel):
    """A suggestion: a reply, a link to open or a number to dial."""

    kind: Literal["reply", "url", "dial"]
    title: str
    postback: str
    url: str | None = None
    phone: str | None = None


class RCSCard(BaseModel):
    """A rich card: title, description, optional image and its own suggestions."""

    title: str = ""
    description: str = ""
    media_url: str | None = None
    media_type: str | None = None
    actions: list[RCSAction] = Field(default_factory=list)


def _first(data: Mapping[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = data.get(key)
        if value is not None and value != "":
            return str(value)
    return None


def _action(button: Mapping[str, Any]) -> RCSAction:
    title = _first(button, "title", "text", "label") or ""
    postback = _first(button, "payload", "postback_data", "id", "value") or title
    url = _first(button, "url")
    if url is not None:
        return RCSAction(kind="url", title=title, postback=postback, url=url)
    phone = _first(button, "phone", "phone_number")
    if phone is not None:
        return RCSAction(kind="dial", title=title, postback=postback, phone=phone)
    return RCSAction(kind="reply", title=title, postback=postback)


def _buttons(items: Any) -> list[RCSAction]:
    if not isinstance(items, list):
        return []
    return [_action(item) for item in items if isinstance(item, Mapping)]


def rcs_actions(content: RichContent) -> list[RCSAction]:
    """Return the message-level suggestions: the buttons, then the quick replies."""
    replies = [
        RCSAction(kind="reply", title=text, postback=text) for text in content.quick_replies
    ]
    return [*_buttons(content.buttons), *replies]


def rcs_cards(content: RichContent) -> list[RCSCard]:
    """Return the cards of ``content`` in the shape above."""
    cards: list[RCSCard] = []
    for card in content.cards:
        cards.append(
            RCSCard(
                title=_first(card, "title") or "",
                description=_first(card, "description", "subtitle", "body", "text") or "",
                media_url=_first(card, "image_url", "media_url", "image"),
                media_type=_first(card, "media_type", "mime_type"),
                actions=_buttons(card.get("buttons", card.get("actions"))),
            )
        )
    return cards
