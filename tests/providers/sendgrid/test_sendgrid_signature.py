"""SendGrid's signed Event Webhook: ECDSA P-256 / SHA-256 over timestamp + body."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from roomkit.errors import ConfigurationError, InvalidSignatureError
from roomkit.providers.sendgrid.signature import verify_sendgrid_signature
from tests.providers.transport_recorder import fixture_bytes

BODY = fixture_bytes("sendgrid", "events.json")
NOW = 1_714_645_000.0
STAMP = str(int(NOW))
PRIVATE = ec.generate_private_key(ec.SECP256R1())
PUBLIC_DER = base64.b64encode(
    PRIVATE.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
).decode()


def sign(payload: bytes, timestamp: str = STAMP) -> str:
    der = PRIVATE.sign(timestamp.encode() + payload, ec.ECDSA(hashes.SHA256()))
    return base64.b64encode(der).decode()


def clock() -> float:
    return NOW


def test_a_valid_signature_is_accepted() -> None:
    verify_sendgrid_signature(PUBLIC_DER, BODY, sign(BODY), STAMP, now=clock)


def test_a_pem_key_is_accepted_too() -> None:
    pem = PRIVATE.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )

    verify_sendgrid_signature(pem.decode(), BODY, sign(BODY), STAMP, now=clock)


def test_freshness_can_be_switched_off() -> None:
    old = "1000"

    verify_sendgrid_signature(PUBLIC_DER, BODY, sign(BODY, old), old, tolerance_seconds=None)


@pytest.mark.parametrize(
    ("body", "signature", "timestamp", "message"),
    [
        (BODY, None, STAMP, "missing"),
        (BODY, sign(BODY), None, "missing"),
        (BODY + b" ", sign(BODY), STAMP, "does not match"),
        (BODY, sign(BODY, "1714644999"), STAMP, "does not match"),
        (BODY, "%%%", STAMP, "not valid base64"),
        (BODY, base64.b64encode(b"not der").decode(), STAMP, "does not match"),
        (BODY, sign(BODY, "1714640000"), "1714640000", "outside the allowed window"),
        (BODY, sign(BODY), "soon", "not a number"),
    ],
)
def test_bad_signatures_are_refused(
    body: bytes, signature: str | None, timestamp: str | None, message: str
) -> None:
    with pytest.raises(InvalidSignatureError, match=message):
        verify_sendgrid_signature(PUBLIC_DER, body, signature, timestamp, now=clock)


@pytest.mark.parametrize(
    "key",
    [
        "not base64 !",
        base64.b64encode(b"garbage").decode(),
        base64.b64encode(
            ed25519.Ed25519PrivateKey.generate()
            .public_key()
            .public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        ).decode(),
    ],
)
def test_a_key_that_is_not_an_ecdsa_public_key_is_a_configuration_error(key: str) -> None:
    with pytest.raises(ConfigurationError):
        verify_sendgrid_signature(key, BODY, sign(BODY), STAMP, now=clock)
