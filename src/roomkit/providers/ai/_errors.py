"""One classification of AI vendor failures into :class:`~roomkit.errors.ProviderError`.

Each vendor module catches its SDK's exceptions and hands the facts (HTTP status, the
vendor's error type, its message, ``Retry-After``) to :func:`api_error`; timeouts and
connection failures go through :func:`timeout_error` and :func:`network_error`. The
result always carries a stable :class:`~roomkit.errors.ErrorCode` and a ``retryable``
flag, so the retry layer treats every vendor alike:

==========================  =====================  =========
Cause                       code                   retryable
==========================  =====================  =========
401, invalid key            AUTHENTICATION         no
403                         PERMISSION_DENIED      no
404                         NOT_FOUND              no
408, 504, client timeout    TIMEOUT                yes
429, quota exhausted        RATE_LIMITED           yes
out of credit               RATE_LIMITED           no
503, 529, "overloaded"      OVERLOADED             yes
other 5xx                   SERVER_ERROR           yes
prompt over the window      CONTEXT_LENGTH         no
other 4xx                   INVALID_REQUEST        no
connection failure          NETWORK                yes
==========================  =====================  =========

Messages name the vendor and repeat the vendor's explanation (cut short); request
bodies and credentials are never included.
"""

from __future__ import annotations

from collections.abc import Mapping

from roomkit.errors import ErrorCode, ProviderError

__all__ = ["api_error", "classify", "network_error", "retry_after", "timeout_error"]

_MAX_DETAIL = 300

_CONTEXT_LENGTH_MARKERS = (
    "context_length_exceeded",
    "context length",
    "context window",
    "context_window",
    "maximum context",
    "prompt is too long",
    "input is too long",
    "too many tokens",
    "exceeds the maximum number of tokens",
    "input token count",
)
"""Phrases vendors use when the prompt does not fit the model (matched lowercase)."""

_AUTHENTICATION_MARKERS = ("api key not valid", "api_key_invalid", "invalid api key")
_OVERLOADED_MARKERS = ("overloaded",)
_RATE_LIMIT_MARKERS = ("rate_limit", "resource_exhausted", "quota")

_BY_STATUS: dict[int, tuple[ErrorCode, bool]] = {
    401: (ErrorCode.AUTHENTICATION, False),
    403: (ErrorCode.PERMISSION_DENIED, False),
    404: (ErrorCode.NOT_FOUND, False),
    408: (ErrorCode.TIMEOUT, True),
    429: (ErrorCode.RATE_LIMITED, True),
    502: (ErrorCode.OVERLOADED, True),
    503: (ErrorCode.OVERLOADED, True),
    504: (ErrorCode.TIMEOUT, True),
    529: (ErrorCode.OVERLOADED, True),
}


def classify(status: int | None, detail: str = "") -> tuple[ErrorCode, bool]:
    """Return the code and retryability of a vendor failure.

    ``detail`` is the vendor's error type, code and message run together; it refines
    statuses that vendors reuse (a 400 that is really a context overflow or a bad key).
    """
    text = detail.lower()
    if any(marker in text for marker in _CONTEXT_LENGTH_MARKERS):
        return ErrorCode.CONTEXT_LENGTH, False
    if "insufficient_quota" in text:  # out of credit: waiting does not help
        return ErrorCode.RATE_LIMITED, False
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    if any(marker in text for marker in _OVERLOADED_MARKERS):
        return ErrorCode.OVERLOADED, True
    if any(marker in text for marker in _RATE_LIMIT_MARKERS):
        return ErrorCode.RATE_LIMITED, True
    if any(marker in text for marker in _AUTHENTICATION_MARKERS):
        return ErrorCode.AUTHENTICATION, False
    if status is not None and status >= 500:
        return ErrorCode.SERVER_ERROR, True
    if status is not None and 400 <= status < 500:
        return ErrorCode.INVALID_REQUEST, False
    return ErrorCode.PROVIDER_ERROR, False


def retry_after(headers: Mapping[str, str] | None) -> float | None:
    """Return the ``Retry-After`` delay in seconds, when given as a number."""
    if headers is None:
        return None
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def api_error(
    vendor: str,
    status: int | None,
    message: str,
    *,
    kind: str = "",
    headers: Mapping[str, str] | None = None,
) -> ProviderError:
    """Build the ProviderError for an error answer of ``vendor``'s API.

    ``kind`` is the vendor's own error type or code (``"overloaded_error"``,
    ``"RESOURCE_EXHAUSTED"``, ``"context_length_exceeded"``...), used for classification.
    """
    code, retryable = classify(status, f"{kind} {message}")
    detail = " ".join(message.split())[:_MAX_DETAIL]
    prefix = f"{vendor} answered HTTP {status}" if status else f"{vendor} failed"
    return ProviderError(
        f"{prefix} ({code}): {detail}" if detail else f"{prefix} ({code})",
        code=code,
        retryable=retryable,
        status_code=status,
        provider=vendor,
        retry_after=retry_after(headers),
    )


def timeout_error(vendor: str, timeout: float | None = None) -> ProviderError:
    """The ProviderError for a request that got no answer in time."""
    within = f" within {timeout:g}s" if timeout is not None else " in time"
    return ProviderError(
        f"{vendor} did not answer{within}",
        code=ErrorCode.TIMEOUT,
        retryable=True,
        provider=vendor,
    )


def network_error(vendor: str, exc: BaseException) -> ProviderError:
    """The ProviderError for a request that could not reach the vendor at all."""
    return ProviderError(
        f"{vendor} could not be reached: {type(exc).__name__}",
        code=ErrorCode.NETWORK,
        retryable=True,
        provider=vendor,
    )
