"""What hooks return: a verdict on the event plus optional side effects."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from roomkit.models._unvalidated import unvalidated
from roomkit.models.event import RoomEvent
from roomkit.models.task import Observation, Task

__all__ = ["HookAction", "HookResult", "InjectedEvent"]

HookAction = Literal["allow", "block", "modify"]


class InjectedEvent(BaseModel):
    """An extra event a hook asks the framework to deliver, optionally to chosen channels."""

    event: RoomEvent
    target_channel_ids: list[str] | None = None
    """Deliver only to these channels; ``None`` broadcasts like any event."""


class HookResult(BaseModel):
    """A sync hook's verdict: allow, block, or allow a modified copy of the event."""

    action: HookAction = "allow"
    event: RoomEvent | None = None
    reason: str | None = None
    injected_events: list[InjectedEvent] = Field(default_factory=list)
    tasks: list[Task] = Field(default_factory=list)
    observations: list[Observation] = Field(default_factory=list)

    @classmethod
    def allow(
        cls,
        injected_events: list[InjectedEvent] | None = None,
        tasks: list[Task] | None = None,
        observations: list[Observation] | None = None,
    ) -> HookResult:
        """Let the event through unchanged."""
        if not (injected_events or tasks or observations):
            # What nearly every hook answers: built without validating it each time.
            return unvalidated(cls)(action="allow", injected_events=[], tasks=[], observations=[])
        return cls(
            action="allow",
            injected_events=injected_events or [],
            tasks=tasks or [],
            observations=observations or [],
        )

    @classmethod
    def block(
        cls,
        reason: str | None = None,
        injected_events: list[InjectedEvent] | None = None,
        tasks: list[Task] | None = None,
        observations: list[Observation] | None = None,
    ) -> HookResult:
        """Stop the event: it is stored as blocked and not broadcast."""
        return cls(
            action="block",
            reason=reason,
            injected_events=injected_events or [],
            tasks=tasks or [],
            observations=observations or [],
        )

    @classmethod
    def modify(
        cls,
        event: RoomEvent,
        reason: str | None = None,
        injected_events: list[InjectedEvent] | None = None,
        tasks: list[Task] | None = None,
        observations: list[Observation] | None = None,
    ) -> HookResult:
        """Replace the event with ``event`` and continue the pipeline."""
        return cls(
            action="modify",
            event=event,
            reason=reason,
            injected_events=injected_events or [],
            tasks=tasks or [],
            observations=observations or [],
        )
