"""Telnyx RCS: agent messages through ``POST /v2/messages/rcs``, SMS fallback.

The event becomes one ``agent_message.content_message`` (RBM allows one of text, file
or rich card per message):

- RichContent with several cards: ``rich_card.carousel_card``; with one card:
  ``rich_card.standalone_card`` (the body text is not sent beside cards: put it in a
  card). Otherwise its text. Buttons and quick replies become ``suggestions``:
  ``reply`` (text, postback_data) or ``action`` with ``open_url_action`` /
  ``dial_action``;
- media, audio or video: ``content_info.file_url`` (a caption is not sent);
- a location: its label as text with a ``view_location_action`` suggestion;
- anything else: its readable text.

Before sending, ``GET /v2/messaging/rcs/capabilities/{agent_id}/{phone}`` tells whether
the recipient has RCS (404, or an empty ``features`` list, means no); without RCS the
send falls back to ``fallback_provider`` by SMS when allowed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from roomkit.channels.base import content_text
from roomkit.errors import ErrorCode, ProviderError
from roomkit.models.content import (
    AudioContent,
    EventContent,
    LocationContent,
    MediaContent,
    RichContent,
    VideoContent,
)
from roomkit.models.delivery import ProviderResult
from roomkit.models.event import RoomEvent
from roomkit.providers._send_results import vendor_failure
from roomkit.providers.rcs._fallback import send_with_fallback
from roomkit.providers.rcs._rich import RCSAction, RCSCard, rcs_actions, rcs_cards
from roomkit.providers.rcs.base import RCSProvider
from roomkit.providers.sms.base import SMSProvider
from roomkit.providers.telnyx._common import (
    TelnyxWebhookMixin,
    post_telnyx_message,
    telnyx_http,
)
from roomkit.providers.telnyx.config import TelnyxRCSConfig

if TYPE_CHECKING:
    import httpx

__all__ = ["TelnyxRCSProvider", "telnyx_content_message"]

logger = logging.getLogger("roomkit.providers.telnyx")


def _suggestion(action: RCSAction) -> dict[str, Any]:
    if action.kind == "reply":
        return {"reply": {"text": action.title, "postback_data": action.postback}}
    detail: dict[str, Any] = {"text": action.title, "postback_data": action.postback}
    if action.kind == "url":
        detail["open_url_action"] = {"url": action.url}
    else:
        detail["dial_action"] = {"phone_number": action.phone}
    return {"action": detail}


def _card_content(card: RCSCard) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if card.title:
        data["title"] = card.title
    if card.description:
        data["description"] = card.description
    if card.media_url:
        data["media"] = {"height": "MEDIUM", "content_info": {"file_url": card.media_url}}
    if card.actions:
        data["suggestions"] = [_suggestion(a) for a in card.actions]
    return data


def _rich_message(content: RichContent) -> dict[str, Any]:
    cards = rcs_cards(content)
    message: dict[str, Any] = {}
    if len(cards) > 1:
        contents = [_card_content(c) for c in cards]
        message["rich_card"] = {
            "carousel_card": {"card_width": "MEDIUM", "card_contents": contents}
        }
    elif cards:
        message["rich_card"] = {
            "standalone_card": {
                "card_orientation": "VERTICAL",
                "card_content": _card_content(cards[0]),
            }
        }
    else:
        message["text"] = content.plain_text if content.plain_text is not None else content.body
    actions = rcs_actions(content)
    if actions:
        message["suggestions"] = [_suggestion(a) for a in actions]
    return message


def telnyx_content_message(content: EventContent) -> dict[str, Any]:
    """Return the ``content_message`` object Telnyx sends for ``content``."""
    if isinstance(content, RichContent):
        return _rich_message(content)
    if isinstance(content, MediaContent | AudioContent | VideoContent):
        return {"content_info": {"file_url": content.url}}
    if isinstance(content, LocationContent):
        label = content.label or content.address or "Location"
        place = {"latitude": content.latitude, "longitude": content.longitude}
        action: dict[str, Any] = {
            "text": "View location",
            "postback_data": "view_location",
            "view_location_action": {"lat_long": place, "label": label},
        }
        return {"text": label, "suggestions": [{"action": action}]}
    return {"text": content_text(content)}


class TelnyxRCSProvider(TelnyxWebhookMixin, RCSProvider):
    """Sends RCS messages from a Telnyx agent, falling back to SMS (module docstring)."""

    def __init__(
        self,
        config: TelnyxRCSConfig,
        *,
        fallback_provider: SMSProvider | None = None,
        public_key: str | None = None,
        signature_tolerance: float = 300.0,
        clock: Callable[[], float] = time.time,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        self._config = config
        self.fallback_provider = fallback_provider
        self._public_key = public_key
        self._tolerance_seconds = signature_tolerance
        self._now = clock
        self._http = telnyx_http(config.api_key, config.base_url, config.timeout, http_client)

    def __repr__(self) -> str:
        return f"TelnyxRCSProvider(agent_id={self._config.agent_id!r})"

    async def check_capability(self, phone: str) -> bool:
        """Ask Telnyx whether ``phone`` can receive RCS from the agent (404 means no)."""
        path = f"messaging/rcs/capabilities/{quote(self._config.agent_id, safe='')}/"
        try:
            answer = await self._http.json("GET", path + quote(phone, safe="+"))
        except ProviderError as error:
            if error.code == ErrorCode.NOT_FOUND:
                return False
            raise
        data = answer.get("data") if isinstance(answer, dict) else None
        features = data.get("features") if isinstance(data, dict) else None
        return not (isinstance(features, list) and not features)

    async def send(
        self, event: RoomEvent, to: str, fallback: bool = True, **options: Any
    ) -> ProviderResult:
        """Send ``event`` over RCS, or by SMS when ``to`` has no RCS and ``fallback``."""
        return await send_with_fallback(
            vendor="telnyx",
            event=event,
            to=to,
            fallback=fallback,
            fallback_provider=self.fallback_provider,
            check=self.check_capability,
            send_rcs=lambda: self._send_rcs(event, to),
        )

    async def _send_rcs(self, event: RoomEvent, to: str) -> ProviderResult:
        message = telnyx_content_message(event.content)
        if message.get("text") == "" and len(message) == 1:
            return vendor_failure(
                "the event has nothing to send over RCS",
                code=None,
                reason=ErrorCode.INVALID_REQUEST,
            )
        body: dict[str, Any] = {
            "agent_id": self._config.agent_id,
            "to": to,
            "agent_message": {"content_message": message},
        }
        result = await post_telnyx_message(
            self._http,
            "messages/rcs",
            body,
            messaging_profile_id=self._config.messaging_profile_id,
            webhook_url=self._config.webhook_url,
        )
        logger.debug("telnyx RCS send of event %s: success=%s", event.id, result.success)
        return result

    async def close(self) -> None:
        """Close the HTTP client if this provider created it."""
        await self._http.close()
