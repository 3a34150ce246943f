"""An in-memory HTTP webhook provider for tests: records every send, sends nothing."""

from __future__ import annotations

from typing import Any

from roomkit.models.delivery import ProviderResult
from roomkit.models.event import RoomEvent
from roomkit.providers._mock import MockSendRecorder
from roomkit.providers.http.base import HTTPProvider

__all__ = ["MockHTTPProvider"]


class MockHTTPProvider(MockSendRecorder, HTTPProvider):
    """Records HTTP webhook sends in ``calls``; can be told to fail (see :class:`MockFailure`)."""

    message_id_prefix = "mock-http"

    async def send(self, event: RoomEvent, to: str, **options: Any) -> ProviderResult:
        """Record the send and answer a fake message id."""
        return self._record(event, to, options=options)
