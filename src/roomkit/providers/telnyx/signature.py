"""Telnyx webhook signatures: Ed25519 over ``"{timestamp}|{raw body}"`` (needs pynacl).

Telnyx sends the base64 signature in ``telnyx-signature-ed25519`` and the Unix time it
signed in ``telnyx-timestamp``. The signed bytes are the timestamp, a ``|`` and the
raw request body exactly as received. The public key is the base64 key shown in the
Telnyx portal.
"""

from __future__ import annotations

import base64
import binascii
import time
from collections.abc import Callable

from roomkit.errors import ConfigurationError, InvalidSignatureError
from roomkit.providers._signing import check_fresh, require_header

try:
    from nacl.exceptions import BadSignatureError, CryptoError
    from nacl.signing import VerifyKey
except ImportError as exc:  # pragma: no cover - exercised in the bare-install test
    raise ImportError(
        "Telnyx signature checks need pynacl; install it with: pip install 'roomkit[pynacl]'"
    ) from exc

__all__ = [
    "TELNYX_SIGNATURE_HEADER",
    "TELNYX_TIMESTAMP_HEADER",
    "TelnyxSignatureVerifier",
    "verify_telnyx_signature",
]

TELNYX_SIGNATURE_HEADER = "telnyx-signature-ed25519"
"""Header carrying the base64 Ed25519 signature."""

TELNYX_TIMESTAMP_HEADER = "telnyx-timestamp"
"""Header carrying the signed Unix timestamp."""


class TelnyxSignatureVerifier:
    """Checks Telnyx webhook signatures against one account public key."""

    def __init__(
        self,
        public_key: str,
        *,
        tolerance_seconds: float = 300.0,
        now: Callable[[], float] = time.time,
    ) -> None:
        try:
            self._key = VerifyKey(base64.b64decode(public_key, validate=True))
        except (binascii.Error, ValueError, CryptoError, TypeError):
            raise ConfigurationError("the Telnyx public key is not a base64 Ed25519 key") from None
        self.tolerance_seconds = tolerance_seconds
        self._now = now

    def verify(self, payload: bytes | str, signature: str | None, timestamp: str | None) -> None:
        """Refuse a missing, forged or stale signature (raises InvalidSignatureError)."""
        given = require_header(signature, TELNYX_SIGNATURE_HEADER)
        stamp = require_header(timestamp, TELNYX_TIMESTAMP_HEADER)
        check_fresh(stamp, self.tolerance_seconds, now=self._now)
        body = payload.encode() if isinstance(payload, str) else payload
        try:
            raw_signature = base64.b64decode(given, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidSignatureError(f"{TELNYX_SIGNATURE_HEADER} is not base64") from None
        try:
            self._key.verify(stamp.encode() + b"|" + body, raw_signature)
        except (BadSignatureError, ValueError, CryptoError):
            raise InvalidSignatureError(
                f"{TELNYX_SIGNATURE_HEADER} does not match the payload"
            ) from None


def verify_telnyx_signature(
    public_key: str,
    payload: bytes | str,
    signature: str | None,
    timestamp: str | None,
    *,
    tolerance_seconds: float = 300.0,
    now: Callable[[], float] = time.time,
) -> None:
    """Refuse a Telnyx webhook whose Ed25519 signature is missing, forged or stale."""
    verifier = TelnyxSignatureVerifier(public_key, tolerance_seconds=tolerance_seconds, now=now)
    verifier.verify(payload, signature, timestamp)
