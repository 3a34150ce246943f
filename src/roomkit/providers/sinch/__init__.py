"""Sinch: the SMS/MMS provider, its config, callback parsing and signatures.

The provider needs httpx and is imported on first access, so callback parsing works
without it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from roomkit.providers.sinch.config import SinchConfig
from roomkit.providers.sinch.webhook import (
    SINCH_NONCE_HEADER,
    SINCH_SIGNATURE_HEADER,
    SINCH_TIMESTAMP_HEADER,
    parse_sinch_webhook,
    sinch_signed_bytes,
    sinch_webhook_meta,
    verify_sinch_signature,
)

if TYPE_CHECKING:
    from roomkit.providers.sinch.sms import SinchSMSProvider

__all__ = [
    "SINCH_NONCE_HEADER",
    "SINCH_SIGNATURE_HEADER",
    "SINCH_TIMESTAMP_HEADER",
    "SinchConfig",
    "SinchSMSProvider",
    "parse_sinch_webhook",
    "sinch_signed_bytes",
    "sinch_webhook_meta",
    "verify_sinch_signature",
]


def __getattr__(name: str) -> Any:
    """Import the httpx-backed provider on first access."""
    if name == "SinchSMSProvider":
        return importlib.import_module("roomkit.providers.sinch.sms").SinchSMSProvider
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
