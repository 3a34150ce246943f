"""Identity hooks deciding what happens to ambiguous and unknown senders."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from kit_support import HookCalls, challenge_event, identity
from pipeline_support import FrameworkLog, message, sent_bodies

from roomkit import (
    ChannelDirection,
    ChannelType,
    EventStatus,
    HookExecution,
    HookTrigger,
    IdentificationStatus,
    IdentityHookResult,
    IdentityResult,
    MockIdentityResolver,
    MockSMSProvider,
    Participant,
    RoomContext,
    RoomEvent,
    RoomKit,
    SMSChannel,
)

PHONE = "+15551230000"
FAMILY = [identity("id-ann", "Ann"), identity("id-bob", "Bob")]


class Room:
    """A kit with one room holding the sender's SMS channel and a second SMS recipient."""

    def __init__(self, resolver: MockIdentityResolver) -> None:
        self.sender_sms = MockSMSProvider()
        self.other_sms = MockSMSProvider()
        self.kit = RoomKit(identity_resolver=resolver)
        self.kit.register_channel(SMSChannel("sms-1", provider=self.sender_sms))
        self.kit.register_channel(SMSChannel("sms-2", provider=self.other_sms))
        self.room_id = "room-1"

    async def setup(self) -> None:
        """Create the room and attach both SMS channels."""
        await self.kit.create_room(self.room_id)
        await self.kit.attach_channel(self.room_id, "sms-1", metadata={"phone_number": PHONE})
        await self.kit.attach_channel(
            self.room_id, "sms-2", metadata={"phone_number": "+15550009999"}
        )

    async def participant(self) -> Participant:
        """The stored participant for the sender."""
        found = await self.kit.store.get_participant(self.room_id, PHONE)
        assert found is not None
        return found


@pytest.fixture
async def ambiguous() -> AsyncIterator[Room]:
    """A room whose resolver finds two candidates for ``PHONE``."""
    room = Room(MockIdentityResolver(ambiguous={PHONE: FAMILY}))
    async with room.kit:
        await room.setup()
        yield room


@pytest.fixture
async def unknown() -> AsyncIterator[Room]:
    """A room whose resolver knows nobody."""
    room = Room(MockIdentityResolver())
    async with room.kit:
        await room.setup()
        yield room


async def test_a_hook_resolves_an_ambiguous_sender(ambiguous: Room) -> None:
    kit = ambiguous.kit
    seen: list[tuple[RoomEvent, RoomContext, IdentityResult]] = []
    identified = HookCalls()

    @kit.identity_hook(HookTrigger.ON_IDENTITY_AMBIGUOUS)
    async def pick(
        event: RoomEvent, context: RoomContext, result: IdentityResult
    ) -> IdentityHookResult:
        seen.append((event, context, result))
        return IdentityHookResult.resolved(result.candidates[1])

    kit.hook(HookTrigger.ON_PARTICIPANT_IDENTIFIED, HookExecution.ASYNC)(identified.hook)
    result = await kit.process_inbound(message("sms-1", "it's Bob", PHONE))

    assert not result.blocked
    [(event, context, id_result)] = seen
    assert getattr(event.content, "body", None) == "it's Bob"
    assert context.room.id == ambiguous.room_id
    assert [c.id for c in id_result.candidates] == ["id-ann", "id-bob"]
    participant = await ambiguous.participant()
    assert participant.identification is IdentificationStatus.IDENTIFIED
    assert participant.identity_id == "id-bob"
    assert participant.display_name == "Bob"
    assert participant.resolved_by == "hook"
    assert participant.candidates == []
    assert len(identified) == 1
    assert sent_bodies(ambiguous.other_sms) == ["it's Bob"]


async def test_a_hook_leaves_the_sender_pending(ambiguous: Room) -> None:
    kit = ambiguous.kit

    @kit.identity_hook(HookTrigger.ON_IDENTITY_AMBIGUOUS)
    async def later(
        event: RoomEvent, context: RoomContext, result: IdentityResult
    ) -> IdentityHookResult:
        return IdentityHookResult.pending(f"Unverified ({result.address})", result.candidates)

    result = await kit.process_inbound(message("sms-1", "hello", PHONE))

    assert not result.blocked
    assert result.event is not None and result.event.status is EventStatus.DELIVERED
    participant = await ambiguous.participant()
    assert participant.identification is IdentificationStatus.PENDING
    assert participant.display_name == f"Unverified ({PHONE})"
    assert participant.candidates == ["id-ann", "id-bob"]
    assert sent_bodies(ambiguous.other_sms) == ["hello"]


async def test_a_hook_rejects_an_unknown_sender(unknown: Room) -> None:
    kit = unknown.kit

    @kit.identity_hook(HookTrigger.ON_IDENTITY_UNKNOWN)
    async def refuse(
        event: RoomEvent, context: RoomContext, result: IdentityResult
    ) -> IdentityHookResult:
        return IdentityHookResult.reject("not a customer")

    result = await kit.process_inbound(message("sms-1", "buy now", PHONE))

    assert result.blocked and result.reason == "not a customer"
    assert result.event is not None
    stored = await kit.store.get_event(result.event.id)
    assert stored is not None and stored.status is EventStatus.BLOCKED
    assert stored.blocked_by == "identity_rejected"
    assert stored.metadata["blocked_reason"] == "not a customer"
    assert unknown.other_sms.calls == [] and unknown.sender_sms.calls == []
    assert (await unknown.participant()).identification is IdentificationStatus.REJECTED


async def test_a_reject_without_reason_uses_the_blocker_name(unknown: Room) -> None:
    kit = unknown.kit
    kit.identity_hook(HookTrigger.ON_IDENTITY_UNKNOWN)(
        lambda event, context, result: IdentityHookResult.reject()
    )
    result = await kit.process_inbound(message("sms-1", "hello", PHONE))
    assert result.blocked and result.reason == "identity_rejected"


async def test_a_challenge_answers_the_sender_and_holds_the_message(unknown: Room) -> None:
    kit = unknown.kit

    @kit.identity_hook(HookTrigger.ON_IDENTITY_UNKNOWN)
    async def ask(
        event: RoomEvent, context: RoomContext, result: IdentityResult
    ) -> IdentityHookResult:
        question = challenge_event(event.room_id, "sms-1", "Reply with your customer number")
        return IdentityHookResult.challenge([question])

    result = await kit.process_inbound(message("sms-1", "where is my order?", PHONE))

    assert result.blocked and result.reason == "identity_challenge"
    assert sent_bodies(unknown.sender_sms) == ["Reply with your customer number"]
    assert [call.to for call in unknown.sender_sms.calls] == [PHONE]
    assert unknown.other_sms.calls == []
    participant = await unknown.participant()
    assert participant.identification is IdentificationStatus.CHALLENGE_SENT


async def test_hooks_only_run_for_their_trigger(ambiguous: Room) -> None:
    kit = ambiguous.kit
    unknown_calls = HookCalls()
    ambiguous_calls = HookCalls()
    kit.identity_hook(HookTrigger.ON_IDENTITY_UNKNOWN)(unknown_calls.hook)
    kit.identity_hook(HookTrigger.ON_IDENTITY_AMBIGUOUS)(ambiguous_calls.hook)

    await kit.process_inbound(message("sms-1", "hello", PHONE))
    await kit.process_inbound(message("sms-1", "hello", "+15557654321"))

    assert [call[2].status for call in ambiguous_calls.args] == [IdentificationStatus.AMBIGUOUS]
    assert [call[2].status for call in unknown_calls.args] == [IdentificationStatus.UNKNOWN]


@pytest.mark.parametrize(
    ("filters", "runs"),
    [
        ({"channel_types": {ChannelType.SMS}}, True),
        ({"channel_types": {ChannelType.WEBSOCKET}}, False),
        ({"channel_ids": {"sms-1"}}, True),
        ({"channel_ids": {"sms-2"}}, False),
        ({"directions": {ChannelDirection.INBOUND}}, True),
        ({"directions": {ChannelDirection.OUTBOUND}}, False),
    ],
)
async def test_identity_hook_filters(
    unknown: Room, filters: dict[str, set[str]], runs: bool
) -> None:
    kit = unknown.kit
    calls = HookCalls()
    kit.identity_hook(HookTrigger.ON_IDENTITY_UNKNOWN, **filters)(calls.hook)  # type: ignore[arg-type]
    await kit.process_inbound(message("sms-1", "hello", PHONE))
    assert len(calls) == (1 if runs else 0)


async def test_a_hook_without_verdict_lets_the_next_one_decide(unknown: Room) -> None:
    kit = unknown.kit
    order: list[str] = []

    @kit.identity_hook(HookTrigger.ON_IDENTITY_UNKNOWN)
    async def abstain(event: RoomEvent, context: RoomContext, result: IdentityResult) -> None:
        order.append("abstain")

    @kit.identity_hook(HookTrigger.ON_IDENTITY_UNKNOWN)
    async def decide(
        event: RoomEvent, context: RoomContext, result: IdentityResult
    ) -> IdentityHookResult:
        order.append("decide")
        return IdentityHookResult.reject("decided")

    @kit.identity_hook(HookTrigger.ON_IDENTITY_UNKNOWN)
    async def never(event: RoomEvent, context: RoomContext, result: IdentityResult) -> None:
        order.append("never")

    result = await kit.process_inbound(message("sms-1", "hello", PHONE))
    assert order == ["abstain", "decide"]
    assert result.reason == "decided"


async def test_a_failing_hook_is_reported_and_skipped(unknown: Room) -> None:
    kit = unknown.kit
    log = FrameworkLog()
    kit.on("hook_error")(log.record)

    @kit.identity_hook(HookTrigger.ON_IDENTITY_UNKNOWN)
    async def broken(event: RoomEvent, context: RoomContext, result: IdentityResult) -> None:
        raise LookupError("crm unreachable")

    @kit.identity_hook(HookTrigger.ON_IDENTITY_UNKNOWN)
    async def fallback(
        event: RoomEvent, context: RoomContext, result: IdentityResult
    ) -> IdentityHookResult:
        return IdentityHookResult.pending("Unknown caller")

    result = await kit.process_inbound(message("sms-1", "hello", PHONE))

    assert not result.blocked
    [error] = log.of("hook_error")
    assert error.data["hook"] == "broken"
    assert error.data["error"] == "LookupError: crm unreachable"
    participant = await unknown.participant()
    assert participant.identification is IdentificationStatus.PENDING
    assert participant.display_name == "Unknown caller"


def test_identity_hook_refuses_other_triggers() -> None:
    kit = RoomKit()
    with pytest.raises(ValueError, match="ON_IDENTITY"):
        kit.identity_hook(HookTrigger.BEFORE_BROADCAST)
