"""An in-memory RCS provider for tests: records sends and simulates SMS fallback."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Unpack

from roomkit.errors import ErrorCode
from roomkit.models.delivery import ProviderResult
from roomkit.models.event import RoomEvent
from roomkit.providers._mock import MockFailure, MockSendRecorder
from roomkit.providers.rcs.base import RCSProvider

__all__ = ["RCS_UNAVAILABLE", "MockRCSProvider"]

RCS_UNAVAILABLE = ErrorCode.RCS_UNAVAILABLE
"""Error answered when the recipient has no RCS and fallback was refused."""


class MockRCSProvider(MockSendRecorder, RCSProvider):
    """Records RCS sends in ``calls``; numbers outside ``rcs_capable`` need SMS fallback.

    ``rcs_capable=None`` means every number supports RCS.
    """

    message_id_prefix = "mock-rcs"

    def __init__(
        self, rcs_capable: Iterable[str] | None = None, **failure: Unpack[MockFailure]
    ) -> None:
        super().__init__(**failure)
        self.rcs_capable: set[str] | None = None if rcs_capable is None else set(rcs_capable)
        self.capability_checks: list[str] = []

    async def check_capability(self, phone: str) -> bool:
        """Record the check and tell whether ``phone`` supports RCS."""
        self.capability_checks.append(phone)
        return self._supports_rcs(phone)

    async def send(
        self, event: RoomEvent, to: str, fallback: bool = True, **options: Any
    ) -> ProviderResult:
        """Record the send; fall back to SMS, or refuse, when ``to`` lacks RCS."""
        options["fallback"] = fallback
        if self._supports_rcs(to):
            return self._record(event, to, options=options, metadata={"fallback": False})
        if fallback:
            return self._record(event, to, options=options, metadata={"fallback": True})
        return self._record(event, to, options=options, refusal=RCS_UNAVAILABLE)

    def _supports_rcs(self, phone: str) -> bool:
        return self.rcs_capable is None or phone in self.rcs_capable
