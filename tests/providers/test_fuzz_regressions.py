"""Regression tests for the bugs the webhook fuzz tests found."""

from __future__ import annotations

import base64

import pytest

from roomkit.errors import InvalidSignatureError
from roomkit.providers._signing import check_fresh, hmac_digest
from roomkit.providers.http.signature import (
    HTTP_SIGNATURE_HEADER,
    HTTP_TIMESTAMP_HEADER,
    sign_http_body,
    verify_http_signature,
)
from roomkit.providers.sinch.webhook import sinch_signed_bytes, verify_sinch_signature
from roomkit.providers.twilio.webhook import compute_twilio_signature, verify_twilio_signature

NOW = 1_718_033_931.0


@pytest.mark.parametrize(
    "url",
    [
        "https://[/webhooks/twilio",  # unbalanced IPv6 bracket
        "https://example.com:abc/webhooks/twilio",  # port is not a number
        "https://example.com:99999/webhooks/twilio",  # port out of range
    ],
)
def test_twilio_refuses_a_malformed_request_url(url: str) -> None:
    # The host part comes from the client's Host header: a bad one was a ValueError.
    with pytest.raises(InvalidSignatureError, match="URL is malformed"):
        verify_twilio_signature("token", url, b"Body=hi", "c2lnbmF0dXJl")


def test_twilio_still_accepts_a_well_formed_url() -> None:
    url = "https://example.com/webhooks/twilio"
    signature = compute_twilio_signature("token", url, {"Body": "hi"})
    verify_twilio_signature("token", url, b"Body=hi", signature)


@pytest.mark.parametrize("timestamp", ["nan", "NaN", "-nan", "inf", "-inf", "1e400"])
def test_check_fresh_refuses_non_finite_timestamps(timestamp: str) -> None:
    # float("nan") compared as "not outside the window", so a NaN timestamp passed.
    with pytest.raises(InvalidSignatureError, match="outside the allowed window"):
        check_fresh(timestamp, 300.0, now=lambda: NOW)


def test_check_fresh_still_accepts_a_recent_timestamp() -> None:
    assert check_fresh(str(int(NOW) - 10), 300.0, now=lambda: NOW) == NOW - 10


def test_signed_http_post_with_a_nan_timestamp_is_refused() -> None:
    body = b'{"sender_id": "u", "text": "hi"}'
    headers = {
        HTTP_TIMESTAMP_HEADER: "nan",
        HTTP_SIGNATURE_HEADER: sign_http_body("secret", body, "nan"),
    }
    with pytest.raises(InvalidSignatureError):
        verify_http_signature("secret", body, headers, now=lambda: NOW)


def test_signed_sinch_callback_with_a_nan_timestamp_is_refused() -> None:
    body = b'{"type": "mo_text"}'
    signed = sinch_signed_bytes(body, "nonce-1", "nan")
    signature = base64.b64encode(hmac_digest("secret", signed)).decode()
    with pytest.raises(InvalidSignatureError):
        verify_sinch_signature("secret", body, signature, "nonce-1", "nan", now=lambda: NOW)
