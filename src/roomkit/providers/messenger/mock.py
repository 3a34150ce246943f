"""An in-memory Facebook Messenger provider for tests: records every send, sends nothing."""

from __future__ import annotations

from typing import Any

from roomkit.models.delivery import ProviderResult
from roomkit.models.event import RoomEvent
from roomkit.providers._mock import MockSendRecorder
from roomkit.providers.messenger.base import MessengerProvider

__all__ = ["MockMessengerProvider"]


class MockMessengerProvider(MockSendRecorder, MessengerProvider):
    """Records Messenger sends in ``calls``; can be told to fail (see :class:`MockFailure`)."""

    message_id_prefix = "mock-messenger"

    async def send(self, event: RoomEvent, to: str, **options: Any) -> ProviderResult:
        """Record the send and answer a fake message id."""
        return self._record(event, to, options=options)
