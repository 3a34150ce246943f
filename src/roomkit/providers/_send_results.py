"""Turning a vendor's refusal into the ProviderResult a transport channel expects.

A channel reads ``result.metadata["retryable"]`` to decide whether to retry, so every
failure carries it, with ``code`` (the vendor's own error code when it gave one, else
RoomKit's stable :class:`~roomkit.errors.ErrorCode`) and ``reason`` (always the stable
code).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from roomkit.errors import ErrorCode, ProviderError
from roomkit.models.delivery import ProviderResult

__all__ = ["VendorCodeReader", "error_body", "failure_from_error", "vendor_failure"]

VendorCodeReader = Callable[[Any], str | None]
"""Reads the vendor's own error code out of a decoded error body (``None`` if absent)."""


def error_body(error: ProviderError) -> Any:
    """Return the decoded JSON body of an HTTP ProviderError, or ``None``.

    ``VendorHTTP`` keeps the vendor's answer on ``error.body``; an error raised without
    it may still quote a short answer after ``"HTTP <status>: "`` in its message.
    """
    body = error.body
    if body is None:
        if error.status_code is None:
            return None
        _, separator, body = str(error).partition(f"HTTP {error.status_code}: ")
        if not separator:
            return None
    try:
        return json.loads(body)
    except ValueError:
        return None


def failure_from_error(
    error: ProviderError, read_code: VendorCodeReader | None = None
) -> ProviderResult:
    """Build the failed result for a ProviderError, keeping its code and retryability."""
    vendor_code = None
    if read_code is not None:
        body = error_body(error)
        if body is not None:
            try:
                vendor_code = read_code(body)
            except (KeyError, IndexError, TypeError, AttributeError):
                vendor_code = None
    metadata: dict[str, Any] = {
        "code": vendor_code or str(error.code),
        "reason": str(error.code),
        "retryable": error.retryable,
    }
    if error.status_code is not None:
        metadata["status_code"] = error.status_code
    if error.retry_after is not None:
        metadata["retry_after"] = error.retry_after
    return ProviderResult(success=False, error=str(error), metadata=metadata)


def vendor_failure(
    message: str,
    *,
    code: str | None,
    retryable: bool = False,
    reason: str = ErrorCode.DELIVERY_FAILED,
    message_id: str | None = None,
    **metadata: Any,
) -> ProviderResult:
    """Build the failed result for a refusal the vendor reported inside a 2xx answer."""
    return ProviderResult(
        success=False,
        provider_message_id=message_id,
        error=message,
        metadata={
            **metadata,
            "code": code or str(reason),
            "reason": str(reason),
            "retryable": retryable,
        },
    )
