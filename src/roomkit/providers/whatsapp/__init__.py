"""WhatsApp providers: the contract, the Cloud API provider, webhooks and a mock.

``WhatsAppCloudProvider`` needs httpx and is imported on first access, so importing
this package works without the ``httpx`` extra.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from roomkit.providers.whatsapp.base import WhatsAppProvider
from roomkit.providers.whatsapp.config import WhatsAppCloudConfig
from roomkit.providers.whatsapp.mock import MockWhatsAppProvider
from roomkit.providers.whatsapp.webhook import (
    MEDIA_URI_PREFIX,
    parse_whatsapp_webhook,
    verify_whatsapp_challenge,
    verify_whatsapp_signature,
)

if TYPE_CHECKING:
    from roomkit.providers.whatsapp.cloud import WhatsAppCloudProvider

__all__ = [
    "MEDIA_URI_PREFIX",
    "MockWhatsAppProvider",
    "WhatsAppCloudConfig",
    "WhatsAppCloudProvider",
    "WhatsAppProvider",
    "parse_whatsapp_webhook",
    "verify_whatsapp_challenge",
    "verify_whatsapp_signature",
]


def __getattr__(name: str) -> Any:
    """Import the httpx-based provider on first access."""
    if name == "WhatsAppCloudProvider":
        from roomkit.providers.whatsapp.cloud import WhatsAppCloudProvider

        return WhatsAppCloudProvider
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
