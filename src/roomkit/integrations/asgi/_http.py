"""The HTTP plumbing shared by every route: operations, error mapping, bodies, auth."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import Response

from roomkit.core.framework import RoomKit
from roomkit.errors import (
    ChannelNotFoundError,
    ChannelNotRegisteredError,
    CircuitOpenError,
    ConfigurationError,
    InvalidPayloadError,
    InvalidSignatureError,
    LockTimeoutError,
    NotFoundError,
    ProcessTimeoutError,
    ProviderError,
    RoomClosedError,
    RoomNotFoundError,
    UnstorableValueError,
)
from roomkit.integrations.asgi._auth import AuthenticationError, Authenticator
from roomkit.integrations.schemas import ErrorBody, ErrorDetail

__all__ = [
    "ApiError",
    "Call",
    "Operation",
    "classify",
    "error_response",
    "map_exception",
    "operation_endpoint",
    "read_body",
]

logger = logging.getLogger("roomkit.integrations.asgi")

# Most specific first: the first matching class decides the status and the code.
_ERROR_STATUS: tuple[tuple[type[Exception], int, str], ...] = (
    (RoomNotFoundError, 404, "room_not_found"),
    (ChannelNotRegisteredError, 404, "channel_not_registered"),
    (ChannelNotFoundError, 404, "channel_not_found"),
    (NotFoundError, 404, "not_found"),
    (RoomClosedError, 409, "room_closed"),
    (ConfigurationError, 400, "configuration_error"),
    (InvalidSignatureError, 403, "invalid_signature"),
    (InvalidPayloadError, 400, "invalid_payload"),
    (LockTimeoutError, 503, "room_busy"),
    (ProcessTimeoutError, 503, "processing_timeout"),
    (CircuitOpenError, 503, "circuit_open"),
    (ProviderError, 502, "provider_error"),
    (UnstorableValueError, 422, "unstorable_value"),
)


class ApiError(Exception):
    """An error the API answers with a given status and code."""

    def __init__(self, status_code: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.code = code


def error_response(
    status_code: int,
    code: str,
    message: str,
    details: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """Build the JSON error body every route answers with."""
    body = ErrorBody(error=ErrorDetail(code=code, message=message, details=details or []))
    return Response(
        body.model_dump_json(),
        status_code=status_code,
        media_type="application/json",
        headers=headers,
    )


def classify(exc: Exception) -> tuple[int, str] | None:
    """The HTTP status and error code of an expected exception (``None`` for a bug)."""
    if isinstance(exc, ApiError):
        return exc.status_code, exc.code
    if isinstance(exc, AuthenticationError):
        return exc.status_code, "unauthenticated" if exc.status_code == 401 else "forbidden"
    if isinstance(exc, ValidationError):
        return 422, "validation_error"
    for kind, status_code, code in _ERROR_STATUS:
        if isinstance(exc, kind):
            return status_code, code
    return None


def map_exception(exc: Exception) -> Response | None:
    """Turn an expected exception into its error response (``None`` for a real bug)."""
    known = classify(exc)
    if known is None:
        return None
    status_code, code = known
    if isinstance(exc, ValidationError):
        details = exc.errors(include_url=False, include_input=False, include_context=False)
        return error_response(
            status_code, code, "the request is invalid", [dict(d) for d in details]
        )
    headers = {"WWW-Authenticate": "Bearer"} if status_code == 401 else None
    return error_response(status_code, code, str(exc), headers=headers)


async def read_body(request: Request, limit: int) -> bytes:
    """Read the request body, refusing more than ``limit`` bytes with a 413."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ApiError(413, "body_too_large", f"the body exceeds {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, "body_too_large", f"the body exceeds {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


@dataclass(frozen=True)
class Call:
    """What a route handler receives: the kit, path parameters, parsed body and query."""

    kit: RoomKit
    params: dict[str, str]
    body: BaseModel | None
    query: BaseModel | None
    principal: Any

    def body_as[M: BaseModel](self, model: type[M]) -> M:
        """The parsed body, typed as the operation's body model."""
        if not isinstance(self.body, model):
            raise TypeError(f"the operation's body is not a {model.__name__}")
        return self.body

    def query_as[M: BaseModel](self, model: type[M]) -> M:
        """The parsed query, typed as the operation's query model."""
        if not isinstance(self.query, model):
            raise TypeError(f"the operation's query is not a {model.__name__}")
        return self.query


Handler = Callable[[Call], Awaitable[BaseModel]]


@dataclass(frozen=True)
class Operation:
    """One REST operation: route, models (for parsing and OpenAPI) and handler."""

    method: str
    path: str
    operation_id: str
    summary: str
    handler: Handler
    response: type[BaseModel]
    status_code: int = 200
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    errors: tuple[int, ...] = (404,)
    tag: str = "rooms"


def operation_endpoint(
    operation: Operation, kit: RoomKit, auth: Authenticator | None, max_body: int
) -> Callable[[Request], Awaitable[Response]]:
    """Wrap an operation's handler into a Starlette endpoint."""

    async def endpoint(request: Request) -> Response:
        try:
            principal = await auth(request) if auth is not None else None
            query = None
            if operation.query is not None:
                query = operation.query.model_validate(dict(request.query_params))
            body = None
            if operation.body is not None:
                raw = await read_body(request, max_body)
                body = operation.body.model_validate_json(raw.strip() or b"{}")
            call = Call(kit, dict(request.path_params), body, query, principal)
            result = await operation.handler(call)
        except Exception as exc:
            response = map_exception(exc)
            if response is None:
                logger.exception("%s %s failed", operation.method, operation.path)
                raise
            return response
        return Response(
            result.model_dump_json(),
            status_code=operation.status_code,
            media_type="application/json",
        )

    return endpoint
