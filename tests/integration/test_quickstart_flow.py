"""End-to-end flows through the public API only: the quickstart and a support desk."""

from __future__ import annotations

import re

from roomkit import (
    AIChannel,
    ChannelCategory,
    EventStatus,
    EventType,
    FrameworkEvent,
    HookExecution,
    HookResult,
    HookTrigger,
    InboundMessage,
    MockAIProvider,
    MockSMSProvider,
    RoomContext,
    RoomEvent,
    RoomKit,
    SMSChannel,
    Task,
    TextContent,
    WebSocketChannel,
)
from tests.conftest import ChatRoom, Inbox

CARD = re.compile(r"\b\d(?:[ -]?\d){12,15}\b")


def _messages(events: list[RoomEvent]) -> list[tuple[str, str]]:
    return [
        (e.source.channel_id, getattr(e.content, "body", ""))
        for e in events
        if e.type is EventType.MESSAGE
    ]


async def test_quickstart_conversation(chat_room: ChatRoom) -> None:
    first = await chat_room.say("Hello")
    second = await chat_room.say("What can you do?")

    assert first.event is not None and not first.blocked
    assert second.event is not None and second.event.index > first.event.index
    timeline = await chat_room.kit.get_timeline(chat_room.room_id)
    assert _messages(timeline) == [
        ("ws-user", "Hello"),
        ("ai-bot", "Hello from the bot"),
        ("ws-user", "What can you do?"),
        ("ai-bot", "Hello from the bot"),
    ]
    assert all(e.status is EventStatus.DELIVERED for e in timeline)
    assert [cid for cid, _ in chat_room.inbox.events] == ["conn-1", "conn-1"]
    assert chat_room.inbox.texts == ["Hello from the bot", "Hello from the bot"]
    # The second request carries the conversation so far, oldest first.
    history = [(m.role, m.content) for m in chat_room.provider.calls[1].messages]
    assert history == [
        ("user", "Hello"),
        ("assistant", "Hello from the bot"),
        ("user", "What can you do?"),
    ]
    reply = timeline[-1]
    assert reply.parent_event_id == second.event.id and reply.chain_depth == 1
    assert reply.delivery_results["ws-user"]["status"] == "delivered"


async def test_support_desk_with_sms_customer_ai_and_human_agent() -> None:
    customer = "+15551234567"
    sms = MockSMSProvider()
    ai = MockAIProvider(["Thanks, an agent will follow up."])
    agent_inbox = Inbox()
    reported: list[FrameworkEvent] = []

    async with RoomKit() as kit:
        kit.register_channel(SMSChannel("sms", provider=sms))
        kit.register_channel(WebSocketChannel("ws-agent"))
        kit.register_channel(AIChannel("ai", provider=ai, system_prompt="Be brief."))
        await kit.connect_websocket("ws-agent", "agent-1", agent_inbox.send)

        @kit.on("*")
        async def report(event: FrameworkEvent) -> None:
            reported.append(event)

        @kit.hook(HookTrigger.ON_ROOM_CREATED, execution=HookExecution.ASYNC, name="staff")
        async def staff(event: RoomEvent, ctx: RoomContext | None) -> None:
            await kit.attach_channel(event.room_id, "ai", category=ChannelCategory.INTELLIGENCE)
            await kit.attach_channel(event.room_id, "ws-agent")

        @kit.hook(HookTrigger.BEFORE_BROADCAST, name="redact_cards")
        async def redact_cards(event: RoomEvent, ctx: RoomContext) -> HookResult | None:
            body = getattr(event.content, "body", "")
            if not CARD.search(body):
                return None
            clean = event.model_copy(
                update={"content": TextContent(body=CARD.sub("[card]", body))}
            )
            follow_up = Task(room_id=event.room_id, title="Card number shared over SMS")
            return HookResult.modify(clean, tasks=[follow_up])

        first = await kit.process_inbound(
            InboundMessage(
                channel_id="sms",
                sender_id=customer,
                content=TextContent(body="Charge 4111 1111 1111 1111 failed"),
                idempotency_key="SM1",
            )
        )
        assert first.event is not None
        room_id = first.event.room_id

        # The customer got the AI's answer by SMS; the agent saw both sides, redacted.
        assert [(c.to, getattr(c.event.content, "body", "")) for c in sms.calls] == [
            (customer, "Thanks, an agent will follow up.")
        ]
        assert agent_inbox.texts == [
            "Charge [card] failed",
            "Thanks, an agent will follow up.",
        ]
        assert ai.calls[0].system_prompt == "Be brief."
        assert [t.title for t in await kit.list_tasks(room_id)] == ["Card number shared over SMS"]

        # A webhook retry of the same SMS is recognised.
        retry = await kit.process_inbound(
            InboundMessage(
                channel_id="sms",
                sender_id=customer,
                content=TextContent(body="Charge 4111 1111 1111 1111 failed"),
                idempotency_key="SM1",
            )
        )
        assert retry.duplicate

        # The human takes over: the AI keeps listening but no longer answers.
        await kit.mute(room_id, "ai")
        await kit.process_inbound(
            InboundMessage(
                channel_id="ws-agent",
                sender_id="agent-7",
                content=TextContent(body="Hi, this is Sam. I've reset the charge."),
            )
        )
        await kit.process_inbound(
            InboundMessage(
                channel_id="sms", sender_id=customer, content=TextContent(body="Thanks!")
            )
        )

        assert len(ai.calls) == 3
        assert getattr(sms.calls[-1].event.content, "body", "") == (
            "Hi, this is Sam. I've reset the charge."
        )
        assert agent_inbox.texts[-1] == "Thanks!"
        assert _messages(await kit.get_timeline(room_id)) == [
            ("sms", "Charge [card] failed"),
            ("ai", "Thanks, an agent will follow up."),
            ("ws-agent", "Hi, this is Sam. I've reset the charge."),
            ("sms", "Thanks!"),
        ]
        assert len(await kit.store.list_rooms()) == 1
        types = {e.type for e in reported}
        assert {"room_created", "room_channel_attached", "event_processed"} <= types
        assert "duplicate_inbound" in types
