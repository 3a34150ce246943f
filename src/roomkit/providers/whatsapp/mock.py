"""An in-memory WhatsApp provider for tests: records every send, sends nothing."""

from __future__ import annotations

from typing import Any

from roomkit.models.delivery import ProviderResult
from roomkit.models.event import RoomEvent
from roomkit.providers._mock import MockSendRecorder
from roomkit.providers.whatsapp.base import WhatsAppProvider

__all__ = ["MockWhatsAppProvider"]


class MockWhatsAppProvider(MockSendRecorder, WhatsAppProvider):
    """Records WhatsApp sends in ``calls``; can be told to fail (see :class:`MockFailure`)."""

    message_id_prefix = "mock-whatsapp"

    async def send(self, event: RoomEvent, to: str, **options: Any) -> ProviderResult:
        """Record the send and answer a fake message id."""
        return self._record(event, to, options=options)
