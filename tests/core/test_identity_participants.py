"""Creating participants and resolving their identity after the fact."""

from __future__ import annotations

import pytest
from kit_support import HookCalls, UTCClock, identity
from pipeline_support import FrameworkLog, message

from roomkit import (
    HookExecution,
    HookTrigger,
    IdentificationStatus,
    IdentityHookResult,
    IdentityResult,
    MockIdentityResolver,
    MockSMSProvider,
    Participant,
    ParticipantNotFoundError,
    RoomContext,
    RoomEvent,
    RoomKit,
    RoomNotFoundError,
    SMSChannel,
)


async def test_ensure_participant_creates_then_links_channels(kit: RoomKit) -> None:
    await kit.create_room("room-1")
    created = await kit.ensure_participant("room-1", "sms-1", "alice", display_name="Alice")
    linked = await kit.ensure_participant("room-1", "email-1", "alice")
    renamed = await kit.ensure_participant("room-1", "email-1", "alice", display_name="Al")
    again = await kit.ensure_participant("room-1", "sms-1", "alice")

    assert created.channel_id == "sms-1" and created.connected_via == ["sms-1"]
    assert created.display_name == "Alice"
    assert created.identification is IdentificationStatus.UNKNOWN
    assert linked.connected_via == ["sms-1", "email-1"]
    assert linked.display_name == "Alice"
    assert renamed.display_name == "Al"
    assert again == renamed
    assert await kit.store.list_participants("room-1") == [renamed]


async def test_ensure_participant_needs_an_existing_room(kit: RoomKit) -> None:
    with pytest.raises(RoomNotFoundError):
        await kit.ensure_participant("missing", "sms-1", "alice")


async def test_inbound_creates_the_sender_as_participant(kit: RoomKit) -> None:
    kit.register_channel(SMSChannel("sms-1", provider=MockSMSProvider()))
    result = await kit.process_inbound(message("sms-1", "hi", "+15550001111"))
    assert result.event is not None
    [participant] = await kit.store.list_participants(result.event.room_id)
    assert participant.id == "+15550001111"
    assert participant.connected_via == ["sms-1"]


async def test_resolve_participant_links_a_stored_identity() -> None:
    clock = UTCClock()
    identified = HookCalls()
    log = FrameworkLog()
    async with RoomKit(clock=clock) as kit:
        kit.hook(HookTrigger.ON_PARTICIPANT_IDENTIFIED, HookExecution.ASYNC)(identified.hook)
        kit.on("participant_identified")(log.record)
        await kit.create_room("room-1")
        await kit.store.create_identity(identity("id-ann", "Ann Smith"))
        await kit.ensure_participant("room-1", "sms-1", "+15550001111")

        resolved = await kit.resolve_participant("room-1", "+15550001111", "id-ann", "advisor")
        stored = await kit.store.get_participant("room-1", "+15550001111")

    assert resolved == stored
    assert resolved.identification is IdentificationStatus.IDENTIFIED
    assert resolved.identity_id == "id-ann"
    assert resolved.display_name == "Ann Smith"
    assert resolved.resolved_by == "advisor"
    assert resolved.resolved_at == clock.now
    [(participant, context)] = identified.args
    assert isinstance(participant, Participant) and participant.identity_id == "id-ann"
    assert isinstance(context, RoomContext) and context.room.id == "room-1"
    [event] = log.events
    assert event.room_id == "room-1"
    assert event.data == {"participant_id": "+15550001111", "identity_id": "id-ann"}


async def test_resolve_participant_keeps_a_chosen_display_name(kit: RoomKit) -> None:
    await kit.create_room("room-1")
    await kit.store.create_identity(identity("id-ann", "Ann Smith"))
    await kit.ensure_participant("room-1", "sms-1", "p1", display_name="Mum")
    resolved = await kit.resolve_participant("room-1", "p1", "id-ann")
    assert resolved.display_name == "Mum"
    assert resolved.resolved_by == "manual"


async def test_resolve_participant_with_an_identity_the_store_does_not_know(kit: RoomKit) -> None:
    await kit.create_room("room-1")
    await kit.ensure_participant("room-1", "sms-1", "p1")
    resolved = await kit.resolve_participant("room-1", "p1", "crm-42")
    assert resolved.identity_id == "crm-42"
    assert resolved.display_name is None


async def test_resolve_participant_requires_the_participant(kit: RoomKit) -> None:
    await kit.create_room("room-1")
    with pytest.raises(ParticipantNotFoundError):
        await kit.resolve_participant("room-1", "nobody", "id-ann")


async def test_an_advisor_resolves_a_pending_sender_later() -> None:
    phone = "+15551230000"
    family = [identity("id-ann", "Ann"), identity("id-bob", "Bob")]
    identified = HookCalls()
    async with RoomKit(identity_resolver=MockIdentityResolver(ambiguous={phone: family})) as kit:
        kit.register_channel(SMSChannel("sms-1", provider=MockSMSProvider()))
        kit.hook(HookTrigger.ON_PARTICIPANT_IDENTIFIED, HookExecution.ASYNC)(identified.hook)

        @kit.identity_hook(HookTrigger.ON_IDENTITY_AMBIGUOUS)
        async def wait_for_advisor(
            event: RoomEvent, context: RoomContext, result: IdentityResult
        ) -> IdentityHookResult:
            return IdentityHookResult.pending(candidates=result.candidates)

        result = await kit.process_inbound(message("sms-1", "hello", phone))
        assert result.event is not None
        room_id = result.event.room_id
        pending = await kit.store.get_participant(room_id, phone)
        assert pending is not None
        assert pending.identification is IdentificationStatus.PENDING
        assert pending.candidates == ["id-ann", "id-bob"]
        assert len(identified) == 0

        resolved = await kit.resolve_participant(room_id, phone, pending.candidates[0])
    assert resolved.identification is IdentificationStatus.IDENTIFIED
    assert resolved.identity_id == "id-ann"
    assert resolved.candidates == []
    assert len(identified) == 1
