"""The kit running its identity resolver on inbound messages, without identity hooks."""

from __future__ import annotations

from typing import Any

import pytest
from kit_support import HookCalls, UTCClock, identity
from pipeline_support import FrameworkLog, message

from roomkit import (
    ChannelType,
    EventStatus,
    HookExecution,
    HookResult,
    HookTrigger,
    IdentificationStatus,
    IdentityResolver,
    IdentityResult,
    InboundMessage,
    MockIdentityResolver,
    MockSMSProvider,
    Participant,
    RoomContext,
    RoomEvent,
    RoomKit,
    SMSChannel,
    WebSocketChannel,
)

PHONE = "+15551230000"


def sms_kit(resolver: IdentityResolver, **options: Any) -> RoomKit:
    """A kit with ``resolver``, an SMS channel ``sms-1`` and a WebSocket channel ``ws-1``."""
    kit = RoomKit(identity_resolver=resolver, **options)
    kit.register_channel(SMSChannel("sms-1", provider=MockSMSProvider()))
    kit.register_channel(WebSocketChannel("ws-1"))
    return kit


async def participant_of(kit: RoomKit, event: RoomEvent | None, sender: str) -> Participant:
    """The stored participant who sent ``event``."""
    assert event is not None
    found = await kit.store.get_participant(event.room_id, sender)
    assert found is not None
    return found


async def test_identified_sender_is_linked_and_announced_once() -> None:
    clock = UTCClock()
    resolver = MockIdentityResolver({PHONE: identity("id-alice", "Alice")})
    identified = HookCalls()
    log = FrameworkLog()
    async with sms_kit(resolver, clock=clock) as kit:
        kit.hook(HookTrigger.ON_PARTICIPANT_IDENTIFIED, HookExecution.ASYNC)(identified.hook)
        kit.on("*")(log.record)
        first = await kit.process_inbound(message("sms-1", "hello", PHONE))
        second = await kit.process_inbound(message("sms-1", "again", PHONE))

        assert not first.blocked and not second.blocked
        assert first.event is not None and first.event.status is EventStatus.DELIVERED
        participant = await participant_of(kit, first.event, PHONE)
    assert participant.identification is IdentificationStatus.IDENTIFIED
    assert participant.identity_id == "id-alice"
    assert participant.display_name == "Alice"
    assert participant.resolved_by == "resolver"
    assert participant.resolved_at == clock.now
    assert len(resolver.calls) == 2
    assert len(identified) == 1
    announced = identified.subjects[0]
    assert isinstance(announced, Participant) and announced.identity_id == "id-alice"
    [event] = log.of("participant_identified")
    assert event.data == {"participant_id": PHONE, "identity_id": "id-alice"}


async def test_resolver_gets_the_message_and_the_room_context() -> None:
    resolver = MockIdentityResolver()
    async with sms_kit(resolver) as kit:
        inbound = message("sms-1", "hi", PHONE)
        result = await kit.process_inbound(inbound)
    assert result.event is not None
    assert resolver.calls == [inbound]
    context = resolver.contexts[0]
    assert context.room.id == result.event.room_id
    binding = context.get_binding("sms-1")
    assert binding is not None and binding.metadata == {"phone_number": PHONE}


async def test_later_hooks_see_the_identity_in_their_context() -> None:
    resolver = MockIdentityResolver({PHONE: identity("id-alice", "Alice")})
    seen: list[str | None] = []

    async def look(event: RoomEvent, context: RoomContext) -> HookResult:
        seen.append(context.identity.id if context.identity is not None else None)
        return HookResult.allow()

    async with sms_kit(resolver) as kit:
        kit.hook(HookTrigger.BEFORE_BROADCAST)(look)
        await kit.process_inbound(message("sms-1", "hello", PHONE))
        await kit.process_inbound(message("sms-1", "hello", "+15559999999"))
    assert seen == ["id-alice", None]


async def test_ambiguous_sender_without_hook_keeps_candidates_and_is_delivered() -> None:
    candidates = [identity("id-a", "Ann"), identity("id-b", "Bob")]
    resolver = MockIdentityResolver(ambiguous={PHONE: candidates})
    async with sms_kit(resolver) as kit:
        result = await kit.process_inbound(message("sms-1", "hello", PHONE))
        participant = await participant_of(kit, result.event, PHONE)
    assert not result.blocked
    assert result.event is not None and result.event.status is EventStatus.DELIVERED
    assert participant.identification is IdentificationStatus.AMBIGUOUS
    assert participant.candidates == ["id-a", "id-b"]
    assert participant.identity_id is None


async def test_unknown_sender_without_hook_is_processed() -> None:
    async with sms_kit(MockIdentityResolver()) as kit:
        result = await kit.process_inbound(message("sms-1", "hello", PHONE))
        participant = await participant_of(kit, result.event, PHONE)
    assert not result.blocked
    assert result.event is not None and result.event.status is EventStatus.DELIVERED
    assert participant.identification is IdentificationStatus.UNKNOWN


async def test_pending_from_the_resolver_goes_to_the_ambiguity_hooks() -> None:
    resolver = MockIdentityResolver(unknown_status=IdentificationStatus.PENDING)
    statuses: list[IdentificationStatus] = []

    async def on_ambiguous(event: RoomEvent, context: RoomContext, result: IdentityResult) -> None:
        statuses.append(result.status)

    async with sms_kit(resolver) as kit:
        kit.identity_hook(HookTrigger.ON_IDENTITY_AMBIGUOUS)(on_ambiguous)
        result = await kit.process_inbound(message("sms-1", "hello", PHONE))
        participant = await participant_of(kit, result.event, PHONE)
    assert statuses == [IdentificationStatus.PENDING]
    assert not result.blocked
    assert participant.identification is IdentificationStatus.PENDING


@pytest.mark.parametrize(
    ("status", "blocker"),
    [
        (IdentificationStatus.REJECTED, "identity_rejected"),
        (IdentificationStatus.CHALLENGE_SENT, "identity_challenge"),
    ],
)
async def test_resolver_may_stop_a_message_without_any_hook(
    status: IdentificationStatus, blocker: str
) -> None:
    async with sms_kit(MockIdentityResolver(unknown_status=status)) as kit:
        result = await kit.process_inbound(message("sms-1", "hello", PHONE))
        assert result.event is not None
        [stored] = await kit.store.list_events(result.event.room_id, visibility_filter="all")
    assert result.blocked and result.reason == blocker
    assert stored.status is EventStatus.BLOCKED
    assert stored.blocked_by == blocker
    assert stored.metadata["blocked_reason"] == blocker


async def test_resolver_timeout_processes_the_message_as_unknown() -> None:
    resolver = MockIdentityResolver({PHONE: identity("id-alice")}, delay=30.0)
    log = FrameworkLog()
    async with sms_kit(resolver, identity_timeout=0.01) as kit:
        kit.on("*")(log.record)
        result = await kit.process_inbound(message("sms-1", "hello", PHONE))
        participant = await participant_of(kit, result.event, PHONE)
        assert result.event is not None
        stored = await kit.store.get_event(result.event.id)
    assert not result.blocked
    assert stored is not None and stored.status is EventStatus.DELIVERED
    assert participant.identification is IdentificationStatus.UNKNOWN
    [timeout] = log.of("identity_timeout")
    assert timeout.data == {"timeout": 0.01}
    assert timeout.channel_id == "sms-1" and timeout.room_id == result.event.room_id
    assert log.of("event_processed")


async def test_failing_resolver_processes_the_message_as_unknown() -> None:
    resolver = MockIdentityResolver(fail_with=RuntimeError("directory down"))
    log = FrameworkLog()
    async with sms_kit(resolver) as kit:
        kit.on("*")(log.record)
        result = await kit.process_inbound(message("sms-1", "hello", PHONE))
        participant = await participant_of(kit, result.event, PHONE)
    assert not result.blocked
    assert result.event is not None and result.event.status is EventStatus.DELIVERED
    assert participant.identification is IdentificationStatus.UNKNOWN
    [error] = log.of("identity_error")
    assert error.data == {"error": "RuntimeError: directory down"}


async def test_identity_channel_types_restricts_resolution() -> None:
    known = {PHONE: identity("id-alice"), "browser-user": identity("id-bob")}
    resolver = MockIdentityResolver(known)
    async with sms_kit(resolver, identity_channel_types={ChannelType.SMS}) as kit:
        web = await kit.process_inbound(message("ws-1", "from the web", "browser-user"))
        sms = await kit.process_inbound(message("sms-1", "from a phone", PHONE))
        web_participant = await participant_of(kit, web.event, "browser-user")
        sms_participant = await participant_of(kit, sms.event, PHONE)
    assert [call.channel_id for call in resolver.calls] == ["sms-1"]
    assert web_participant.identification is IdentificationStatus.UNKNOWN
    assert web_participant.identity_id is None
    assert sms_participant.identity_id == "id-alice"


async def test_every_channel_type_is_resolved_by_default() -> None:
    resolver = MockIdentityResolver({"browser-user": identity("id-bob")})
    async with sms_kit(resolver) as kit:
        result = await kit.process_inbound(message("ws-1", "from the web", "browser-user"))
        participant = await participant_of(kit, result.event, "browser-user")
    assert participant.identity_id == "id-bob"


class AnswerResolver(IdentityResolver):
    """Identifies a sender once they have sent the expected answer."""

    def __init__(self, answer: str, who: str) -> None:
        self.answer = answer
        self.who = who

    async def resolve(self, message: InboundMessage, context: RoomContext) -> IdentityResult:
        """IDENTIFIED for the answer, UNKNOWN for anything else."""
        if getattr(message.content, "body", None) == self.answer:
            return IdentityResult(
                status=IdentificationStatus.IDENTIFIED, identity=identity(self.who)
            )
        return IdentityResult(status=IdentificationStatus.UNKNOWN)


async def test_a_custom_resolver_result_drives_the_participant() -> None:
    async with sms_kit(AnswerResolver("1234", "id-carol")) as kit:
        first = await kit.process_inbound(message("sms-1", "hello", PHONE))
        before = await participant_of(kit, first.event, PHONE)
        second = await kit.process_inbound(message("sms-1", "1234", PHONE))
        after = await participant_of(kit, second.event, PHONE)
    assert before.identification is IdentificationStatus.UNKNOWN
    assert after.identification is IdentificationStatus.IDENTIFIED
    assert after.identity_id == "id-carol"
