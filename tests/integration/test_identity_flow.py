"""An unknown SMS sender is challenged, answers, and is then served like anyone else."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from roomkit import (
    AIChannel,
    ChannelCategory,
    ChannelDirection,
    ChannelType,
    EventSource,
    EventStatus,
    EventType,
    HookExecution,
    HookTrigger,
    IdentificationStatus,
    Identity,
    IdentityHookResult,
    IdentityResolver,
    IdentityResult,
    InboundMessage,
    InjectedEvent,
    MockAIProvider,
    MockSMSProvider,
    Participant,
    RoomContext,
    RoomEvent,
    RoomKit,
    SMSChannel,
    TextContent,
    WebSocketChannel,
)

PHONE = "+15551230000"
ROOM = "support"
QUESTION = "Before we go on: please reply with your date of birth."
ANSWER = "1990-01-15"
ALICE = Identity(id="id-alice", display_name="Alice")


class DateOfBirthResolver(IdentityResolver):
    """Knows a sender once they have sent the right date of birth."""

    def __init__(self) -> None:
        self.verified: set[str] = set()

    async def resolve(self, message: InboundMessage, context: RoomContext) -> IdentityResult:
        """IDENTIFIED for a verified sender or the right answer, UNKNOWN otherwise."""
        if getattr(message.content, "body", None) == ANSWER:
            self.verified.add(message.sender_id)
        if message.sender_id in self.verified:
            return IdentityResult(status=IdentificationStatus.IDENTIFIED, identity=ALICE)
        return IdentityResult(status=IdentificationStatus.UNKNOWN, address=message.sender_id)


@dataclass
class Desk:
    """The support room: the customer's SMS, an AI assistant and an agent's browser."""

    kit: RoomKit
    sms: MockSMSProvider
    ai: MockAIProvider
    agent_inbox: list[RoomEvent] = field(default_factory=list)
    challenged: list[IdentityResult] = field(default_factory=list)
    identified: list[Participant] = field(default_factory=list)

    async def text(self, body: str) -> RoomEvent:
        """Send an SMS from the customer and return the stored event."""
        result = await self.kit.process_inbound(
            InboundMessage(channel_id="sms-1", sender_id=PHONE, content=TextContent(body=body))
        )
        assert result.event is not None
        return result.event

    async def participant(self) -> Participant:
        """The customer as stored in the room."""
        found = await self.kit.store.get_participant(ROOM, PHONE)
        assert found is not None
        return found


@pytest.fixture
async def desk() -> AsyncIterator[Desk]:
    """The room with a challenge hook on unknown SMS senders."""
    sms = MockSMSProvider()
    ai = MockAIProvider(["Thanks, your bill is on its way."])
    async with RoomKit(identity_resolver=DateOfBirthResolver()) as kit:
        desk = Desk(kit, sms, ai)
        kit.register_channel(SMSChannel("sms-1", provider=sms))
        kit.register_channel(AIChannel("ai-bot", provider=ai))
        kit.register_channel(WebSocketChannel("ws-agent"))
        await kit.create_room(ROOM)
        await kit.attach_channel(ROOM, "sms-1", metadata={"phone_number": PHONE})
        await kit.attach_channel(ROOM, "ai-bot", category=ChannelCategory.INTELLIGENCE)
        await kit.attach_channel(ROOM, "ws-agent")

        async def to_agent(connection_id: str, event: RoomEvent) -> None:
            desk.agent_inbox.append(event)

        await kit.connect_websocket("ws-agent", "agent-1", to_agent)

        @kit.identity_hook(HookTrigger.ON_IDENTITY_UNKNOWN, channel_types={ChannelType.SMS})
        async def challenge(
            event: RoomEvent, context: RoomContext, result: IdentityResult
        ) -> IdentityHookResult:
            desk.challenged.append(result)
            question = RoomEvent(
                room_id=event.room_id,
                source=EventSource(
                    channel_id="sms-1",
                    channel_type=ChannelType.SMS,
                    direction=ChannelDirection.OUTBOUND,
                ),
                content=TextContent(body=QUESTION),
            )
            return IdentityHookResult.challenge(
                [InjectedEvent(event=question, target_channel_ids=["sms-1"])],
            )

        @kit.hook(HookTrigger.ON_PARTICIPANT_IDENTIFIED, HookExecution.ASYNC)
        async def on_identified(participant: Participant, context: RoomContext) -> None:
            desk.identified.append(participant)

        yield desk


def bodies(events: list[RoomEvent]) -> list[str | None]:
    """The text bodies of events, in order."""
    return [getattr(e.content, "body", None) for e in events]


async def test_unknown_sender_is_challenged_and_the_message_held(desk: Desk) -> None:
    held = await desk.text("I need help with my bill")

    assert held.status is EventStatus.BLOCKED
    assert held.blocked_by == "identity_challenge"
    assert [(call.to, call.event.content) for call in desk.sms.calls] == [
        (PHONE, TextContent(body=QUESTION))
    ]
    assert desk.ai.calls == []
    assert desk.agent_inbox == []
    assert [r.address for r in desk.challenged] == [PHONE]
    participant = await desk.participant()
    assert participant.identification is IdentificationStatus.CHALLENGE_SENT
    assert desk.identified == []


async def test_the_right_answer_identifies_the_sender_and_flows_normally(desk: Desk) -> None:
    held = await desk.text("I need help with my bill")
    answer = await desk.text(ANSWER)

    assert answer.status is EventStatus.DELIVERED
    assert len(desk.challenged) == 1
    participant = await desk.participant()
    assert participant.identification is IdentificationStatus.IDENTIFIED
    assert participant.identity_id == "id-alice"
    assert participant.display_name == "Alice"
    assert [p.identity_id for p in desk.identified] == ["id-alice"]

    assert len(desk.ai.calls) == 1
    prompt = desk.ai.calls[0].messages
    assert prompt[-1].content == ANSWER
    assert all(m.content != "I need help with my bill" for m in prompt)
    assert bodies([c.event for c in desk.sms.calls]) == [
        QUESTION,
        "Thanks, your bill is on its way.",
    ]
    assert bodies(desk.agent_inbox) == [ANSWER, "Thanks, your bill is on its way."]

    timeline = await desk.kit.get_timeline(ROOM, visibility_filter="all")
    messages = [e for e in timeline if e.type is EventType.MESSAGE]
    assert {e.id: e.status for e in messages}[held.id] is EventStatus.BLOCKED
    assert [e.status for e in messages if e.id != held.id] == [EventStatus.DELIVERED] * 3


async def test_an_identified_sender_is_announced_only_once(desk: Desk) -> None:
    await desk.text("hello?")
    await desk.text(ANSWER)
    followup = await desk.text("Also, can I pay by card?")

    assert followup.status is EventStatus.DELIVERED
    assert len(desk.identified) == 1
    assert len(desk.challenged) == 1
    assert len(desk.ai.calls) == 2
