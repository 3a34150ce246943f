"""The shared classification of AI vendor failures."""

from __future__ import annotations

import pytest

from roomkit.errors import ErrorCode
from roomkit.providers.ai._errors import (
    api_error,
    classify,
    network_error,
    retry_after,
    timeout_error,
)


@pytest.mark.parametrize(
    ("status", "detail", "expected"),
    [
        (401, "", (ErrorCode.AUTHENTICATION, False)),
        (403, "", (ErrorCode.PERMISSION_DENIED, False)),
        (404, "", (ErrorCode.NOT_FOUND, False)),
        (408, "", (ErrorCode.TIMEOUT, True)),
        (504, "", (ErrorCode.TIMEOUT, True)),
        (429, "rate_limit_error", (ErrorCode.RATE_LIMITED, True)),
        (
            429,
            "insufficient_quota You exceeded your current quota",
            (ErrorCode.RATE_LIMITED, False),
        ),
        (502, "", (ErrorCode.OVERLOADED, True)),
        (503, "", (ErrorCode.OVERLOADED, True)),
        (529, "", (ErrorCode.OVERLOADED, True)),
        (500, "", (ErrorCode.SERVER_ERROR, True)),
        (501, "", (ErrorCode.SERVER_ERROR, True)),
        (400, "invalid_request_error prompt is too long", (ErrorCode.CONTEXT_LENGTH, False)),
        (413, "context_length_exceeded", (ErrorCode.CONTEXT_LENGTH, False)),
        (400, "INVALID_ARGUMENT API key not valid.", (ErrorCode.AUTHENTICATION, False)),
        (400, "INVALID_ARGUMENT bad field", (ErrorCode.INVALID_REQUEST, False)),
        (422, "", (ErrorCode.INVALID_REQUEST, False)),
        (None, "overloaded_error Overloaded", (ErrorCode.OVERLOADED, True)),
        (None, "RESOURCE_EXHAUSTED", (ErrorCode.RATE_LIMITED, True)),
        (None, "something odd", (ErrorCode.PROVIDER_ERROR, False)),
    ],
)
def test_classification(status: int | None, detail: str, expected: tuple[ErrorCode, bool]) -> None:
    assert classify(status, detail) == expected


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (None, None),
        ({}, None),
        ({"retry-after": "12"}, 12.0),
        ({"retry-after": "-3"}, 0.0),
        ({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}, None),
    ],
)
def test_retry_after(headers: dict[str, str] | None, expected: float | None) -> None:
    assert retry_after(headers) == expected


def test_api_errors_name_the_vendor_and_shorten_the_detail() -> None:
    error = api_error("acme", 429, "slow   down\n" + "x" * 1000, headers={"retry-after": "3"})

    assert str(error).startswith("acme answered HTTP 429 (rate_limited): slow down x")
    assert len(str(error)) < 400
    assert (error.provider, error.status_code, error.retry_after) == ("acme", 429, 3.0)


def test_api_errors_without_status_or_detail() -> None:
    assert str(api_error("acme", None, "")) == "acme failed (provider_error)"


def test_timeouts_and_network_failures_are_retryable() -> None:
    slow = timeout_error("acme", 2.5)
    unknown = timeout_error("acme")
    down = network_error("acme", ConnectionRefusedError("refused"))

    assert (slow.code, slow.retryable, str(slow)) == (
        ErrorCode.TIMEOUT,
        True,
        "acme did not answer within 2.5s",
    )
    assert str(unknown) == "acme did not answer in time"
    assert (down.code, down.retryable) == (ErrorCode.NETWORK, True)
    assert "ConnectionRefusedError" in str(down)
