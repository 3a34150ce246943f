"""``create_app``: the REST API, the WebSocket endpoint and the webhook routes of a kit."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.websockets import WebSocket

from roomkit.core.framework import RoomKit
from roomkit.errors import ConfigurationError
from roomkit.integrations.asgi._auth import Authenticator
from roomkit.integrations.asgi._http import error_response, operation_endpoint
from roomkit.integrations.asgi._openapi import build_openapi
from roomkit.integrations.asgi._rest import OPERATIONS
from roomkit.integrations.asgi._webhooks import WebhookRoutes
from roomkit.integrations.asgi._websocket import websocket_endpoint
from roomkit.integrations.webhooks import WebhookVerifier

__all__ = ["create_app"]

logger = logging.getLogger("roomkit.integrations.asgi")

DEFAULT_MAX_BODY = 1024 * 1024
"""Largest request body (bytes) the REST and webhook routes read."""


def _normalise_prefix(prefix: str) -> str:
    prefix = prefix.strip().rstrip("/")
    if prefix and not prefix.startswith("/"):
        prefix = "/" + prefix
    return prefix


def create_app(
    kit: RoomKit,
    *,
    auth: Authenticator | None = None,
    webhook_verifiers: Mapping[str, WebhookVerifier] | None = None,
    prefix: str = "",
    allow_anonymous: bool = False,
    public_url: str | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY,
    extra_routes: list[BaseRoute] | None = None,
) -> Starlette:
    """Return a Starlette app serving ``kit`` over REST, WebSocket and webhooks.

    ``auth`` (e.g. :class:`BearerAuth`) protects the REST API and the WebSocket
    endpoint; without it the app refuses to be built unless ``allow_anonymous=True``.
    Webhooks are protected by their vendor's signature instead: ``webhook_verifiers``
    maps a channel id to its verifier, served at ``POST/GET {prefix}/webhooks/{id}``.
    ``public_url`` is the externally visible base URL (what vendors sign) when the app
    runs behind a proxy. ``extra_routes`` are mounted as they are (a chat page, say).
    """
    if auth is None and not allow_anonymous:
        raise ConfigurationError(
            "create_app() needs auth= (e.g. BearerAuth(tokens=...)); pass "
            "allow_anonymous=True to serve the API without authentication"
        )
    if max_body_bytes < 1:
        raise ConfigurationError("max_body_bytes must be positive")
    if auth is None:
        logger.warning("the RoomKit API is served WITHOUT authentication")
    root = _normalise_prefix(prefix)
    schema = build_openapi(OPERATIONS, prefix=root, secured=auth is not None)
    routes = _routes(kit, auth, root, max_body_bytes, schema)
    webhooks = WebhookRoutes(
        kit, webhook_verifiers or {}, max_body=max_body_bytes, public_url=public_url
    )
    routes += [
        Route(root + "/webhooks/{channel_id}", webhooks.receive, methods=["POST"], name="webhook"),
        Route(
            root + "/webhooks/{channel_id}", webhooks.challenge, methods=["GET"], name="challenge"
        ),
        *(extra_routes or []),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: _http_error})
    app.router.redirect_slashes = False  # an API answers 404, not a redirect, for "/rooms/"
    app.state.roomkit = kit
    app.state.openapi = schema
    return app


def _routes(
    kit: RoomKit,
    auth: Authenticator | None,
    root: str,
    max_body: int,
    schema: dict[str, Any],
) -> list[BaseRoute]:
    """The REST operations, the OpenAPI document and the WebSocket endpoint."""

    async def openapi(request: Request) -> Response:
        return JSONResponse(schema)

    async def websocket(socket: WebSocket) -> None:
        await websocket_endpoint(socket, kit, auth)

    routes: list[BaseRoute] = [
        Route(
            root + op.path,
            operation_endpoint(op, kit, auth, max_body),
            methods=[op.method],
            name=op.operation_id,
        )
        for op in OPERATIONS
    ]
    routes.append(Route(root + "/openapi.json", openapi, methods=["GET"], name="openapi"))
    routes.append(WebSocketRoute(root + "/ws/{channel_id}", websocket, name="websocket"))
    return routes


async def _http_error(request: Request, exc: Any) -> Response:
    """Answer routing errors (unknown path, wrong method) with the API's JSON error body."""
    status_code = getattr(exc, "status_code", 500)
    codes = {404: "not_found", 405: "method_not_allowed"}
    return error_response(
        status_code,
        codes.get(status_code, "http_error"),
        str(getattr(exc, "detail", "")),
        headers=getattr(exc, "headers", None),
    )
