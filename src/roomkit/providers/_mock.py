"""Recording and failure switches shared by every mock transport provider.

Each mock records the sends it was asked for in ``calls`` so a test can assert on
them, and can be told to fail: by raising an exception (``fail_with``) or by answering
an unsuccessful :class:`ProviderResult` (``error``), on every call or on the first
``fail_count`` calls only.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypedDict, Unpack

from pydantic import BaseModel, ConfigDict, Field

from roomkit.models.delivery import ProviderResult
from roomkit.models.event import RoomEvent

__all__ = ["MockFailure", "MockSendRecorder", "RecordedSend"]


class RecordedSend(BaseModel):
    """One ``send`` call received by a mock provider."""

    model_config = ConfigDict(frozen=True)

    to: str
    from_: str | None = None
    event: RoomEvent
    options: dict[str, Any] = Field(default_factory=dict)


class MockFailure(TypedDict, total=False):
    """Keyword arguments every mock transport provider accepts to simulate failures."""

    fail_with: Exception | None
    error: str | None
    retryable: bool
    fail_count: int | None


class MockSendRecorder:
    """Mixin giving a mock provider its ``calls`` log and its failure switches.

    ``fail_with`` is raised by the send; otherwise ``error`` makes the send answer
    ``success=False`` with that error (``retryable`` is put in the result metadata).
    ``fail_count`` limits either failure to the first N calls; ``None`` fails every call.
    """

    message_id_prefix: ClassVar[str] = "mock"

    def __init__(self, **failure: Unpack[MockFailure]) -> None:
        self.calls: list[RecordedSend] = []
        self.fail_with: Exception | None = failure.get("fail_with")
        self.error: str | None = failure.get("error")
        self.retryable: bool = failure.get("retryable", False)
        self.fail_count: int | None = failure.get("fail_count")

    def reset(self) -> None:
        """Forget the recorded calls."""
        self.calls.clear()

    def _record(
        self,
        event: RoomEvent,
        to: str,
        *,
        from_: str | None = None,
        options: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
        refusal: str | None = None,
    ) -> ProviderResult:
        """Record a send, then fail if told to or answer a successful result.

        ``refusal`` is an error the mock itself decided on (e.g. an unreachable
        address); it is answered as a non-retryable failure.
        """
        self.calls.append(RecordedSend(to=to, from_=from_, event=event, options=options or {}))
        error, retryable = refusal, False
        if self._failing():
            if self.fail_with is not None:
                raise self.fail_with
            if self.error is not None:
                error, retryable = self.error, self.retryable
        if error is not None:
            return ProviderResult(
                success=False,
                error=error,
                metadata={**(metadata or {}), "retryable": retryable},
            )
        return ProviderResult(
            success=True,
            provider_message_id=f"{self.message_id_prefix}-{len(self.calls)}",
            metadata=metadata or {},
        )

    def _failing(self) -> bool:
        return self.fail_count is None or len(self.calls) <= self.fail_count
