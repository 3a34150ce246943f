"""EventRouter on its own: visibility, target selection and broadcast outcomes."""

from __future__ import annotations

from typing import Any

import pytest
from fake_time import FakeClock

from roomkit import (
    Access,
    AIChannel,
    Channel,
    ChannelBinding,
    ChannelCategory,
    ChannelDirection,
    ChannelOutput,
    ChannelType,
    CircuitBreaker,
    CircuitState,
    DefaultContentTranscoder,
    EventRouter,
    EventStatus,
    InboundMessage,
    MockAIProvider,
    MockSMSProvider,
    Observation,
    RateLimit,
    RoomContext,
    RoomEvent,
    SMSChannel,
    Task,
    TokenBucketRateLimiter,
)
from roomkit.core.event_router import CHAIN_DEPTH_BLOCKER, is_visible
from tests.factories import make_binding, make_event, make_room

ROOM = make_room(id="room-1")


class Emitted:
    """Collects what the router emits."""

    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []

    async def __call__(self, event_type: str, **fields: Any) -> None:
        self.events.append((event_type, fields))

    def of(self, event_type: str) -> list[dict[str, Any]]:
        return [fields for kind, fields in self.events if kind == event_type]


def sms_binding(channel_id: str = "sms-1", **fields: Any) -> ChannelBinding:
    """An SMS binding with a phone number."""
    return make_binding(channel_id=channel_id, metadata={"phone_number": "+1555"}, **fields)


def ai_binding(channel_id: str = "ai-1", **fields: Any) -> ChannelBinding:
    """An intelligence binding."""
    return make_binding(
        channel_id=channel_id,
        channel_type=ChannelType.AI,
        category=ChannelCategory.INTELLIGENCE,
        **fields,
    )


def context(*bindings: ChannelBinding) -> RoomContext:
    """A context of room-1 with these bindings."""
    return RoomContext(room=ROOM, bindings=list(bindings))


def router(channels: dict[str, Channel], **options: Any) -> EventRouter:
    """A router over ``channels`` with the default transcoder."""
    return EventRouter(channels, DefaultContentTranscoder(), **options)


# --- is_visible -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("visibility", "transport", "intelligence"),
    [
        ("all", True, True),
        ("none", False, False),
        ("transport", True, False),
        ("intelligence", False, True),
        ("sms-1", True, False),
        ("ai-1", False, True),
        (" sms-1 , ai-1 ", True, True),
        ("someone-else", False, False),
    ],
)
def test_is_visible(visibility: str, transport: bool, intelligence: bool) -> None:
    assert is_visible(visibility, sms_binding()) is transport
    assert is_visible(visibility, ai_binding()) is intelligence


# --- targets --------------------------------------------------------------------------


def test_targets_skip_the_source_and_channels_that_may_not_receive(
    caplog: pytest.LogCaptureFixture,
) -> None:
    channels: dict[str, Channel] = {
        cid: SMSChannel(cid, provider=MockSMSProvider())
        for cid in ("sms-1", "rw", "ro", "wo", "none", "in", "out")
    }
    bindings = [
        sms_binding("sms-1"),
        sms_binding("rw"),
        sms_binding("ro", access=Access.READ_ONLY),
        sms_binding("wo", access=Access.WRITE_ONLY),
        sms_binding("none", access=Access.NONE),
        sms_binding("in", direction=ChannelDirection.INBOUND),
        sms_binding("out", direction=ChannelDirection.OUTBOUND),
        sms_binding("unregistered"),
    ]
    event = make_event(channel_id="sms-1")

    targets = [b.channel_id for b, _ in router(channels).targets(event, context(*bindings))]

    assert targets == ["rw", "ro", "out"]
    assert "unregistered" in caplog.text


def test_targets_respect_visibility() -> None:
    channels: dict[str, Channel] = {
        "sms-2": SMSChannel("sms-2", provider=MockSMSProvider()),
        "ai-1": AIChannel("ai-1", provider=MockAIProvider()),
    }
    ctx = context(sms_binding("sms-2"), ai_binding("ai-1"))
    found = router(channels).targets

    assert [b.channel_id for b, _ in found(make_event(visibility="intelligence"), ctx)] == ["ai-1"]
    assert [b.channel_id for b, _ in found(make_event(visibility="none"), ctx)] == []


def test_explicit_targets_may_include_the_source() -> None:
    channels: dict[str, Channel] = {
        cid: SMSChannel(cid, provider=MockSMSProvider()) for cid in ("sms-1", "sms-2")
    }
    ctx = context(sms_binding("sms-1"), sms_binding("sms-2"))
    event = make_event(channel_id="sms-1")

    chosen = router(channels).targets(event, ctx, {"sms-1"})

    assert [b.channel_id for b, _ in chosen] == ["sms-1"]


# --- broadcast ------------------------------------------------------------------------


async def test_broadcast_delivers_and_lets_intelligence_respond() -> None:
    sms = MockSMSProvider()
    channels: dict[str, Channel] = {
        "sms-2": SMSChannel("sms-2", provider=sms),
        "ai-1": AIChannel("ai-1", provider=MockAIProvider(["answer"])),
    }
    event = make_event(channel_id="sms-1", status=EventStatus.DELIVERED)

    result = await router(channels).broadcast(event, context(sms_binding("sms-2"), ai_binding()))

    delivery = result.delivery_results["sms-2"]
    assert (delivery.status, delivery.provider_message_id) == (EventStatus.DELIVERED, "mock-sms-1")
    assert [sms.calls[0].to] == ["+1555"]
    [reply] = result.reentry_events
    assert reply.content.body == "answer"  # type: ignore[union-attr]
    assert reply.chain_depth == 1 and reply.parent_event_id == event.id
    assert result.blocked_events == [] and result.errors == {}


async def test_response_past_the_depth_limit_is_blocked_with_an_observation() -> None:
    emitted = Emitted()
    channels: dict[str, Channel] = {"ai-1": AIChannel("ai-1", provider=MockAIProvider(["x"]))}
    event = make_event(chain_depth=2)

    result = await router(channels, max_chain_depth=2, emit=emitted).broadcast(
        event, context(ai_binding())
    )

    assert result.reentry_events == []
    [blocked] = result.blocked_events
    assert (blocked.status, blocked.blocked_by, blocked.chain_depth) == (
        EventStatus.BLOCKED,
        CHAIN_DEPTH_BLOCKER,
        3,
    )
    [observation] = result.observations
    assert observation.category == "chain_depth_exceeded"
    assert observation.metadata == {"event_id": blocked.id, "chain_depth": 3}
    assert emitted.of("chain_depth_exceeded") == [
        {
            "room_id": "room-1",
            "channel_id": "ai-1",
            "event_id": event.id,
            "data": {"chain_depth": 3, "max": 2},
        }
    ]


class _Scripted(Channel):
    """A channel whose ``on_event`` answers a scripted output or raises."""

    def __init__(
        self,
        channel_id: str,
        output: ChannelOutput | None = None,
        error: BaseException | None = None,
        category: ChannelCategory = ChannelCategory.INTELLIGENCE,
    ) -> None:
        super().__init__(channel_id)
        self.output = output or ChannelOutput.empty()
        self.error = error
        self.category = category
        self.delivered: list[RoomEvent] = []

    async def handle_inbound(self, message: InboundMessage, context: RoomContext) -> RoomEvent:
        raise NotImplementedError

    async def deliver(
        self, event: RoomEvent, binding: ChannelBinding, context: RoomContext
    ) -> ChannelOutput:
        self.delivered.append(event)
        return ChannelOutput(tasks=[Task(room_id=event.room_id, title="from deliver")])

    async def on_event(
        self, event: RoomEvent, binding: ChannelBinding, context: RoomContext
    ) -> ChannelOutput:
        if self.error is not None:
            raise self.error
        return self.output


async def test_muted_intelligence_keeps_side_effects_but_its_responses_are_dropped() -> None:
    output = ChannelOutput(
        response_events=[make_event(channel_id="ai-1", chain_depth=1)],
        tasks=[Task(room_id="room-1", title="t")],
        observations=[Observation(room_id="room-1", channel_id="ai-1", content="o")],
        metadata_updates={"mood": "calm"},
    )
    channels: dict[str, Channel] = {"ai-1": _Scripted("ai-1", output)}

    result = await router(channels).broadcast(make_event(), context(ai_binding(muted=True)))

    assert result.reentry_events == []
    assert [t.title for t in result.tasks] == ["t"]
    assert [o.content for o in result.observations] == ["o"]
    assert result.metadata_updates == {"mood": "calm"}


async def test_a_failing_channel_is_isolated_and_reported() -> None:
    emitted = Emitted()
    sms = MockSMSProvider()
    channels: dict[str, Channel] = {
        "ai-1": _Scripted("ai-1", error=RuntimeError("model crashed")),
        "hooked": _Scripted("hooked", error=ValueError("bad"), category=ChannelCategory.TRANSPORT),
        "sms-2": SMSChannel("sms-2", provider=sms),
    }
    ctx = context(ai_binding(), sms_binding("hooked"), sms_binding("sms-2"))

    result = await router(channels, emit=emitted).broadcast(make_event(), ctx)

    assert set(result.errors) == {"ai-1", "hooked"}
    assert "hooked" not in result.delivery_results
    assert result.delivery_results["sms-2"].status == EventStatus.DELIVERED
    errors = {f["channel_id"]: f["data"]["error"] for f in emitted.of("channel_error")}
    assert errors == {"ai-1": "RuntimeError: model crashed", "hooked": "ValueError: bad"}


async def test_transport_with_its_own_on_event_has_both_outputs_collected() -> None:
    reacting = _Scripted(
        "reacting",
        ChannelOutput(observations=[Observation(room_id="room-1", channel_id="r", content="o")]),
        category=ChannelCategory.TRANSPORT,
    )

    result = await router({"reacting": reacting}).broadcast(
        make_event(), context(sms_binding("reacting"))
    )

    assert [o.content for o in result.observations] == ["o"]
    assert [t.title for t in result.tasks] == ["from deliver"]
    assert len(reacting.delivered) == 1
    assert result.delivery_results["reacting"].provider_message_id is None


async def test_a_delivery_exception_is_recorded_as_failed() -> None:
    emitted = Emitted()
    # No provider configured: delivering raises a ConfigurationError.
    channels: dict[str, Channel] = {"sms-2": SMSChannel("sms-2")}

    result = await router(channels, emit=emitted).broadcast(
        make_event(), context(sms_binding("sms-2"))
    )

    failed = result.delivery_results["sms-2"]
    assert failed.status == EventStatus.FAILED
    assert failed.error is not None and failed.error.startswith("ConfigurationError")
    assert emitted.of("delivery_failed")[0]["data"]["attempts"] == 1


async def test_breaker_is_kept_per_channel_and_built_by_the_factory() -> None:
    made: list[CircuitBreaker] = []

    def factory() -> CircuitBreaker:
        made.append(CircuitBreaker(failure_threshold=1))
        return made[-1]

    down = MockSMSProvider(error="down")
    events_router = router({"sms-2": SMSChannel("sms-2", provider=down)}, breaker_factory=factory)
    ctx = context(sms_binding("sms-2"))

    await events_router.broadcast(make_event(), ctx)
    second = await events_router.broadcast(make_event(), ctx)

    assert events_router.breaker("sms-2") is made[0] and len(made) == 1
    assert made[0].state is CircuitState.OPEN
    assert second.delivery_results["sms-2"].error == "circuit_open"
    assert len(down.calls) == 1
    assert events_router.breaker("other") is made[1]


async def test_waiting_for_the_rate_limit_is_reported() -> None:
    clock = FakeClock()
    emitted = Emitted()
    limiter = TokenBucketRateLimiter(clock=clock, sleep=clock.sleep)
    sms = MockSMSProvider()
    events_router = router(
        {"sms-2": SMSChannel("sms-2", provider=sms)}, rate_limiter=limiter, emit=emitted
    )
    ctx = context(sms_binding("sms-2", rate_limit=RateLimit(max_per_second=2)))

    for _ in range(3):
        await events_router.broadcast(make_event(), ctx)

    assert len(sms.calls) == 3
    assert clock.sleeps == [pytest.approx(0.5)]
    [report] = emitted.of("rate_limited")
    assert report["channel_id"] == "sms-2"
    assert report["data"]["waited_seconds"] == pytest.approx(0.5)


async def test_broadcast_to_nobody_is_empty() -> None:
    result = await router({}).broadcast(make_event(), context())

    assert result.delivery_results == {} and result.reentry_events == []


class _Fatal(BaseException):
    """Not an Exception: must never be swallowed as a channel failure."""


async def test_errors_that_are_not_exceptions_propagate() -> None:
    channels: dict[str, Channel] = {
        "ai-1": _Scripted("ai-1", error=_Fatal()),
        "ai-2": _Scripted("ai-2"),
    }

    with pytest.raises(_Fatal):
        await router(channels).broadcast(
            make_event(), context(ai_binding("ai-1"), ai_binding("ai-2"))
        )
