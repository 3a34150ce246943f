"""Rich RCS content for Twilio: RichContent mapped onto Twilio Content API templates.

Twilio sends cards, carousels and suggestions only as Content API resources referenced
by ``ContentSid``. A RichContent with buttons, quick replies or cards becomes one
resource (``POST /v1/Content``) whose types are:

- several cards: ``twilio/carousel`` (body + cards with title, body, media, actions);
- one card, or buttons that open a link or dial: ``twilio/card`` (title, subtitle,
  media, actions);
- only reply suggestions: ``twilio/quick-reply`` (body + actions);
- always ``twilio/text`` with the plain text, for clients that cannot show the rest.

Actions are ``QUICK_REPLY`` (title, id), ``URL`` (title, url) and ``PHONE_NUMBER``
(title, phone). Created sids are cached by the content's shape, so the same rich
message is created once per provider.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from roomkit.errors import ErrorCode, ProviderError
from roomkit.models.content import RichContent
from roomkit.providers._http import VendorHTTP
from roomkit.providers.rcs._rich import RCSAction, RCSCard, rcs_actions, rcs_cards

__all__ = ["TwilioContentBuilder", "twilio_content_types", "wants_twilio_content"]


def wants_twilio_content(content: RichContent) -> bool:
    """Whether ``content`` has suggestions or cards (and so needs a Content resource)."""
    return bool(content.buttons or content.cards or content.quick_replies)


def _action(action: RCSAction) -> dict[str, str]:
    if action.kind == "url":
        return {"type": "URL", "title": action.title, "url": action.url or ""}
    if action.kind == "dial":
        return {"type": "PHONE_NUMBER", "title": action.title, "phone": action.phone or ""}
    return {"type": "QUICK_REPLY", "title": action.title, "id": action.postback}


def _carousel_card(card: RCSCard) -> dict[str, Any]:
    data: dict[str, Any] = {"title": card.title, "body": card.description}
    if card.media_url:
        data["media"] = card.media_url
    data["actions"] = [_action(a) for a in card.actions]
    return data


def twilio_content_types(content: RichContent) -> dict[str, Any]:
    """Return the Content API ``types`` object for ``content``."""
    text = content.plain_text if content.plain_text is not None else content.body
    cards = rcs_cards(content)
    actions = rcs_actions(content)
    types: dict[str, Any] = {}
    if len(cards) > 1:
        types["twilio/carousel"] = {"body": text, "cards": [_carousel_card(c) for c in cards]}
    elif cards or any(a.kind != "reply" for a in actions):
        card = cards[0] if cards else RCSCard(title=text)
        data: dict[str, Any] = {"title": card.title or text}
        if card.description:
            data["subtitle"] = card.description
        if card.media_url:
            data["media"] = [card.media_url]
        data["actions"] = [_action(a) for a in [*card.actions, *actions]]
        types["twilio/card"] = data
    else:
        types["twilio/quick-reply"] = {"body": text, "actions": [_action(a) for a in actions]}
    types["twilio/text"] = {"body": text}
    return types


class TwilioContentBuilder:
    """Creates (once) the Content API resource of a rich message and returns its sid."""

    def __init__(self, http: VendorHTTP, language: str = "en", cache_size: int = 256) -> None:
        self._http = http
        self._language = language
        self._cache_size = cache_size
        self._sids: dict[str, str] = {}

    async def sid_for(self, content: RichContent) -> str:
        """Return the ``ContentSid`` for ``content``, creating the resource if needed."""
        types = twilio_content_types(content)
        key = hashlib.sha256(json.dumps(types, sort_keys=True).encode()).hexdigest()
        cached = self._sids.get(key)
        if cached is not None:
            return cached
        body = await self._http.json(
            "POST",
            "v1/Content",
            json={
                "friendly_name": f"roomkit_{key[:16]}",
                "language": self._language,
                "types": types,
            },
        )
        sid = body.get("sid") if isinstance(body, dict) else None
        if not isinstance(sid, str):
            raise ProviderError(
                "twilio Content API answered without a sid",
                code=ErrorCode.INVALID_PAYLOAD,
                provider="twilio",
            )
        if len(self._sids) >= self._cache_size:
            self._sids.pop(next(iter(self._sids)))
        self._sids[key] = sid
        return sid
