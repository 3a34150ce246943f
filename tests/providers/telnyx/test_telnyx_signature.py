"""Telnyx Ed25519 webhook signatures, checked with keys generated in the test."""

from __future__ import annotations

import base64

import pytest
from nacl.signing import SigningKey

from roomkit.errors import ConfigurationError, InvalidSignatureError
from roomkit.providers.telnyx import (
    TelnyxConfig,
    TelnyxSignatureVerifier,
    TelnyxSMSProvider,
    verify_telnyx_signature,
)
from tests.providers.sms_vendor_support import fixture_bytes, fixture_json

NOW = 1_718_033_931.0
BODY = b'{"data":{"event_type":"message.received"}}'


def sign(key: SigningKey, body: bytes, timestamp: str) -> str:
    return base64.b64encode(key.sign(timestamp.encode() + b"|" + body).signature).decode()


def public(key: SigningKey) -> str:
    return base64.b64encode(bytes(key.verify_key)).decode()


def test_a_fresh_signature_from_the_account_key_is_accepted() -> None:
    key = SigningKey.generate()
    stamp = str(int(NOW) - 20)

    verify_telnyx_signature(public(key), BODY, sign(key, BODY, stamp), stamp, now=lambda: NOW)


def test_the_fixture_webhook_verifies() -> None:
    spec = fixture_json("telnyx", "signed_webhook.json")
    body = fixture_bytes("telnyx", spec["body_file"])
    telnyx = TelnyxSMSProvider(
        TelnyxConfig(api_key="k", from_number="+1"),
        public_key=spec["public_key"],
        clock=lambda: float(spec["timestamp"]) + 10,
    )

    telnyx.verify_signature(body, spec["signature"], spec["timestamp"])
    assert telnyx.is_valid_signature(body.decode(), spec["signature"], spec["timestamp"])
    assert not telnyx.is_valid_signature(body + b" ", spec["signature"], spec["timestamp"])


NOW_STAMP = str(int(NOW))
KEY = SigningKey.generate()
OTHER_KEY = SigningKey.generate()
GOOD = sign(KEY, BODY, NOW_STAMP)
STALE = str(int(NOW) - 301)
FUTURE = str(int(NOW) + 301)

FORGERIES = {
    "missing signature": (BODY, None, NOW_STAMP),
    "empty signature": (BODY, "  ", NOW_STAMP),
    "missing timestamp": (BODY, GOOD, None),
    "stale timestamp": (BODY, sign(KEY, BODY, STALE), STALE),
    "future timestamp": (BODY, sign(KEY, BODY, FUTURE), FUTURE),
    "timestamp not a number": (BODY, sign(KEY, BODY, "yesterday"), "yesterday"),
    "timestamp changed after signing": (BODY, GOOD, str(int(NOW) - 1)),
    "body tampered": (BODY + b"x", GOOD, NOW_STAMP),
    "signed by another key": (BODY, sign(OTHER_KEY, BODY, NOW_STAMP), NOW_STAMP),
    "signature not base64": (BODY, "***", NOW_STAMP),
    "signature too short": (BODY, base64.b64encode(b"short").decode(), NOW_STAMP),
}


@pytest.mark.parametrize(("body", "signature", "stamp"), FORGERIES.values(), ids=FORGERIES)
def test_forged_stale_or_missing_signatures_are_refused(
    body: bytes, signature: str | None, stamp: str | None
) -> None:
    verifier = TelnyxSignatureVerifier(public(KEY), now=lambda: NOW)

    verifier.verify(BODY, GOOD, NOW_STAMP)
    with pytest.raises(InvalidSignatureError):
        verifier.verify(body, signature, stamp)


def test_the_tolerance_is_configurable() -> None:
    key = SigningKey.generate()
    stamp = str(int(NOW) - 600)
    signature = sign(key, BODY, stamp)

    TelnyxSignatureVerifier(public(key), tolerance_seconds=900, now=lambda: NOW).verify(
        BODY, signature, stamp
    )
    with pytest.raises(InvalidSignatureError, match="window"):
        TelnyxSignatureVerifier(public(key), now=lambda: NOW).verify(BODY, signature, stamp)


@pytest.mark.parametrize("key", ["not base64!", base64.b64encode(b"short").decode()])
def test_a_bad_public_key_is_a_configuration_error(key: str) -> None:
    with pytest.raises(ConfigurationError, match="public key"):
        TelnyxSignatureVerifier(key)


def test_verifying_without_a_public_key_is_a_configuration_error() -> None:
    telnyx = TelnyxSMSProvider(TelnyxConfig(api_key="k", from_number="+1"))

    with pytest.raises(ConfigurationError, match="public_key"):
        telnyx.verify_signature(BODY, "sig", "1")
