"""The WhatsAppProvider contract every WhatsApp vendor implements."""

from __future__ import annotations

from roomkit.providers.base import TransportProvider

__all__ = ["WhatsAppProvider"]


class WhatsAppProvider(TransportProvider):
    """A vendor sending room events to WhatsApp users, addressed by phone number."""
