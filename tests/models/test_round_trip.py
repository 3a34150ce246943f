"""Every model survives model_dump_json -> model_validate_json unchanged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import BaseModel

from roomkit.models.ai import (
    AIContext,
    AIImagePart,
    AIMessage,
    AIResponse,
    AITextPart,
    AITool,
    AIToolCall,
)
from roomkit.models.channel import ChannelBinding, ChannelCapabilities, RateLimit, RetryPolicy
from roomkit.models.content import CompositeContent, LocationContent, TextContent
from roomkit.models.context import RoomContext
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
    ChannelMediaType,
    ChannelType,
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
from roomkit.models.hook import HookResult, InjectedEvent
from roomkit.models.identity import Identity, IdentityHookResult, IdentityResult
from roomkit.models.participant import Participant
from roomkit.models.room import Room, RoomTimers
from roomkit.models.task import Observation, Task
from tests.factories import make_event

WHEN = datetime(2024, 6, 1, 12, 30, 15, 250_000, tzinfo=UTC)
LATER = datetime(2024, 6, 1, 15, 0, tzinfo=timezone(timedelta(hours=-4)))

CAPABILITIES = ChannelCapabilities(
    media_types=[ChannelMediaType.TEXT, ChannelMediaType.MEDIA],
    max_length=1600,
    supports_media=True,
    supported_media_types=["image/png"],
    max_media_size_bytes=5_000_000,
    supports_buttons=True,
    max_buttons=3,
    delivery_mode=DeliveryMode.DIRECT,
)
RATE_LIMIT = RateLimit(max_per_second=1.0, max_per_hour=100.0)
RETRY = RetryPolicy(max_retries=5, base_delay_seconds=0.5, max_delay_seconds=9.0, jitter=0.1)
ROOM = Room(
    id="room-1",
    organization_id="org",
    status=RoomStatus.CLOSED,
    created_at=WHEN,
    updated_at=LATER,
    closed_at=LATER,
    timers=RoomTimers(inactive_after_seconds=60, closed_after_seconds=3600, last_activity_at=WHEN),
    metadata={"topic": "billing", "n": [1, 2]},
    event_count=3,
    latest_index=2,
)
BINDING = ChannelBinding(
    channel_id="sms-1",
    room_id="room-1",
    channel_type=ChannelType.SMS,
    category=ChannelCategory.TRANSPORT,
    direction=ChannelDirection.OUTBOUND,
    access=Access.WRITE_ONLY,
    muted=True,
    visibility="transport",
    participant_id="p1",
    last_read_index=1,
    attached_at=WHEN,
    capabilities=CAPABILITIES,
    rate_limit=RATE_LIMIT,
    retry_policy=RETRY,
    metadata={"phone_number": "+15551234567"},
)
EVENT = make_event(
    content=CompositeContent(
        parts=[TextContent(body="here"), LocationContent(latitude=45.5, longitude=-73.6)]
    ),
    status=EventStatus.DELIVERED,
    created_at=WHEN,
    metadata={"k": "v"},
)
TASK = Task(room_id="room-1", title="Call", assigned_to="agent", status=TaskStatus.IN_PROGRESS)
OBSERVATION = Observation(
    room_id="room-1", channel_id="ai-1", content="upset", category="sentiment", confidence=0.8
)
IDENTITY = Identity(
    id="id-1",
    display_name="Ana",
    email="ana@example.com",
    phone="+15551234567",
    channel_addresses={"sms": ["+15551234567"]},
    metadata={"crm": 7},
)
INJECTED = InjectedEvent(event=make_event(body="blocked"), target_channel_ids=["sms-1"])
PARTICIPANT = Participant(
    id="p1",
    room_id="room-1",
    channel_id="sms-1",
    display_name="Ana",
    role=ParticipantRole.OWNER,
    status=ParticipantStatus.LEFT,
    identification=IdentificationStatus.AMBIGUOUS,
    candidates=["id-1", "id-2"],
    connected_via=["sms-1"],
    resolved_at=LATER,
    resolved_by="manual",
    joined_at=WHEN,
)
TOOL_CALL = AIToolCall(id="call-1", name="search", arguments={"q": "x", "n": 2})

SAMPLES: list[BaseModel] = [
    ROOM,
    ROOM.timers,
    BINDING,
    CAPABILITIES,
    RATE_LIMIT,
    RETRY,
    EVENT,
    PARTICIPANT,
    InboundMessage(
        channel_id="sms-1",
        sender_id="+1555",
        content=TextContent(body="hi", language="en"),
        event_type=EventType.EDIT,
        external_id="SM1",
        idempotency_key="k",
        metadata={"a": 1},
    ),
    InboundResult(event=EVENT, blocked=True, reason="spam", duplicate=False),
    ProviderResult(success=False, provider_message_id="m1", error="rejected", metadata={"c": 1}),
    DeliveryResult(channel_id="sms-1", status=EventStatus.FAILED, error="timeout", attempts=3),
    DeliveryStatus(
        provider="telnyx",
        message_id="m1",
        status="failed",
        recipient="+1555",
        sender="+1666",
        error_code="40001",
        error_message="unreachable",
        timestamp="2024-06-01T12:00:00Z",
        raw={"data": {"id": "m1"}},
    ),
    TASK,
    OBSERVATION,
    FrameworkEvent(type="delivery_failed", room_id="room-1", event_id="e1", data={"x": 1}),
    IDENTITY,
    IdentityResult(
        status=IdentificationStatus.AMBIGUOUS,
        candidates=[IDENTITY, Identity(id="id-2")],
        address="+1555",
        channel_type="sms",
    ),
    IdentityHookResult.challenge(injected_events=[INJECTED], reason="verify"),
    INJECTED,
    HookResult.allow(),
    HookResult.block("pii", injected_events=[INJECTED], tasks=[TASK], observations=[OBSERVATION]),
    HookResult.modify(make_event(body="[redacted]"), reason="card number"),
    AITool(name="search", description="Search", parameters={"type": "object", "properties": {}}),
    TOOL_CALL,
    AIMessage(
        role="user",
        content=[
            AITextPart(text="look"),
            AIImagePart(url="https://x/a.png", mime_type="image/png"),
        ],
    ),
    AIMessage(role="assistant", content="calling", tool_calls=[TOOL_CALL]),
    AIMessage(role="tool", content="failed", tool_call_id="call-1", is_error=True),
    AIContext(
        messages=[AIMessage(role="user", content="hi")],
        system_prompt="Be brief.",
        temperature=0.3,
        max_tokens=2048,
        tools=[AITool(name="search")],
        room=RoomContext(room=ROOM, bindings=[BINDING], recent_events=[EVENT]),
        target_capabilities=CAPABILITIES,
        target_media_types=[ChannelMediaType.TEXT, ChannelMediaType.RICH],
    ),
    AIResponse(
        content="done",
        finish_reason="stop",
        usage={"input_tokens": 10, "output_tokens": 3},
        tool_calls=[TOOL_CALL],
        tasks=[TASK],
        observations=[OBSERVATION],
    ),
]


def _sample_id(sample: BaseModel) -> str:
    """Name a sample by its class."""
    return type(sample).__name__


@pytest.mark.parametrize("sample", SAMPLES, ids=_sample_id)
def test_json_round_trip_is_lossless(sample: BaseModel) -> None:
    """Serialising to JSON and parsing it back gives an equal model of the same class."""
    again = type(sample).model_validate_json(sample.model_dump_json())
    assert type(again) is type(sample)
    assert again == sample
    assert again.model_dump() == sample.model_dump()


def test_round_trip_keeps_utc_instants() -> None:
    """Datetimes in other zones come back as the same instant, in UTC."""
    again = Room.model_validate_json(ROOM.model_dump_json())
    assert again.closed_at == LATER
    assert again.closed_at is not None
    assert again.closed_at.utcoffset() == timedelta(0)
    assert again.closed_at.hour == 19
