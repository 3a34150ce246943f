"""Twilio: SMS/MMS and RCS providers, their configs, webhook parsing and signatures.

The providers need httpx and are imported on first access, so webhook parsing works
without it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from roomkit.providers.twilio.config import (
    TWILIO_API_URL,
    TWILIO_CONTENT_URL,
    TwilioConfig,
    TwilioRCSConfig,
)
from roomkit.providers.twilio.webhook import (
    TWILIO_SIGNATURE_HEADER,
    compute_twilio_signature,
    parse_twilio_rcs_webhook,
    parse_twilio_webhook,
    twilio_webhook_meta,
    verify_twilio_signature,
)

if TYPE_CHECKING:
    from roomkit.providers.twilio.content import TwilioContentBuilder, twilio_content_types
    from roomkit.providers.twilio.rcs import TwilioRCSProvider
    from roomkit.providers.twilio.sms import TwilioSMSProvider

__all__ = [
    "TWILIO_API_URL",
    "TWILIO_CONTENT_URL",
    "TWILIO_SIGNATURE_HEADER",
    "TwilioConfig",
    "TwilioContentBuilder",
    "TwilioRCSConfig",
    "TwilioRCSProvider",
    "TwilioSMSProvider",
    "compute_twilio_signature",
    "parse_twilio_rcs_webhook",
    "parse_twilio_webhook",
    "twilio_content_types",
    "twilio_webhook_meta",
    "verify_twilio_signature",
]

_LAZY = {
    "TwilioContentBuilder": "roomkit.providers.twilio.content",
    "twilio_content_types": "roomkit.providers.twilio.content",
    "TwilioRCSProvider": "roomkit.providers.twilio.rcs",
    "TwilioSMSProvider": "roomkit.providers.twilio.sms",
}


def __getattr__(name: str) -> Any:
    """Import an httpx-backed name on first access."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
