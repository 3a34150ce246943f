"""What identity resolution leaves behind: stored identities, timeline records, order."""

from __future__ import annotations

from kit_support import HookCalls, challenge_event, identity
from pipeline_support import message

from roomkit import (
    EventStatus,
    EventType,
    HookExecution,
    HookTrigger,
    IdentificationStatus,
    IdentityHookResult,
    IdentityResult,
    MockIdentityResolver,
    MockSMSProvider,
    RoomContext,
    RoomEvent,
    RoomKit,
    SMSChannel,
)

PHONE = "+15551230000"


async def _kit(resolver: MockIdentityResolver) -> tuple[RoomKit, MockSMSProvider]:
    sms = MockSMSProvider()
    kit = RoomKit(identity_resolver=resolver)
    kit.register_channel(SMSChannel("sms-1", provider=sms))
    await kit.create_room("room-1")
    await kit.attach_channel("room-1", "sms-1", metadata={"phone_number": PHONE})
    return kit, sms


async def test_a_resolved_identity_is_stored_and_linked_to_the_sender() -> None:
    kit, _ = await _kit(MockIdentityResolver({PHONE: identity("id-ann", "Ann")}))
    async with kit:
        await kit.process_inbound(message("sms-1", "hi", PHONE))

        stored = await kit.store.get_identity("id-ann")
        assert stored is not None and stored.display_name == "Ann"
        linked = await kit.store.resolve_identity("sms", PHONE)
        assert linked is not None and linked.id == "id-ann"


async def test_identification_is_recorded_once_in_the_timeline() -> None:
    kit, _ = await _kit(MockIdentityResolver({PHONE: identity("id-ann", "Ann")}))
    async with kit:
        for body in ("one", "two"):
            await kit.process_inbound(message("sms-1", body, PHONE))

        records = [
            e
            for e in await kit.get_timeline("room-1")
            if e.type is EventType.PARTICIPANT_IDENTIFIED
        ]
        assert len(records) == 1
        assert records[0].visibility == "none"
        assert getattr(records[0].content, "data", {}) == {
            "participant_id": PHONE,
            "identity_id": "id-ann",
        }


async def test_the_held_message_is_stored_before_the_challenge() -> None:
    kit, sms = await _kit(MockIdentityResolver())
    async with kit:

        @kit.identity_hook(HookTrigger.ON_IDENTITY_UNKNOWN)
        async def ask(event: RoomEvent, ctx: RoomContext, _: IdentityResult) -> IdentityHookResult:
            return IdentityHookResult.challenge(
                [challenge_event(event.room_id, "sms-1", "Reply with your date of birth")]
            )

        result = await kit.process_inbound(message("sms-1", "hello?", PHONE))

        assert result.blocked and result.event is not None
        timeline = [e for e in await kit.get_timeline("room-1") if e.type is EventType.MESSAGE]
        assert [e.status for e in timeline] == [EventStatus.BLOCKED, EventStatus.DELIVERED]
        assert timeline[0].id == result.event.id
        assert len(sms.calls) == 1  # the challenge reached the sender


async def test_a_failing_identity_hook_runs_the_on_error_hooks() -> None:
    kit, _ = await _kit(MockIdentityResolver())
    errors = HookCalls()
    async with kit:

        @kit.identity_hook(HookTrigger.ON_IDENTITY_UNKNOWN)
        async def broken(*_: object) -> IdentityHookResult:
            raise RuntimeError("CRM down")

        kit.hook(HookTrigger.ON_ERROR, HookExecution.ASYNC)(errors.hook)
        result = await kit.process_inbound(message("sms-1", "hi", PHONE))

        assert not result.blocked  # the hook is skipped, the message goes on as unknown
        assert len(errors) == 1


async def test_a_known_display_name_is_not_overwritten_by_the_identity() -> None:
    kit, _ = await _kit(MockIdentityResolver({PHONE: identity("id-ann", "Ann Smith")}))
    async with kit:
        await kit.ensure_participant("room-1", "sms-1", PHONE, display_name="Annie")
        await kit.process_inbound(message("sms-1", "hi", PHONE))

        participant = await kit.store.get_participant("room-1", PHONE)
        assert participant is not None
        assert participant.identification is IdentificationStatus.IDENTIFIED
        assert participant.display_name == "Annie"
