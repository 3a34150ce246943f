"""Defaults and field lists of the record models: rooms, bindings, people, work, delivery."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from roomkit.models.channel import ChannelCapabilities, RateLimit, RetryPolicy
from roomkit.models.content import TextContent
from roomkit.models.delivery import (
    DeliveryResult,
    DeliveryStatus,
    InboundMessage,
    InboundResult,
    ProviderResult,
)
from roomkit.models.enums import (
    Access,
    ChannelCategory,
    ChannelDirection,
    DeliveryMode,
    EventStatus,
    EventType,
    IdentificationStatus,
    ParticipantRole,
    ParticipantStatus,
    RoomStatus,
    TaskStatus,
)
from roomkit.models.framework_event import FrameworkEvent
from roomkit.models.room import Room, RoomTimers
from roomkit.models.task import Observation, Task
from tests.factories import make_binding, make_participant

Factory = Callable[[], BaseModel]


def _inbound() -> InboundMessage:
    """Return an inbound message with only its required fields."""
    return InboundMessage(channel_id="sms-1", sender_id="+1555", content=TextContent(body="x"))


# (model, factory with required fields only, {field: expected default}).
DEFAULTS: list[tuple[str, Factory, dict[str, Any]]] = [
    (
        "Room",
        Room,
        {
            "status": RoomStatus.ACTIVE,
            "organization_id": None,
            "closed_at": None,
            "timers": RoomTimers(),
            "metadata": {},
            "event_count": 0,
        },
    ),
    (
        "RoomTimers",
        RoomTimers,  # timers are optional: no thresholds unless set
        {"inactive_after_seconds": None, "closed_after_seconds": None, "last_activity_at": None},
    ),
    (
        "ChannelBinding",
        make_binding,  # attach_channel(category=TRANSPORT, access=READ_WRITE, visibility="all")
        {
            "category": ChannelCategory.TRANSPORT,
            "access": Access.READ_WRITE,
            "visibility": "all",
            "direction": ChannelDirection.BIDIRECTIONAL,
            "muted": False,
            "participant_id": None,
            "last_read_index": None,
            "capabilities": ChannelCapabilities(),
            "rate_limit": None,
            "retry_policy": None,
            "metadata": {},
        },
    ),
    (
        "ChannelCapabilities",
        ChannelCapabilities,
        {
            **{f: False for f in ChannelCapabilities.model_fields if f.startswith("supports_")},
            "max_length": None,
            "max_buttons": None,
            "max_media_size_bytes": None,
            "supported_media_types": [],
            "delivery_mode": DeliveryMode.BROADCAST,
        },
    ),
    (
        "RateLimit",
        RateLimit,
        {"max_per_second": None, "max_per_minute": None, "max_per_hour": None},
    ),
    (
        "RetryPolicy",
        RetryPolicy,  # the values of features.md's "Retry with Backoff" example
        {
            "max_retries": 3,
            "base_delay_seconds": 1.0,
            "max_delay_seconds": 60.0,
            "exponential_base": 2.0,
        },
    ),
    (
        "Participant",
        make_participant,
        {
            "display_name": None,
            "role": ParticipantRole.MEMBER,
            "status": ParticipantStatus.ACTIVE,
            "identification": IdentificationStatus.UNKNOWN,
            "identity_id": None,
            "resolved_at": None,
            "resolved_by": None,
            "metadata": {},
        },
    ),
    (
        "InboundMessage",
        _inbound,
        {
            "event_type": EventType.MESSAGE,
            "external_id": None,
            "thread_id": None,
            "idempotency_key": None,
            "metadata": {},
        },
    ),
    (
        "InboundResult",
        InboundResult,
        {"event": None, "blocked": False, "reason": None, "duplicate": False},
    ),
    (
        "ProviderResult",
        lambda: ProviderResult(success=True),
        {"provider_message_id": None, "error": None, "metadata": {}},
    ),
    (
        "DeliveryResult",
        lambda: DeliveryResult(channel_id="sms-1", status=EventStatus.DELIVERED),
        {"provider_message_id": None, "error": None, "attempts": 1, "metadata": {}},
    ),
    (
        "DeliveryStatus",
        lambda: DeliveryStatus(provider="twilio", message_id="SM1", status="delivered"),
        {"error_code": None, "error_message": None, "timestamp": None, "raw": {}},
    ),
    (
        "Task",
        lambda: Task(room_id="r", title="Call back"),
        {"description": "", "assigned_to": None, "status": TaskStatus.PENDING, "metadata": {}},
    ),
    (
        "Observation",
        lambda: Observation(room_id="r", channel_id="ai-1", content="calm"),
        {"category": "general", "confidence": 1.0, "metadata": {}},
    ),
    (
        "FrameworkEvent",
        lambda: FrameworkEvent(type="room_created"),
        {"room_id": None, "channel_id": None, "event_id": None, "data": {}},
    ),
]

# (model, factory, timestamp field defaulting to "now").
TIMESTAMPS: list[tuple[str, Factory, str]] = [
    ("Room.created_at", Room, "created_at"),
    ("Room.updated_at", Room, "updated_at"),
    ("ChannelBinding.attached_at", make_binding, "attached_at"),
    ("Participant.joined_at", make_participant, "joined_at"),
    ("Task.created_at", lambda: Task(room_id="r", title="t"), "created_at"),
    ("Task.updated_at", lambda: Task(room_id="r", title="t"), "updated_at"),
    (
        "Observation.created_at",
        lambda: Observation(room_id="r", channel_id="c", content="x"),
        "created_at",
    ),
    ("FrameworkEvent.timestamp", lambda: FrameworkEvent(type="x"), "timestamp"),
]

GENERATED_IDS: list[tuple[str, Callable[[], Room | Task | Observation]]] = [
    ("Room", Room),
    ("Task", lambda: Task(room_id="r", title="t")),
    ("Observation", lambda: Observation(room_id="r", channel_id="c", content="x")),
]


@pytest.mark.parametrize(("name", "factory", "expected"), DEFAULTS, ids=[d[0] for d in DEFAULTS])
def test_model_defaults(name: str, factory: Factory, expected: dict[str, Any]) -> None:
    """Built from its required fields only, the model takes these defaults."""
    model = factory()
    actual = {field: getattr(model, field) for field in expected}
    assert actual == expected


@pytest.mark.parametrize(("name", "factory", "field"), TIMESTAMPS, ids=[t[0] for t in TIMESTAMPS])
def test_timestamp_defaults_to_now_in_utc(name: str, factory: Factory, field: str) -> None:
    """Timestamps default to the current time, timezone-aware in UTC."""
    before = datetime.now(UTC)
    value = getattr(factory(), field)
    assert value.utcoffset() == timedelta(0)
    assert before <= value <= datetime.now(UTC)


@pytest.mark.parametrize(("name", "factory"), GENERATED_IDS, ids=[g[0] for g in GENERATED_IDS])
def test_generated_ids_are_distinct_uuid7_hex(
    name: str, factory: Callable[[], Room | Task | Observation]
) -> None:
    """Models that make their own id use a fresh UUID (version 7) hex per instance."""
    first, second = factory().id, factory().id
    assert first != second
    assert uuid.UUID(hex=first).version == 7
    assert len(first) == 32


def test_room_timestamps_given_naive_or_offset_are_stored_in_utc() -> None:
    """Room datetimes follow the same UTC rule as events."""
    room = Room(
        created_at=datetime(2024, 3, 1, 8, 0),
        closed_at=datetime(2024, 3, 1, 12, 0, tzinfo=timezone(timedelta(hours=2))),
        timers=RoomTimers(last_activity_at=datetime(2024, 3, 1, 9, 0)),
    )
    assert room.created_at == datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
    assert room.created_at.utcoffset() == timedelta(0)
    assert room.closed_at is not None
    assert room.closed_at == datetime(2024, 3, 1, 10, 0, tzinfo=UTC)
    assert room.closed_at.utcoffset() == timedelta(0)
    assert room.timers.last_activity_at == datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("confidence", [0.0, 0.5, 1.0])
def test_observation_confidence_within_zero_to_one_is_accepted(confidence: float) -> None:
    """Confidence is a score from 0 to 1 inclusive."""
    observation = Observation(room_id="r", channel_id="c", content="x", confidence=confidence)
    assert observation.confidence == confidence


@pytest.mark.parametrize("confidence", [-0.01, 1.01])
def test_observation_confidence_outside_zero_to_one_is_refused(confidence: float) -> None:
    """A score outside 0..1 is a validation error."""
    with pytest.raises(ValidationError):
        Observation(room_id="r", channel_id="c", content="x", confidence=confidence)


def test_mutable_defaults_are_not_shared_between_instances() -> None:
    """Each binding gets its own metadata and capabilities object."""
    first, second = make_binding(), make_binding()
    first.metadata["phone_number"] = "+1555"
    first.capabilities.supported_media_types.append("image/png")
    assert second.metadata == {}
    assert second.capabilities.supported_media_types == []
