"""The signature RoomKit puts on the webhooks it posts, and checks on those it receives.

With a shared secret, a post carries ``X-RoomKit-Timestamp: <Unix seconds>`` and
``X-RoomKit-Signature: sha256=<hex>``, the hex HMAC-SHA256 under the secret of
``<timestamp>.<raw body>`` (the timestamp, a dot, then the body bytes exactly as sent).
Signing the timestamp with the body lets a receiver refuse replays of old posts.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from pydantic import SecretStr

from roomkit.providers._signing import check_fresh, hmac_digest, require_header, require_hmac

__all__ = [
    "HTTP_SIGNATURE_HEADER",
    "HTTP_TIMESTAMP_HEADER",
    "sign_http_body",
    "signed_headers",
    "verify_http_signature",
]

HTTP_SIGNATURE_HEADER = "X-RoomKit-Signature"
HTTP_TIMESTAMP_HEADER = "X-RoomKit-Timestamp"


def _secret(secret: SecretStr | str) -> str:
    return secret.get_secret_value() if isinstance(secret, SecretStr) else secret


def sign_http_body(secret: SecretStr | str, body: bytes, timestamp: str) -> str:
    """Return the ``sha256=<hex>`` signature of ``body`` sent at ``timestamp``."""
    return "sha256=" + hmac_digest(_secret(secret), timestamp.encode() + b"." + body).hex()


def signed_headers(
    secret: SecretStr | str, body: bytes, *, now: Callable[[], float] = time.time
) -> dict[str, str]:
    """Return the timestamp and signature headers for posting ``body`` now."""
    timestamp = str(int(now()))
    return {
        HTTP_TIMESTAMP_HEADER: timestamp,
        HTTP_SIGNATURE_HEADER: sign_http_body(secret, body, timestamp),
    }


def verify_http_signature(
    secret: SecretStr | str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    tolerance_seconds: float = 300.0,
    now: Callable[[], float] = time.time,
) -> None:
    """Refuse a post whose signature is missing, wrong, or whose timestamp is stale."""
    lowered = {k.lower(): v for k, v in headers.items()}
    timestamp = require_header(lowered.get(HTTP_TIMESTAMP_HEADER.lower()), HTTP_TIMESTAMP_HEADER)
    check_fresh(timestamp, tolerance_seconds, now=now)
    require_hmac(
        _secret(secret),
        timestamp.encode() + b"." + body,
        lowered.get(HTTP_SIGNATURE_HEADER.lower()),
        prefix="sha256=",
        header=HTTP_SIGNATURE_HEADER,
    )
