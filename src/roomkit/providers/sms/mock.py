"""An in-memory SMS provider for tests: records every send, sends nothing."""

from __future__ import annotations

from typing import Any, Unpack

from roomkit.models.delivery import ProviderResult
from roomkit.models.event import RoomEvent
from roomkit.providers._mock import MockFailure, MockSendRecorder
from roomkit.providers.sms.base import SMSProvider

__all__ = ["MockSMSProvider"]


class MockSMSProvider(MockSendRecorder, SMSProvider):
    """Records SMS sends in ``calls``; can be told to fail (see :class:`MockFailure`)."""

    message_id_prefix = "mock-sms"

    def __init__(
        self, from_number: str | None = "+15550000000", **failure: Unpack[MockFailure]
    ) -> None:
        super().__init__(**failure)
        self._from_number = from_number

    @property
    def from_number(self) -> str | None:
        """The sender number recorded when a send names none."""
        return self._from_number

    async def send(
        self, event: RoomEvent, to: str, from_: str | None = None, **options: Any
    ) -> ProviderResult:
        """Record the send and answer a fake message id."""
        return self._record(event, to, from_=from_ or self._from_number, options=options)
