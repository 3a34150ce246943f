"""Webhook routes: verify the vendor's signature, parse, hand to the kit, answer the vendor."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from roomkit.core.framework import RoomKit
from roomkit.errors import InvalidPayloadError
from roomkit.integrations.asgi._http import ApiError, map_exception, read_body
from roomkit.integrations.webhooks import WebhookReply, WebhookVerifier

__all__ = ["WebhookRoutes"]

logger = logging.getLogger("roomkit.integrations.asgi.webhooks")


class WebhookRoutes:
    """The POST (deliveries) and GET (verification challenge) endpoints of every webhook."""

    def __init__(
        self,
        kit: RoomKit,
        verifiers: Mapping[str, WebhookVerifier],
        *,
        max_body: int,
        public_url: str | None,
    ) -> None:
        self.kit = kit
        self.verifiers = dict(verifiers)
        self.max_body = max_body
        self.public_url = public_url

    def _verifier(self, request: Request) -> tuple[str, WebhookVerifier]:
        channel_id = request.path_params["channel_id"]
        verifier = self.verifiers.get(channel_id)
        if verifier is None or self.kit.get_channel(channel_id) is None:
            raise ApiError(404, "channel_not_found", f"no webhook for channel {channel_id!r}")
        return channel_id, verifier

    def _signed_url(self, request: Request) -> str:
        """The URL the vendor called, as it sees it (what Twilio, say, signs)."""
        if self.public_url is None:
            return str(request.url)
        query = f"?{request.url.query}" if request.url.query else ""
        return self.public_url.rstrip("/") + request.url.path + query

    async def _accept(self, request: Request) -> WebhookReply:
        """Verify, parse and process one delivery; nothing is parsed before verification."""
        channel_id, verifier = self._verifier(request)
        body = await read_body(request, self.max_body)
        headers = {name.lower(): value for name, value in request.headers.items()}
        verifier.verify(headers, body, self._signed_url(request))
        try:
            metas = verifier.parse(body, request.headers.get("content-type", ""))
        except (ValidationError, ValueError, UnicodeDecodeError) as exc:
            if isinstance(exc, InvalidPayloadError):
                raise
            raise InvalidPayloadError(f"{verifier.provider} webhook is malformed") from exc
        for meta in metas:
            await self.kit.process_webhook(meta, channel_id)
        return verifier.reply(metas)

    async def receive(self, request: Request) -> Response:
        """``POST /webhooks/{channel_id}``: a vendor delivers messages or statuses."""
        try:
            reply = await self._accept(request)
        except Exception as exc:
            response = map_exception(exc)
            if response is None:
                raise
            logger.info("webhook refused on %s: %s", request.url.path, type(exc).__name__)
            return response
        return Response(reply.body, status_code=reply.status_code, media_type=reply.media_type)

    async def challenge(self, request: Request) -> Response:
        """``GET /webhooks/{channel_id}``: a vendor checks that the endpoint is ours."""
        try:
            _, verifier = self._verifier(request)
            answer = verifier.challenge(dict(request.query_params))
        except Exception as exc:
            response = map_exception(exc)
            if response is None:
                raise
            return response
        if answer is None:
            return PlainTextResponse("this webhook has no verification challenge", 405)
        return PlainTextResponse(answer)
