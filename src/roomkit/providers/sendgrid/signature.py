"""Checking SendGrid's signed Event Webhook (ECDSA P-256 with SHA-256).

SendGrid signs ``timestamp + raw body`` with the account's private key and sends the
base64 DER signature in ``X-Twilio-Email-Event-Webhook-Signature`` and the timestamp in
``X-Twilio-Email-Event-Webhook-Timestamp``. The verification key is the base64 public
key shown in SendGrid's mail settings (a PEM block is accepted too).

This module needs the ``cryptography`` package, imported when the module is.
"""

from __future__ import annotations

import base64
import binascii
import time
from collections.abc import Callable

from roomkit.errors import ConfigurationError, InvalidSignatureError
from roomkit.providers._signing import check_fresh, require_header

try:
    from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
except ImportError as exc:  # pragma: no cover - exercised only without cryptography
    raise ImportError(
        "Checking SendGrid webhook signatures needs cryptography; "
        "install it with: pip install cryptography"
    ) from exc

__all__ = ["SENDGRID_SIGNATURE_HEADER", "SENDGRID_TIMESTAMP_HEADER", "verify_sendgrid_signature"]

SENDGRID_SIGNATURE_HEADER = "X-Twilio-Email-Event-Webhook-Signature"
SENDGRID_TIMESTAMP_HEADER = "X-Twilio-Email-Event-Webhook-Timestamp"


def _load_key(public_key: str) -> ec.EllipticCurvePublicKey:
    text = public_key.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_public_key(text.encode())
        else:
            key = serialization.load_der_public_key(base64.b64decode(text, validate=True))
    except (ValueError, binascii.Error, UnsupportedAlgorithm):
        raise ConfigurationError("the SendGrid verification key is not a public key") from None
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise ConfigurationError("the SendGrid verification key is not an ECDSA key")
    return key


def verify_sendgrid_signature(
    public_key: str,
    raw_body: bytes,
    signature: str | None,
    timestamp: str | None,
    *,
    tolerance_seconds: float | None = 600.0,
    now: Callable[[], float] = time.time,
) -> None:
    """Refuse an Event Webhook post whose signature or timestamp does not check out.

    ``tolerance_seconds=None`` skips the freshness check (replays are then possible).
    """
    given = require_header(signature, SENDGRID_SIGNATURE_HEADER)
    stamp = require_header(timestamp, SENDGRID_TIMESTAMP_HEADER)
    if tolerance_seconds is not None:
        check_fresh(stamp, tolerance_seconds, now=now)
    key = _load_key(public_key)
    try:
        der = base64.b64decode(given, validate=True)
    except (ValueError, binascii.Error):
        raise InvalidSignatureError(f"{SENDGRID_SIGNATURE_HEADER} is not valid base64") from None
    try:
        key.verify(der, stamp.encode() + raw_body, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise InvalidSignatureError(
            f"{SENDGRID_SIGNATURE_HEADER} does not match the payload"
        ) from None
