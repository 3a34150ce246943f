"""WhatsApp providers: the WhatsAppProvider contract and an in-memory mock."""

from __future__ import annotations

from roomkit.providers.whatsapp.base import WhatsAppProvider
from roomkit.providers.whatsapp.mock import MockWhatsAppProvider

__all__ = ["MockWhatsAppProvider", "WhatsAppProvider"]
