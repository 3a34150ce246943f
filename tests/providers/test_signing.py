"""The shared webhook-signature primitives."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from roomkit.errors import InvalidSignatureError
from roomkit.providers._signing import check_fresh, hmac_digest, require_header, require_hmac

SECRET = "s3cret"
BODY = b'{"hello": "world"}'


def _hex(algorithm: str = "sha256") -> str:
    return hmac.new(SECRET.encode(), BODY, getattr(hashlib, algorithm)).hexdigest()


def test_valid_hex_signature_with_prefix_is_accepted() -> None:
    require_hmac(SECRET, BODY, "sha256=" + _hex(), prefix="sha256=")


def test_valid_base64_sha1_signature_is_accepted() -> None:
    signature = base64.b64encode(hmac_digest(SECRET, BODY, "sha1")).decode()
    require_hmac(SECRET, BODY, signature, algorithm="sha1", encoding="base64")


@pytest.mark.parametrize(
    ("signature", "message"),
    [
        (None, "missing"),
        ("   ", "missing"),
        ("sha1=" + "00" * 32, "does not start"),
        ("sha256=zz", "not valid hex"),
        ("sha256=" + "00" * 32, "does not match"),
    ],
)
def test_bad_signatures_are_refused(signature: str | None, message: str) -> None:
    with pytest.raises(InvalidSignatureError, match=message):
        require_hmac(SECRET, BODY, signature, prefix="sha256=")


def test_signature_of_another_body_is_refused() -> None:
    with pytest.raises(InvalidSignatureError):
        require_hmac(SECRET, BODY + b" ", _hex())


def test_refusal_never_shows_the_secret_or_expected_value() -> None:
    with pytest.raises(InvalidSignatureError) as info:
        require_hmac(SECRET, BODY, "00" * 32)
    assert SECRET not in str(info.value) and _hex() not in str(info.value)


def test_bad_base64_and_unknown_settings() -> None:
    with pytest.raises(InvalidSignatureError, match="not valid base64"):
        require_hmac(SECRET, BODY, "***", encoding="base64")
    with pytest.raises(InvalidSignatureError):
        require_hmac(SECRET, BODY, "abc", encoding="rot13")
    with pytest.raises(ValueError, match="unsupported HMAC"):
        hmac_digest(SECRET, BODY, "md5")


def test_header_helper_strips_and_refuses_empty() -> None:
    assert require_header(" v1 ", "X-Sig") == "v1"
    with pytest.raises(InvalidSignatureError, match="X-Sig"):
        require_header("", "X-Sig")


def test_freshness_window() -> None:
    assert check_fresh("1000", 300, now=lambda: 1200.0) == 1000.0
    with pytest.raises(InvalidSignatureError, match="outside"):
        check_fresh(1000, 300, now=lambda: 1301.0)
    with pytest.raises(InvalidSignatureError, match="outside"):
        check_fresh(2000, 300, now=lambda: 1000.0)
    with pytest.raises(InvalidSignatureError, match="missing"):
        check_fresh(None, 300)
    with pytest.raises(InvalidSignatureError, match="not a number"):
        check_fresh("soon", 300)
