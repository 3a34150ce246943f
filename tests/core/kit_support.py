"""Helpers for the kit-level lifecycle, identity, realtime and resilience tests.

Import them as ``from kit_support import ...`` (``tests/core`` is on the path, like
``fake_time`` and ``pipeline_support``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from roomkit import (
    ChannelDirection,
    ChannelType,
    EventSource,
    Identity,
    InjectedEvent,
    RoomContext,
    RoomEvent,
    TextContent,
)

__all__ = ["HookCalls", "UTCClock", "challenge_event", "identity"]


class UTCClock:
    """A wall clock for ``RoomKit(clock=...)`` that only moves when told to."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2030, 1, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock forward."""
        self.now += timedelta(seconds=seconds)


@dataclass
class HookCalls:
    """An async hook that records what it was called with (register ``calls.hook``)."""

    args: list[tuple[Any, ...]] = field(default_factory=list)

    async def hook(self, *args: Any) -> None:
        """Record one call."""
        self.args.append(args)

    @property
    def subjects(self) -> list[Any]:
        """The first argument of every call (the event, participant or task)."""
        return [call[0] for call in self.args]

    @property
    def contexts(self) -> list[RoomContext | None]:
        """The context handed to every call."""
        return [call[1] for call in self.args]

    def __len__(self) -> int:
        return len(self.args)


def identity(identity_id: str, name: str | None = None, **fields: Any) -> Identity:
    """Build an identity with an optional display name."""
    return Identity(id=identity_id, display_name=name, **fields)


def challenge_event(
    room_id: str, channel_id: str, body: str, channel_type: ChannelType = ChannelType.SMS
) -> InjectedEvent:
    """An outbound text injected back to ``channel_id`` only (a hook answering a sender)."""
    event = RoomEvent(
        room_id=room_id,
        source=EventSource(
            channel_id=channel_id, channel_type=channel_type, direction=ChannelDirection.OUTBOUND
        ),
        content=TextContent(body=body),
    )
    return InjectedEvent(event=event, target_channel_ids=[channel_id])
