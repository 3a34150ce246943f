"""WebSocket plumbing shared by the streaming speech vendors (Deepgram, ElevenLabs).

It opens an authenticated connection and translates every way one can fail into a
:class:`~roomkit.errors.ProviderError`: a refused handshake goes through the same HTTP
status mapping as :class:`~roomkit.providers._http.VendorHTTP`, an unreachable host is a
retryable network error, and an abnormal close is classified by its close code.
Credentials travel in headers only, so URLs and error messages never carry them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Mapping
from typing import Any
from urllib.parse import urlencode

from roomkit.errors import ErrorCode, ProviderError

try:
    import httpx
    from websockets.asyncio.client import ClientConnection, connect
    from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus
except ImportError as exc:  # pragma: no cover - exercised in the bare-install test
    raise ImportError(
        "RoomKit's streaming speech providers need httpx and websockets; "
        "install it with: pip install 'roomkit[httpx,websocket]'"
    ) from exc

from roomkit.providers._http import error_for_status

__all__ = ["ClientConnection", "closed_error", "open_ws", "receive_json", "ws_url"]

logger = logging.getLogger("roomkit.voice.vendor_ws")

_SCHEMES = {"https": "wss", "http": "ws", "wss": "wss", "ws": "ws"}
_RETRYABLE_CLOSES: dict[int, ErrorCode] = {
    1006: ErrorCode.NETWORK,
    1011: ErrorCode.SERVER_ERROR,
    1012: ErrorCode.OVERLOADED,
    1013: ErrorCode.OVERLOADED,
    1014: ErrorCode.SERVER_ERROR,
}


def ws_url(base_url: str, path: str, params: Mapping[str, str]) -> str:
    """Return the ``ws(s)://`` URL of ``path`` on an ``http(s)``/``ws(s)`` base URL."""
    scheme, sep, rest = base_url.rstrip("/").partition("://")
    if not sep or scheme not in _SCHEMES:
        raise ValueError(f"base_url must start with http(s):// or ws(s)://, got {base_url!r}")
    query = f"?{urlencode(params)}" if params else ""
    return f"{_SCHEMES[scheme]}://{rest}/{path.lstrip('/')}{query}"


async def open_ws(
    vendor: str, url: str, headers: Mapping[str, str], timeout: float
) -> ClientConnection:
    """Connect to ``url`` with ``headers``; raise a ProviderError when that fails."""
    try:
        return await connect(
            url, additional_headers=dict(headers), open_timeout=timeout, max_size=None
        )
    except InvalidStatus as exc:
        answer = exc.response
        logger.warning("%s refused the WebSocket handshake: HTTP %s", vendor, answer.status_code)
        response = httpx.Response(
            answer.status_code,
            headers=list(answer.headers.raw_items()),
            content=bytes(answer.body),
        )
        raise error_for_status(vendor, response) from exc
    except TimeoutError as exc:
        raise ProviderError(
            f"{vendor} did not accept the WebSocket within {timeout}s",
            code=ErrorCode.TIMEOUT,
            retryable=True,
            provider=vendor,
        ) from exc
    except (OSError, InvalidHandshake) as exc:
        raise ProviderError(
            f"{vendor} could not be reached over WebSocket: {type(exc).__name__}",
            code=ErrorCode.NETWORK,
            retryable=True,
            provider=vendor,
        ) from exc


def closed_error(vendor: str, exc: ConnectionClosed) -> ProviderError:
    """Translate an abnormal close into a ProviderError carrying the vendor's reason."""
    close = exc.rcvd
    code = close.code if close is not None else 1006
    reason = f": {close.reason}" if close is not None and close.reason else ""
    error_code = _RETRYABLE_CLOSES.get(code)
    if error_code is not None:
        retryable = True
    else:
        error_code = ErrorCode.INVALID_REQUEST if code == 1008 else ErrorCode.PROVIDER_ERROR
        retryable = False
    return ProviderError(
        f"{vendor} closed the WebSocket with code {code}{reason}",
        code=error_code,
        retryable=retryable,
        provider=vendor,
    )


async def receive_json(vendor: str, ws: ClientConnection) -> AsyncIterator[dict[str, Any]]:
    """Yield each JSON object the server sends until it closes normally.

    Binary frames are skipped; a text frame that is not JSON, or an abnormal close,
    raises a ProviderError.
    """
    try:
        async for message in ws:
            if isinstance(message, bytes):
                continue
            try:
                payload = json.loads(message)
            except ValueError as exc:
                raise ProviderError(
                    f"{vendor} sent a WebSocket message that is not JSON",
                    code=ErrorCode.INVALID_PAYLOAD,
                    provider=vendor,
                ) from exc
            if isinstance(payload, dict):
                yield payload
    except ConnectionClosed as exc:
        raise closed_error(vendor, exc) from exc
