"""X-Twilio-Signature: our computation agrees with the twilio SDK and refuses forgeries."""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

import pytest
from twilio.request_validator import RequestValidator

from roomkit.errors import InvalidSignatureError
from roomkit.providers.twilio import (
    TwilioConfig,
    TwilioSMSProvider,
    compute_twilio_signature,
    verify_twilio_signature,
)
from tests.providers.sms_vendor_support import fixture_bytes, fixture_json

TOKEN = "0123456789abcdef0123456789abcdef"
URL = "https://hooks.example.com/twilio/sms?room=abc"
PARAMS = {"From": "+14155550123", "To": "+14155550100", "Body": "Hi & bye = ok", "NumMedia": "0"}


def signed_fixture() -> tuple[dict[str, str], bytes]:
    spec = fixture_json("twilio", "signed_request.json")
    return spec, fixture_bytes("twilio", spec["body_file"]).strip()


def test_the_fixture_request_verifies() -> None:
    spec, body = signed_fixture()

    verify_twilio_signature(spec["auth_token"], spec["url"], body, spec["signature"])


def test_the_provider_verifies_the_fixture_request() -> None:
    spec, body = signed_fixture()
    twilio = TwilioSMSProvider(
        TwilioConfig(account_sid="AC1", auth_token=spec["auth_token"], from_number="+1")
    )

    twilio.verify_signature(body, spec["signature"], spec["url"])
    assert twilio.is_valid_signature(body, spec["signature"], spec["url"])
    assert not twilio.is_valid_signature(body + b"&x=1", spec["signature"], spec["url"])


@pytest.mark.parametrize("algorithm", ["HMAC_SHA1", "HMAC_SHA256"])
@pytest.mark.parametrize(
    "params",
    [
        PARAMS,
        {},
        {"Body": "émoji 🎉 ünïcode", "MediaUrl0": "https://x.example/a?b=c"},
        {"B": "2", "A": "1", "a": "0"},
    ],
)
def test_computation_matches_the_twilio_sdk(params: dict[str, str], algorithm: str) -> None:
    ours = compute_twilio_signature(TOKEN, URL, params, algorithm)

    assert ours == RequestValidator(TOKEN).compute_signature(URL, params, algorithm)


def test_repeated_form_values_are_signed_like_the_sdk() -> None:
    body = urlencode([("MediaUrl", "https://b"), ("MediaUrl", "https://a"), ("To", "+1")])
    validator = RequestValidator(TOKEN)

    class MultiDict(dict[str, list[str]]):
        def getlist(self, name: str) -> list[str]:
            return self[name]

    expected = validator.compute_signature(
        URL, MultiDict({"MediaUrl": ["https://b", "https://a"], "To": ["+1"]})
    )

    verify_twilio_signature(TOKEN, URL, body, expected)


def test_decoded_params_verify_too() -> None:
    signature = compute_twilio_signature(TOKEN, URL, PARAMS)

    verify_twilio_signature(TOKEN, URL, PARAMS, signature)


@pytest.mark.parametrize(
    ("signed_url", "received_url"),
    [
        ("https://hooks.example.com:443/twilio", "https://hooks.example.com/twilio"),
        ("https://hooks.example.com/twilio", "https://hooks.example.com:443/twilio"),
        ("http://hooks.example.com/twilio", "http://hooks.example.com:80/twilio"),
    ],
)
def test_a_default_port_difference_is_tolerated(signed_url: str, received_url: str) -> None:
    signature = compute_twilio_signature(TOKEN, signed_url, PARAMS)

    verify_twilio_signature(TOKEN, received_url, PARAMS, signature)


def test_json_bodies_are_checked_through_body_sha256() -> None:
    body = b'{"MessageSid": "SM1", "Body": "hi"}'
    url = f"https://hooks.example.com/json?bodySHA256={hashlib.sha256(body).hexdigest()}"
    signature = RequestValidator(TOKEN).compute_signature(url, {})

    verify_twilio_signature(TOKEN, url, body, signature)
    with pytest.raises(InvalidSignatureError, match="bodySHA256"):
        verify_twilio_signature(TOKEN, url, body + b" ", signature)


@pytest.mark.parametrize(
    ("url", "params", "signature", "message"),
    [
        (URL, PARAMS, None, "missing"),
        (URL, PARAMS, "", "missing"),
        (URL, {**PARAMS, "Body": "changed"}, "SIGNED", "does not match"),
        ("https://evil.example.com/twilio/sms?room=abc", PARAMS, "SIGNED", "does not match"),
        (URL, PARAMS, "bm90IHRoZSBzaWduYXR1cmU=", "does not match"),
    ],
)
def test_forged_or_missing_signatures_are_refused(
    url: str, params: dict[str, str], signature: str | None, message: str
) -> None:
    if signature == "SIGNED":
        signature = compute_twilio_signature(TOKEN, URL, PARAMS)

    with pytest.raises(InvalidSignatureError, match=message) as caught:
        verify_twilio_signature(TOKEN, url, params, signature)
    assert TOKEN not in str(caught.value)


def test_a_signature_made_with_another_token_is_refused() -> None:
    signature = compute_twilio_signature("another-token", URL, PARAMS)

    with pytest.raises(InvalidSignatureError):
        verify_twilio_signature(TOKEN, URL, PARAMS, signature)


def test_a_body_that_is_not_utf8_is_refused() -> None:
    with pytest.raises(InvalidSignatureError, match="UTF-8"):
        verify_twilio_signature(TOKEN, URL, b"Body=\xff\xfe", "c2ln")


def test_an_unknown_algorithm_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unsupported"):
        compute_twilio_signature(TOKEN, URL, PARAMS, "HMAC_MD5")


def test_no_payload_signs_the_url_alone() -> None:
    signature = RequestValidator(TOKEN).compute_signature(URL, {})

    verify_twilio_signature(TOKEN, URL, None, signature)
