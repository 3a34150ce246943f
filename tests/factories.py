"""Plain builders for the models tests need, with sensible defaults and overrides.

Import them as ``from tests.factories import make_event`` from any test directory.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from roomkit.models import (
    ChannelBinding,
    ChannelType,
    EventSource,
    Identity,
    Observation,
    Participant,
    Room,
    RoomEvent,
    Task,
    TextContent,
)

if TYPE_CHECKING:
    from roomkit.store import ConversationStore

__all__ = [
    "add_events",
    "make_binding",
    "make_event",
    "make_identity",
    "make_observation",
    "make_participant",
    "make_room",
    "make_task",
]


def make_room(**overrides: Any) -> Room:
    """Build a room; any field can be overridden."""
    return Room(**overrides)


def make_event(
    room_id: str = "room-1",
    body: str = "hello",
    *,
    channel_id: str = "sms-1",
    channel_type: ChannelType = ChannelType.SMS,
    **overrides: Any,
) -> RoomEvent:
    """Build a text message event sent on ``channel_id``; any field can be overridden."""
    fields: dict[str, Any] = {
        "room_id": room_id,
        "source": EventSource(channel_id=channel_id, channel_type=channel_type),
        "content": TextContent(body=body),
    }
    fields.update(overrides)
    return RoomEvent(**fields)


def make_binding(
    room_id: str = "room-1",
    channel_id: str = "sms-1",
    channel_type: ChannelType = ChannelType.SMS,
    **overrides: Any,
) -> ChannelBinding:
    """Build a binding of ``channel_id`` to ``room_id``; any field can be overridden."""
    return ChannelBinding(
        room_id=room_id, channel_id=channel_id, channel_type=channel_type, **overrides
    )


def make_participant(
    room_id: str = "room-1",
    participant_id: str = "user-1",
    channel_id: str = "sms-1",
    **overrides: Any,
) -> Participant:
    """Build a participant of ``room_id``; any field can be overridden."""
    return Participant(id=participant_id, room_id=room_id, channel_id=channel_id, **overrides)


def make_identity(identity_id: str = "identity-1", **overrides: Any) -> Identity:
    """Build an identity; any field can be overridden."""
    return Identity(id=identity_id, **overrides)


def make_task(room_id: str = "room-1", title: str = "Call back", **overrides: Any) -> Task:
    """Build a task of ``room_id``; any field can be overridden."""
    return Task(room_id=room_id, title=title, **overrides)


def make_observation(
    room_id: str = "room-1", content: str = "positive sentiment", **overrides: Any
) -> Observation:
    """Build an observation made in ``room_id`` by an AI channel; fields can be overridden."""
    fields: dict[str, Any] = {"room_id": room_id, "channel_id": "ai-1", "content": content}
    fields.update(overrides)
    return Observation(**fields)


async def add_events(
    store: ConversationStore, count: int, room_id: str = "room-1"
) -> list[RoomEvent]:
    """Add ``count`` text events (bodies ``m0``, ``m1``, ...) to a stored room."""
    return [await store.add_event(make_event(room_id, f"m{number}")) for number in range(count)]
