"""Fuzzing the webhook signature verifiers with arbitrary bodies, headers and URLs.

Every verifier either accepts (returns) or raises
:class:`~roomkit.errors.InvalidSignatureError`; nothing else escapes. Starting from a
genuinely signed request, any change to the signed bytes is refused, and a signature
over a stale or non-numeric timestamp is refused too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import parse_qsl

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import given
from hypothesis import strategies as st

from roomkit.errors import InvalidSignatureError
from roomkit.providers.http.signature import (
    HTTP_SIGNATURE_HEADER,
    HTTP_TIMESTAMP_HEADER,
    sign_http_body,
    verify_http_signature,
)
from roomkit.providers.messenger.webhook import (
    verify_messenger_challenge,
    verify_messenger_signature,
)
from roomkit.providers.sendgrid.signature import verify_sendgrid_signature
from roomkit.providers.sinch.webhook import verify_sinch_signature
from roomkit.providers.telnyx.signature import verify_telnyx_signature
from roomkit.providers.twilio.webhook import verify_twilio_signature
from roomkit.providers.whatsapp.webhook import verify_whatsapp_signature
from tests.providers.fuzz_support import (
    FIXTURES,
    FUZZ_SETTINGS,
    ODD_TEXTS,
    expect_typed,
    header_values,
    json_values,
    load_json,
)

REFUSED = (InvalidSignatureError,)
TWILIO = load_json("twilio", "signed_request.json")
TWILIO_BODY = (FIXTURES / "twilio" / TWILIO["body_file"]).read_bytes().strip()
SINCH = load_json("sinch", "signed_callback.json")
SINCH_BODY = (FIXTURES / "sinch" / SINCH["body_file"]).read_bytes()
TELNYX = load_json("telnyx", "signed_webhook.json")
TELNYX_BODY = (FIXTURES / "telnyx" / TELNYX["body_file"]).read_bytes()
SENDGRID_KEY = ec.generate_private_key(ec.SECP256R1())
SENDGRID_PUBLIC = base64.b64encode(
    SENDGRID_KEY.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
).decode()
SECRET = "fuzz-app-secret"
NOW = 1_718_033_931.0
TOLERANCE = 300.0

bodies = st.binary(max_size=300)
timestamps = (
    st.none()
    | st.sampled_from(ODD_TEXTS)
    | st.sampled_from(
        ["nan", "NaN", "-nan", "inf", "-inf", "1e400", " 1718033931 ", "1_718_033_931"]
    )
    | st.floats(allow_nan=True, allow_infinity=True).map(repr)
    | st.integers(min_value=-(2**64), max_value=2**64).map(str)
    | st.text(max_size=20)
)


def _flip(body: bytes, index: int) -> bytes:
    """``body`` with one byte changed (or one byte added to an empty body)."""
    if not body:
        return b"x"
    i = index % len(body)
    return body[:i] + bytes([body[i] ^ 0x01]) + body[i + 1 :]


def _fresh(timestamp: str) -> bool:
    try:
        sent = float(timestamp)
    except ValueError:
        return False
    return math.isfinite(sent) and abs(NOW - sent) <= TOLERANCE


def _was_accepted(call: Callable[[], None]) -> bool:
    """Run a verifier: True if it accepts, False on InvalidSignatureError (others escape)."""
    try:
        call()
    except InvalidSignatureError:
        return False
    return True


def test_the_signed_fixtures_verify() -> None:
    # The tampering properties below start from requests that really verify.
    verify_twilio_signature(TWILIO["auth_token"], TWILIO["url"], TWILIO_BODY, TWILIO["signature"])
    verify_sinch_signature(
        SINCH["secret"],
        SINCH_BODY,
        SINCH["signature"],
        SINCH["nonce"],
        SINCH["timestamp"],
        now=lambda: float(SINCH["timestamp"]),
    )
    verify_telnyx_signature(
        TELNYX["public_key"],
        TELNYX_BODY,
        TELNYX["signature"],
        TELNYX["timestamp"],
        now=lambda: float(TELNYX["timestamp"]),
    )


form_params = st.dictionaries(
    st.text(max_size=10), st.text(max_size=20) | st.lists(st.text(max_size=10), max_size=3)
)
urls = (
    st.just(TWILIO["url"])
    | st.text(max_size=60)
    | st.builds(
        lambda scheme, host, port, rest: f"{scheme}://{host}{port}/{rest}",
        st.sampled_from(["http", "https", "ftp", ""]),
        st.sampled_from(["example.com", "[::1]", "[", "a:b:c", "", "ex ample.com"]),
        st.sampled_from(["", ":443", ":0", ":99999", ":abc", ":", ":-1"]),
        st.text(max_size=30),
    )
)


@FUZZ_SETTINGS
@given(
    url=urls,
    payload=st.none() | bodies | st.text(max_size=200) | form_params,
    signature=header_values(),
    algorithm=st.sampled_from(["HMAC_SHA1", "HMAC_SHA256"]),
)
def test_twilio_verifier_only_refuses(
    url: str, payload: Any, signature: str | None, algorithm: str
) -> None:
    expect_typed(
        lambda: verify_twilio_signature(
            TWILIO["auth_token"], url, payload, signature, algorithm=algorithm
        ),
        type(None),
        REFUSED,
    )


@FUZZ_SETTINGS
@given(index=st.integers(min_value=0))
def test_twilio_verifier_refuses_any_changed_body(index: int) -> None:
    tampered = _flip(TWILIO_BODY, index)
    try:
        verify_twilio_signature(TWILIO["auth_token"], TWILIO["url"], tampered, TWILIO["signature"])
    except InvalidSignatureError:
        return
    # Only a change that decodes to the very same parameters may pass ("+" and "%20").
    assert _form(tampered) == _form(TWILIO_BODY), "a changed body was accepted"


def _form(body: bytes) -> list[tuple[str, str]]:
    return sorted(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


@FUZZ_SETTINGS
@given(body=bodies, signature=header_values(), nonce=header_values(), timestamp=timestamps)
def test_sinch_verifier_only_refuses(
    body: bytes, signature: str | None, nonce: str | None, timestamp: str | None
) -> None:
    expect_typed(
        lambda: verify_sinch_signature(
            SINCH["secret"], body, signature, nonce, timestamp, now=lambda: NOW
        ),
        type(None),
        REFUSED,
    )


@FUZZ_SETTINGS
@given(body=bodies, signature=header_values(), timestamp=timestamps)
def test_telnyx_verifier_only_refuses(
    body: bytes, signature: str | None, timestamp: str | None
) -> None:
    expect_typed(
        lambda: verify_telnyx_signature(
            TELNYX["public_key"], body, signature, timestamp, now=lambda: NOW
        ),
        type(None),
        REFUSED,
    )


@FUZZ_SETTINGS
@given(index=st.integers(min_value=0), which=st.sampled_from(["sinch", "telnyx"]))
def test_sinch_and_telnyx_refuse_any_changed_body(index: int, which: str) -> None:
    call: Callable[[], None]
    if which == "sinch":
        call = partial(
            verify_sinch_signature,
            SINCH["secret"],
            _flip(SINCH_BODY, index),
            SINCH["signature"],
            SINCH["nonce"],
            SINCH["timestamp"],
            now=lambda: float(SINCH["timestamp"]),
        )
    else:
        call = partial(
            verify_telnyx_signature,
            TELNYX["public_key"],
            _flip(TELNYX_BODY, index),
            TELNYX["signature"],
            TELNYX["timestamp"],
            now=lambda: float(TELNYX["timestamp"]),
        )
    assert not _was_accepted(call), "a changed body was accepted"


@FUZZ_SETTINGS
@given(body=bodies, signature=header_values(), timestamp=timestamps, sign=st.booleans())
def test_sendgrid_verifier_only_refuses(
    body: bytes, signature: str | None, timestamp: str | None, sign: bool
) -> None:
    if sign and timestamp is not None:
        der = SENDGRID_KEY.sign(timestamp.encode() + body, ec.ECDSA(hashes.SHA256()))
        signature = base64.b64encode(der).decode()
    accepted = _was_accepted(
        lambda: verify_sendgrid_signature(
            SENDGRID_PUBLIC,
            body,
            signature,
            timestamp,
            tolerance_seconds=TOLERANCE,
            now=lambda: NOW,
        )
    )
    if accepted:
        assert timestamp is not None and _fresh(timestamp.strip())


@FUZZ_SETTINGS
@given(body=bodies, signature=header_values(), sign=st.booleans())
def test_meta_verifiers_only_refuse(body: bytes, signature: str | None, sign: bool) -> None:
    if sign:
        signature = "sha256=" + _hub(body)
    for verify in (verify_messenger_signature, verify_whatsapp_signature):
        accepted = _was_accepted(partial(verify, SECRET, body, signature))
        assert accepted == (signature == "sha256=" + _hub(body))


def _hub(body: bytes) -> str:
    return hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()


@FUZZ_SETTINGS
@given(
    params=st.dictionaries(
        st.sampled_from(["hub.mode", "hub.verify_token", "hub.challenge"]) | st.text(max_size=8),
        json_values() | st.lists(st.text(max_size=10), max_size=2).map(tuple),
    ),
    token=st.text(max_size=20),
)
def test_challenge_only_refuses(params: dict[str, Any], token: str) -> None:
    challenge = expect_typed(lambda: verify_messenger_challenge(params, token), str, REFUSED)
    if challenge is not None:
        assert challenge


@FUZZ_SETTINGS
@given(
    body=bodies,
    headers=st.dictionaries(
        st.sampled_from([HTTP_SIGNATURE_HEADER, HTTP_TIMESTAMP_HEADER.lower()])
        | st.text(max_size=12),
        st.text(max_size=80) | st.sampled_from(ODD_TEXTS),
    ),
    timestamp=timestamps,
    sign=st.booleans(),
)
def test_http_verifier_only_refuses_and_checks_freshness(
    body: bytes, headers: dict[str, str], timestamp: str | None, sign: bool
) -> None:
    if sign and timestamp is not None:
        headers = {
            HTTP_TIMESTAMP_HEADER: timestamp,
            HTTP_SIGNATURE_HEADER: sign_http_body(SECRET, body, timestamp.strip()),
        }
    accepted = _was_accepted(
        lambda: verify_http_signature(
            SECRET, body, headers, tolerance_seconds=TOLERANCE, now=lambda: NOW
        )
    )
    if accepted:
        stamp = {k.lower(): v for k, v in headers.items()}[HTTP_TIMESTAMP_HEADER.lower()]
        assert _fresh(stamp.strip())
