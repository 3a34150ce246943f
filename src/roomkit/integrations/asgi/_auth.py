"""Authentication for the REST API and the WebSocket endpoint."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from pydantic import SecretStr
from starlette.requests import HTTPConnection

from roomkit.errors import RoomKitError

__all__ = ["AuthenticationError", "Authenticator", "BearerAuth"]

Authenticator = Callable[[HTTPConnection], Awaitable[Any]]
"""Returns the principal behind a request or WebSocket, or raises AuthenticationError."""


class AuthenticationError(RoomKitError):
    """The caller could not be authenticated (401) or is not allowed in (403)."""

    def __init__(self, message: str = "authentication required", status_code: int = 401) -> None:
        super().__init__(message)
        self.status_code = status_code


class BearerAuth:
    """Accepts ``Authorization: Bearer <token>`` for one of the configured tokens.

    ``tokens`` maps a principal name to its token, or is a plain collection of tokens
    (the principal is then ``"bearer"``). Browsers cannot set headers on a WebSocket, so
    WebSocket handshakes may pass the token in the ``query_param`` query parameter
    instead (set it to ``None`` to refuse that). The principal is returned; tokens are
    compared in constant time and never logged.
    """

    def __init__(
        self,
        tokens: Mapping[str, SecretStr | str] | Iterable[SecretStr | str],
        *,
        query_param: str | None = "access_token",
    ) -> None:
        pairs = (
            list(tokens.items())
            if isinstance(tokens, Mapping)
            else [("bearer", token) for token in tokens]
        )
        self._tokens = [
            (name, (t if isinstance(t, SecretStr) else SecretStr(t)).get_secret_value().encode())
            for name, t in pairs
        ]
        if not self._tokens or any(not secret for _, secret in self._tokens):
            raise ValueError("BearerAuth needs at least one non-empty token")
        self.query_param = query_param

    async def __call__(self, connection: HTTPConnection) -> str:
        """Return the principal whose token the connection presents."""
        given = self._presented(connection)
        if given is None:
            raise AuthenticationError("missing bearer token")
        principal: str | None = None
        for name, secret in self._tokens:
            if hmac.compare_digest(given.encode(), secret) and principal is None:
                principal = name
        if principal is None:
            raise AuthenticationError("invalid bearer token")
        return principal

    def _presented(self, connection: HTTPConnection) -> str | None:
        header = connection.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return token.strip()
        if connection.scope["type"] == "websocket" and self.query_param:
            return connection.query_params.get(self.query_param) or None
        return None

    def __repr__(self) -> str:
        return f"BearerAuth(<{len(self._tokens)} token(s)>)"
