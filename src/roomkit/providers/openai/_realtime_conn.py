"""Opening and closing OpenAI Realtime connections, and what their failures mean.

:func:`open_connection` connects through the SDK, waits for ``session.created`` and
turns every way that can fail into a :class:`~roomkit.errors.ProviderError`: a refused
handshake is classified by its HTTP status and OpenAI's JSON error body (401 is a
non-retryable authentication error, 429/5xx retryable), an unreachable host or a hang-up
is a retryable network error, no ``session.created`` in time a retryable timeout, and an
``error`` event instead of it the vendor's error. The API key travels only in the SDK's
``Authorization`` header and never appears in messages or logs.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from roomkit.errors import ProviderError
from roomkit.providers.ai._errors import api_error, network_error, timeout_error
from roomkit.providers.openai.config import OpenAIRealtimeConfig

try:
    import openai
    from openai.resources.realtime.realtime import AsyncRealtimeConnection
    from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus
except ImportError as exc:  # pragma: no cover - exercised in the bare-install test
    raise ImportError(
        "OpenAIRealtimeProvider needs the openai SDK and websockets; "
        "install it with: pip install 'roomkit[openai-realtime]'"
    ) from exc

__all__ = [
    "AsyncRealtimeConnection",
    "ConnectionClosed",
    "VENDOR",
    "close_quietly",
    "closed_detail",
    "decode_event",
    "open_connection",
    "sdk_base_url",
    "session_id",
]

logger = logging.getLogger("roomkit.providers.openai.realtime")

VENDOR = "openai"
_BETA_HEADERS = {"OpenAI-Beta": "realtime=v1"}


def sdk_base_url(base_url: str) -> str:
    """The SDK's ``websocket_base_url``: the endpoint without the ``/realtime`` it appends."""
    return base_url.rstrip("/").removesuffix("/realtime")


async def open_connection(
    client: openai.AsyncOpenAI, config: OpenAIRealtimeConfig
) -> tuple[AsyncRealtimeConnection, str]:
    """Connect, wait for ``session.created`` and return the connection and session id."""
    headers = _BETA_HEADERS if config.api_version == "beta" else {}
    conn: AsyncRealtimeConnection | None = None
    try:
        async with asyncio.timeout(config.connect_timeout):
            manager = client.realtime.connect(model=config.model, extra_headers=headers)
            conn = await manager.enter()
            return conn, await _await_created(conn)
    except BaseException as exc:
        if conn is not None:
            await close_quietly(conn, config.close_timeout)
        mapped = _connect_error(exc, config.connect_timeout)
        if mapped is None or mapped is exc:
            raise
        raise mapped from exc


async def close_quietly(conn: AsyncRealtimeConnection, timeout: float) -> None:
    """Close ``conn`` within ``timeout``; a connection already gone is no error."""
    try:
        async with asyncio.timeout(timeout):
            await conn.close()
    except (TimeoutError, ConnectionClosed, OSError) as exc:
        logger.debug("openai realtime: closing the connection failed: %s", type(exc).__name__)


def decode_event(raw: bytes | str) -> dict[str, Any] | None:
    """The JSON event in a frame, or ``None`` when it is not one."""
    try:
        event = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(event, dict) or not isinstance(event.get("type"), str):
        return None
    return event


def session_id(event: dict[str, Any]) -> str:
    """The vendor's session id in a ``session.created`` event."""
    return str(event["session"]["id"])


def closed_detail(exc: ConnectionClosed) -> str:
    """Close code and reason of a closed connection, for messages."""
    close = exc.rcvd
    if close is None:
        return "no close frame (code 1006)"
    reason = f": {close.reason}" if close.reason else ""
    return f"code {close.code}{reason}"


async def _await_created(conn: AsyncRealtimeConnection) -> str:
    """Read until ``session.created`` (returning its id); an ``error`` event raises."""
    while True:
        event = decode_event(await conn.recv_bytes())
        if event is None:
            continue
        if event["type"] == "session.created":
            return session_id(event)
        if event["type"] == "error":
            error = event.get("error") or {}
            kind = f"{error.get('type') or ''} {error.get('code') or ''}"
            raise api_error(VENDOR, None, str(error.get("message", "")), kind=kind)


def _connect_error(exc: BaseException, timeout: float) -> ProviderError | None:
    """The ProviderError for a failed connect, or ``None`` to re-raise ``exc`` as is."""
    if isinstance(exc, ProviderError):
        return exc
    if isinstance(exc, InvalidStatus):
        return _handshake_error(exc)
    if isinstance(exc, TimeoutError):
        return timeout_error(VENDOR, timeout)
    if isinstance(exc, ConnectionClosed | OSError | InvalidHandshake):
        return network_error(VENDOR, exc)
    return None


def _handshake_error(exc: InvalidStatus) -> ProviderError:
    """Classify a refused handshake by its HTTP status and OpenAI's JSON error body."""
    answer = exc.response
    text = bytes(answer.body or b"").decode("utf-8", "replace")
    kind = ""
    try:
        body = json.loads(text)
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        error = body["error"]
        text = str(error.get("message") or "")
        kind = f"{error.get('type') or ''} {error.get('code') or ''}"
    headers = {key.lower(): value for key, value in answer.headers.raw_items()}
    logger.warning("openai realtime refused the WebSocket handshake: HTTP %s", answer.status_code)
    return api_error(VENDOR, answer.status_code, text, kind=kind, headers=headers)
