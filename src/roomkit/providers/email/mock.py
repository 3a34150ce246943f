"""An in-memory email provider for tests: records every send, sends nothing."""

from __future__ import annotations

from typing import Any, Unpack

from roomkit.models.delivery import ProviderResult
from roomkit.models.event import RoomEvent
from roomkit.providers._mock import MockFailure, MockSendRecorder
from roomkit.providers.email.base import EmailProvider

__all__ = ["MockEmailProvider"]


class MockEmailProvider(MockSendRecorder, EmailProvider):
    """Records email sends in ``calls`` (the subject in ``options``); can be told to fail."""

    message_id_prefix = "mock-email"

    def __init__(
        self, from_address: str | None = "noreply@example.com", **failure: Unpack[MockFailure]
    ) -> None:
        super().__init__(**failure)
        self._from_address = from_address

    @property
    def from_address(self) -> str | None:
        """The sender address recorded when a send names none."""
        return self._from_address

    async def send(
        self,
        event: RoomEvent,
        to: str,
        from_: str | None = None,
        subject: str | None = None,
        **options: Any,
    ) -> ProviderResult:
        """Record the send and answer a fake message id."""
        if subject is not None:
            options["subject"] = subject
        return self._record(event, to, from_=from_ or self._from_address, options=options)
