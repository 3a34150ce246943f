"""Webhook signature primitives shared by every vendor module.

Vendors differ in what they sign and how they encode it; the comparisons and the
freshness check are the same everywhere and live here, so each vendor's ``webhook.py``
only assembles the signed bytes. Every check raises
:class:`~roomkit.errors.InvalidSignatureError` (never returns False) so a refusal cannot
be ignored by accident, and no message includes the secret or the expected signature.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import math
import time
from collections.abc import Callable

from roomkit.errors import InvalidSignatureError

__all__ = [
    "check_fresh",
    "hmac_digest",
    "require_hmac",
    "require_header",
]

_ALGORITHMS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha512": hashlib.sha512}


def hmac_digest(secret: str | bytes, payload: bytes, algorithm: str = "sha256") -> bytes:
    """Return the raw HMAC of ``payload`` under ``secret``."""
    key = secret.encode() if isinstance(secret, str) else secret
    try:
        digest = _ALGORITHMS[algorithm]
    except KeyError:
        raise ValueError(f"unsupported HMAC algorithm {algorithm!r}") from None
    return hmac.new(key, payload, digest).digest()


def require_header(value: str | None, name: str) -> str:
    """Return a signature header's value, refusing a missing or empty one."""
    if not value or not value.strip():
        raise InvalidSignatureError(f"missing {name} signature header")
    return value.strip()


def require_hmac(
    secret: str | bytes,
    payload: bytes,
    signature: str | None,
    *,
    algorithm: str = "sha256",
    encoding: str = "hex",
    prefix: str = "",
    header: str = "signature",
) -> None:
    """Refuse unless ``signature`` is the HMAC of ``payload`` (hex or base64, after ``prefix``)."""
    given = require_header(signature, header)
    if prefix:
        if not given.startswith(prefix):
            raise InvalidSignatureError(f"{header} does not start with {prefix!r}")
        given = given[len(prefix) :]
    expected = hmac_digest(secret, payload, algorithm)
    try:
        provided = _decode(given, encoding)
    except (ValueError, binascii.Error):
        raise InvalidSignatureError(f"{header} is not valid {encoding}") from None
    if not hmac.compare_digest(expected, provided):
        raise InvalidSignatureError(f"{header} does not match the payload")


def _decode(value: str, encoding: str) -> bytes:
    if encoding == "hex":
        return bytes.fromhex(value)
    if encoding == "base64":
        return base64.b64decode(value, validate=True)
    raise ValueError(f"unsupported signature encoding {encoding!r}")


def check_fresh(
    timestamp: str | int | float | None,
    tolerance_seconds: float,
    *,
    now: Callable[[], float] = time.time,
) -> float:
    """Refuse a signed timestamp (Unix seconds) older or newer than the tolerance."""
    if timestamp is None or timestamp == "":
        raise InvalidSignatureError("missing signature timestamp")
    try:
        sent = float(timestamp)
    except (TypeError, ValueError):
        raise InvalidSignatureError("signature timestamp is not a number") from None
    if not math.isfinite(sent) or abs(now() - sent) > tolerance_seconds:
        raise InvalidSignatureError("signature timestamp is outside the allowed window")
    return sent
