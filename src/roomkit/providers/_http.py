"""The one HTTP layer every vendor provider uses.

Vendor modules build requests and parse responses; this module owns the httpx client
(injectable through ``http_client=`` so tests can point at a loopback server or use an
``httpx.MockTransport``), authentication, timeouts, and the translation of HTTP statuses
and transport failures into :class:`~roomkit.errors.ProviderError` with a stable
``code`` and a ``retryable`` flag.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from roomkit.errors import ErrorCode, ProviderError

try:
    import httpx
except ImportError as exc:  # pragma: no cover - exercised in the bare-install test
    raise ImportError(
        "RoomKit's vendor providers need httpx; install it with: pip install 'roomkit[httpx]'"
    ) from exc

__all__ = ["VendorHTTP", "error_for_status", "retry_after_seconds"]

logger = logging.getLogger("roomkit.providers.http")

_MAX_BODY_IN_ERROR = 300
"""Characters of a vendor's error answer quoted in the exception message."""
_MAX_BODY_KEPT = 64 * 1024
"""Characters of it kept on ``ProviderError.body`` (an error page can be large)."""


def retry_after_seconds(response: httpx.Response) -> float | None:
    """Return the ``Retry-After`` delay in seconds, when given as a number."""
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def error_for_status(vendor: str, response: httpx.Response) -> ProviderError:
    """Translate a non-2xx response into a ProviderError (no request data included)."""
    status = response.status_code
    code, retryable = _classify(status)
    body = response.text
    quoted = body[:_MAX_BODY_IN_ERROR].strip()
    detail = f": {quoted}" if quoted else ""
    return ProviderError(
        f"{vendor} answered HTTP {status}{detail}",
        code=code,
        retryable=retryable,
        status_code=status,
        provider=vendor,
        retry_after=retry_after_seconds(response),
        body=body[:_MAX_BODY_KEPT],
    )


def _classify(status: int) -> tuple[ErrorCode, bool]:
    if status == 401:
        return ErrorCode.AUTHENTICATION, False
    if status == 403:
        return ErrorCode.PERMISSION_DENIED, False
    if status == 404:
        return ErrorCode.NOT_FOUND, False
    if status in (408, 425, 429):
        return ErrorCode.RATE_LIMITED, True
    if status in (502, 503, 529):
        return ErrorCode.OVERLOADED, True
    if status >= 500:
        return ErrorCode.SERVER_ERROR, True
    return ErrorCode.INVALID_REQUEST, False


class VendorHTTP:
    """An httpx client bound to one vendor's base URL, auth and timeout.

    A client passed as ``http_client`` is used as is and left open on :meth:`close`;
    otherwise one is created and owned.
    """

    def __init__(
        self,
        vendor: str,
        base_url: str,
        *,
        timeout: float = 10.0,
        auth: httpx.Auth | tuple[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        self.vendor = vendor
        self.base_url = base_url.rstrip("/")
        self._auth = auth
        self._headers = dict(headers or {})
        self._timeout = timeout
        self._owned = http_client is None
        self._client = http_client or httpx.AsyncClient(timeout=timeout)

    def __repr__(self) -> str:
        return f"VendorHTTP({self.vendor!r}, {self.base_url!r})"

    def url(self, path: str) -> str:
        """Return the absolute URL of ``path`` (absolute URLs are kept as they are)."""
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base_url}/{path.lstrip('/')}"

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        content: bytes | None = None,
        data: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        files: Any = None,
    ) -> httpx.Response:
        """Send a request; return the 2xx response or raise a ProviderError.

        ``content`` sends raw bytes as the body (for payloads that are signed byte for byte).
        """
        try:
            response = await self._client.request(
                method,
                self.url(path),
                json=json,
                content=content,
                data=data,
                params=params,
                files=files,
                headers={**self._headers, **(headers or {})},
                auth=self._auth if self._auth is not None else httpx.USE_CLIENT_DEFAULT,
                timeout=self._timeout,
            )
        except httpx.TimeoutException as exc:
            raise ProviderError(
                f"{self.vendor} did not answer within {self._timeout}s",
                code=ErrorCode.TIMEOUT,
                retryable=True,
                provider=self.vendor,
            ) from exc
        except httpx.TransportError as exc:
            raise ProviderError(
                f"{self.vendor} could not be reached: {type(exc).__name__}",
                code=ErrorCode.NETWORK,
                retryable=True,
                provider=self.vendor,
            ) from exc
        if response.is_success:
            return response
        logger.warning("%s %s %s -> HTTP %s", self.vendor, method, path, response.status_code)
        raise error_for_status(self.vendor, response)

    async def json(self, method: str, path: str, **kwargs: Any) -> Any:
        """Send a request and return its decoded JSON body (``{}`` when empty)."""
        response = await self.request(method, path, **kwargs)
        if not response.content:
            return {}
        try:
            return response.json()
        except ValueError as exc:
            raise ProviderError(
                f"{self.vendor} answered a body that is not JSON",
                code=ErrorCode.INVALID_PAYLOAD,
                provider=self.vendor,
                status_code=response.status_code,
            ) from exc

    async def close(self) -> None:
        """Close the client if this object created it."""
        if self._owned:
            await self._client.aclose()
