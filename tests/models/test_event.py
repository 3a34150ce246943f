"""RoomEvent: field list, defaults, ids, UTC timestamps and JSON round trip."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import ValidationError

from roomkit.models.content import TextContent
from roomkit.models.enums import ChannelDirection, ChannelType, EventStatus, EventType
from roomkit.models.event import ChannelData, EventSource, RoomEvent
from tests.factories import make_event

DEFAULTS: list[tuple[str, Any]] = [
    ("type", EventType.MESSAGE),  # send_event(event_type=MESSAGE)
    ("status", EventStatus.PENDING),
    ("blocked_by", None),
    ("visibility", "all"),  # "all" or a channel-specific filter
    ("index", 0),
    ("chain_depth", 0),  # send_event(chain_depth=0)
    ("parent_event_id", None),
    ("correlation_id", None),
    ("idempotency_key", None),
    ("metadata", {}),
    ("delivery_results", {}),
    ("channel_data", ChannelData()),
]


@pytest.mark.parametrize(("field", "expected"), DEFAULTS, ids=[f for f, _ in DEFAULTS])
def test_room_event_default(field: str, expected: Any) -> None:
    """A RoomEvent built from room, source and content alone takes these defaults."""
    event = RoomEvent(
        room_id="r",
        source=EventSource(channel_id="sms-1", channel_type=ChannelType.SMS),
        content=TextContent(body="hi"),
    )
    assert getattr(event, field) == expected


def test_room_event_mutable_defaults_are_not_shared() -> None:
    """Metadata and delivery results are fresh per event."""
    first, second = make_event(), make_event()
    first.metadata["k"] = "v"
    first.delivery_results["ws"] = "ok"
    first.channel_data.extra["x"] = 1
    assert second.metadata == {}
    assert second.delivery_results == {}
    assert second.channel_data.extra == {}


def test_room_event_id_is_uuid7_hex() -> None:
    """The default id is a UUID (version 7) written as 32 lowercase hex digits."""
    event_id = make_event().id
    assert len(event_id) == 32
    assert event_id == event_id.lower()
    parsed = uuid.UUID(hex=event_id)
    assert parsed.hex == event_id
    assert parsed.version == 7
    assert parsed.variant == uuid.RFC_4122


def test_room_event_ids_are_unique_per_instance() -> None:
    """Every event gets its own id."""
    ids = {make_event().id for _ in range(200)}
    assert len(ids) == 200


def test_room_event_explicit_id_is_kept() -> None:
    """An id given by the caller is not replaced."""
    assert make_event(id="evt-1").id == "evt-1"


def test_room_event_created_at_defaults_to_now_in_utc() -> None:
    """created_at is timezone-aware UTC and taken at construction time."""
    before = datetime.now(UTC)
    created = make_event().created_at
    after = datetime.now(UTC)
    assert created.tzinfo is not None
    assert created.utcoffset() == timedelta(0)
    assert before <= created <= after


@pytest.fixture
def local_zone_not_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run the test with the process's local time zone five hours behind UTC."""
    monkeypatch.setenv("TZ", "EST+05")  # POSIX form: needs no tz database
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("local_zone_not_utc")
def test_room_event_naive_created_at_is_taken_as_utc() -> None:
    """A naive datetime keeps its wall-clock time and is marked UTC, not local time."""
    created = make_event(created_at=datetime(2024, 5, 1, 12, 30)).created_at
    assert created == datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
    assert created.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("given", "utc_hour"),
    [
        (datetime(2024, 5, 1, 14, 0, tzinfo=timezone(timedelta(hours=2))), 12),
        (datetime(2024, 5, 1, 7, 0, tzinfo=timezone(timedelta(hours=-5))), 12),
    ],
    ids=["plus-two", "minus-five"],
)
def test_room_event_other_zones_are_converted_to_utc(given: datetime, utc_hour: int) -> None:
    """An aware datetime in another zone becomes the same instant expressed in UTC."""
    created = make_event(created_at=given).created_at
    assert created == given
    assert created.utcoffset() == timedelta(0)
    assert created.hour == utc_hour


def test_room_event_iso_string_created_at_is_parsed_to_utc() -> None:
    """An ISO string with an offset (as from JSON) is parsed and converted to UTC."""
    event = RoomEvent.model_validate(
        {
            "room_id": "r",
            "source": {"channel_id": "sms-1", "channel_type": "sms"},
            "content": {"type": "text", "body": "hi"},
            "created_at": "2024-05-01T09:00:00-03:00",
        }
    )
    assert event.created_at == datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    assert event.created_at.utcoffset() == timedelta(0)


def test_room_event_chain_depth_cannot_be_negative() -> None:
    """Reentry depth counts up from zero."""
    with pytest.raises(ValidationError):
        make_event(chain_depth=-1)


def test_event_source_defaults() -> None:
    """An event source needs a channel id and type; the rest is optional."""
    source = EventSource(channel_id="sms-1", channel_type=ChannelType.SMS)
    assert source.direction == ChannelDirection.INBOUND
    assert source.participant_id is None
    assert source.external_id is None
    assert source.provider is None
    assert source.raw_payload == {}


def test_room_event_json_round_trip() -> None:
    """A fully populated event survives model_dump_json -> model_validate_json."""
    event = make_event(
        type=EventType.SYSTEM,
        status=EventStatus.BLOCKED,
        blocked_by="pii-filter",
        visibility="transport",
        index=7,
        chain_depth=2,
        parent_event_id="p1",
        correlation_id="c1",
        idempotency_key="k1",
        created_at=datetime(2024, 1, 2, 3, 4, 5, 600_000, tzinfo=UTC),
        metadata={"a": [1, 2]},
        channel_data=ChannelData(provider="twilio", thread_id="t", extra={"x": True}),
        delivery_results={"ws-1": {"status": "delivered"}},
        source=EventSource(
            channel_id="sms-1",
            channel_type=ChannelType.SMS,
            direction=ChannelDirection.OUTBOUND,
            participant_id="u1",
            raw_payload={"From": "+1555"},
        ),
    )
    again = RoomEvent.model_validate_json(event.model_dump_json())
    assert again == event
    assert again.created_at.utcoffset() == timedelta(0)
