"""Telnyx: SMS/MMS and RCS providers, their configs, webhook parsing and signatures.

The providers need httpx and the signature checks need pynacl; both are imported on
first access, so webhook parsing works without either.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from roomkit.providers.telnyx.config import TELNYX_API_URL, TelnyxConfig, TelnyxRCSConfig
from roomkit.providers.telnyx.webhook import (
    parse_telnyx_rcs_webhook,
    parse_telnyx_webhook,
    telnyx_webhook_meta,
)

if TYPE_CHECKING:
    from roomkit.providers.telnyx.rcs import TelnyxRCSProvider, telnyx_content_message
    from roomkit.providers.telnyx.signature import (
        TELNYX_SIGNATURE_HEADER,
        TELNYX_TIMESTAMP_HEADER,
        TelnyxSignatureVerifier,
        verify_telnyx_signature,
    )
    from roomkit.providers.telnyx.sms import TelnyxSMSProvider

__all__ = [
    "TELNYX_API_URL",
    "TELNYX_SIGNATURE_HEADER",
    "TELNYX_TIMESTAMP_HEADER",
    "TelnyxConfig",
    "TelnyxRCSConfig",
    "TelnyxRCSProvider",
    "TelnyxSMSProvider",
    "TelnyxSignatureVerifier",
    "parse_telnyx_rcs_webhook",
    "parse_telnyx_webhook",
    "telnyx_content_message",
    "telnyx_webhook_meta",
    "verify_telnyx_signature",
]

_SIGNATURE = "roomkit.providers.telnyx.signature"
_LAZY = {
    "TELNYX_SIGNATURE_HEADER": _SIGNATURE,
    "TELNYX_TIMESTAMP_HEADER": _SIGNATURE,
    "TelnyxSignatureVerifier": _SIGNATURE,
    "verify_telnyx_signature": _SIGNATURE,
    "TelnyxRCSProvider": "roomkit.providers.telnyx.rcs",
    "telnyx_content_message": "roomkit.providers.telnyx.rcs",
    "TelnyxSMSProvider": "roomkit.providers.telnyx.sms",
}


def __getattr__(name: str) -> Any:
    """Import an httpx- or pynacl-backed name on first access."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
