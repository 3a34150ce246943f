"""Routing inbound messages to rooms: auto-created rooms, reuse, closed and paused rooms."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pipeline_support import FrameworkLog, body_of, message, messages_of, sent_bodies

from roomkit import (
    AIChannel,
    ChannelCategory,
    ChannelType,
    EventStatus,
    FrameworkEvent,
    HookExecution,
    HookTrigger,
    InboundRoomRouter,
    InMemoryStore,
    MockAIProvider,
    MockSMSProvider,
    RoomClosedError,
    RoomContext,
    RoomEvent,
    RoomKit,
    RoomStatus,
    SMSChannel,
    SQLiteStore,
    WebSocketChannel,
)

ALICE = "+15550000001"
BOB = "+15550000002"


@pytest.fixture
def sms(kit: RoomKit) -> MockSMSProvider:
    """An SMS channel ``sms-1`` registered on the kit but attached to no room."""
    provider = MockSMSProvider()
    kit.register_channel(SMSChannel("sms-1", provider=provider))
    return provider


async def test_first_message_from_a_new_sender_creates_a_room(
    kit: RoomKit, sms: MockSMSProvider, framework_log: FrameworkLog
) -> None:
    result = await kit.process_inbound(message("sms-1", "hi", ALICE))

    assert result.event is not None and not result.blocked
    room_id = result.event.room_id
    room = await kit.get_room(room_id)
    assert room.status == RoomStatus.ACTIVE
    binding = await kit.get_binding(room_id, "sms-1")
    assert binding.metadata["phone_number"] == ALICE
    assert binding.participant_id == ALICE
    assert binding.channel_type == ChannelType.SMS
    participants = await kit.store.list_participants(room_id)
    assert [p.id for p in participants] == [ALICE]
    assert [body_of(e) for e in messages_of(await kit.get_timeline(room_id))] == ["hi"]
    assert [e.room_id for e in framework_log.of("room_created")] == [room_id]
    assert framework_log.types.index("room_created") < framework_log.types.index("event_processed")


async def test_room_created_hook_can_attach_the_ai_before_the_first_message(
    kit: RoomKit, sms: MockSMSProvider
) -> None:
    ai = MockAIProvider(["Welcome! How can I help?"])
    kit.register_channel(AIChannel("ai-bot", provider=ai))

    @kit.hook(HookTrigger.ON_ROOM_CREATED, execution=HookExecution.ASYNC, name="add_ai")
    async def add_ai(event: RoomEvent, ctx: RoomContext | None) -> None:
        await kit.attach_channel(event.room_id, "ai-bot", category=ChannelCategory.INTELLIGENCE)

    result = await kit.process_inbound(message("sms-1", "hello?", ALICE))

    assert result.event is not None
    assert [str(c.messages[-1].content) for c in ai.calls] == ["hello?"]
    assert sent_bodies(sms) == ["Welcome! How can I help?"]
    assert [c.to for c in sms.calls] == [ALICE]


async def test_same_sender_goes_back_to_the_same_room(kit: RoomKit, sms: MockSMSProvider) -> None:
    first = await kit.process_inbound(message("sms-1", "one", ALICE))
    second = await kit.process_inbound(message("sms-1", "two", ALICE))

    assert first.event is not None and second.event is not None
    assert first.event.room_id == second.event.room_id
    assert len(await kit.store.list_rooms()) == 1


async def test_another_sender_gets_another_room(kit: RoomKit, sms: MockSMSProvider) -> None:
    alice = await kit.process_inbound(message("sms-1", "from alice", ALICE))
    bob = await kit.process_inbound(message("sms-1", "from bob", BOB))

    assert alice.event is not None and bob.event is not None
    assert alice.event.room_id != bob.event.room_id
    bob_binding = await kit.get_binding(bob.event.room_id, "sms-1")
    assert bob_binding.metadata["phone_number"] == BOB


async def test_a_closed_room_is_not_reused(
    kit: RoomKit, sms: MockSMSProvider, framework_log: FrameworkLog
) -> None:
    first = await kit.process_inbound(message("sms-1", "old conversation", ALICE))
    assert first.event is not None
    closed = await kit.close_room(first.event.room_id)
    assert closed.status == RoomStatus.CLOSED

    again = await kit.process_inbound(message("sms-1", "new conversation", ALICE))

    assert again.event is not None and again.event.status == EventStatus.DELIVERED
    assert again.event.room_id != first.event.room_id
    new_timeline = messages_of(await kit.get_timeline(again.event.room_id))
    old_timeline = messages_of(await kit.get_timeline(first.event.room_id))
    assert [body_of(e) for e in new_timeline] == ["new conversation"]
    assert [body_of(e) for e in old_timeline] == ["old conversation"]
    assert len(framework_log.of("room_created")) == 2
    assert [e.room_id for e in framework_log.of("room_closed")] == [first.event.room_id]


async def test_a_paused_room_is_reactivated_by_inbound() -> None:
    now = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)

    def clock() -> datetime:
        return now

    async with RoomKit(clock=clock) as kit:
        log = FrameworkLog()
        kit.on("*")(log.record)
        kit.register_channel(SMSChannel("sms-1", provider=MockSMSProvider()))
        room = await kit.create_room(metadata={"timers": {"inactive_after_seconds": 60}})
        await kit.attach_channel(
            room.id, "sms-1", participant_id=ALICE, metadata={"phone_number": ALICE}
        )
        now += timedelta(seconds=61)
        paused = await kit.check_room_timers(room.id)
        assert paused.status == RoomStatus.PAUSED

        result = await kit.process_inbound(message("sms-1", "I'm back", ALICE))

        assert result.event is not None and result.event.room_id == room.id
        assert (await kit.get_room(room.id)).status == RoomStatus.ACTIVE
        assert [e.room_id for e in log.of("room_resumed")] == [room.id]


@pytest.mark.parametrize("store_kind", ["memory", "sqlite"])
async def test_members_changed_while_a_room_resumes_get_the_message(
    store_kind: str, tmp_path: Path
) -> None:
    now = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)

    def clock() -> datetime:
        return now

    store = (
        InMemoryStore(clock=clock)
        if store_kind == "memory"
        else SQLiteStore(tmp_path / "kit.db", clock=clock)
    )
    async with RoomKit(store=store, clock=clock) as kit:
        kit.register_channel(SMSChannel("sms-1", provider=MockSMSProvider()))
        watcher = MockSMSProvider()
        kit.register_channel(SMSChannel("sms-watch", provider=watcher))
        room = await kit.create_room(metadata={"timers": {"inactive_after_seconds": 60}})
        await kit.attach_channel(
            room.id, "sms-1", participant_id=ALICE, metadata={"phone_number": ALICE}
        )
        now += timedelta(seconds=61)
        assert (await kit.check_room_timers(room.id)).status == RoomStatus.PAUSED

        @kit.on("room_resumed")
        async def watch(_event: FrameworkEvent) -> None:
            await kit.attach_channel(room.id, "sms-watch", metadata={"phone_number": BOB})

        await kit.process_inbound(message("sms-1", "I'm back", ALICE))

        assert sent_bodies(watcher) == ["I'm back"]


class _FixedRouter(InboundRoomRouter):
    """Routes every message to one room."""

    def __init__(self, room_id: str) -> None:
        self.room_id = room_id
        self.asked: list[tuple[str, ChannelType, str | None]] = []

    async def route(
        self, channel_id: str, channel_type: ChannelType, participant_id: str | None = None
    ) -> str | None:
        self.asked.append((channel_id, channel_type, participant_id))
        return self.room_id


async def test_custom_router_is_used_and_an_unbound_channel_is_attached() -> None:
    router = _FixedRouter("lobby")
    async with RoomKit(inbound_router=router) as kit:
        kit.register_channel(SMSChannel("sms-1", provider=MockSMSProvider()))
        await kit.create_room(room_id="lobby")

        result = await kit.process_inbound(message("sms-1", "hi", ALICE))

        assert router.asked == [("sms-1", ChannelType.SMS, ALICE)]
        assert result.event is not None and result.event.room_id == "lobby"
        binding = await kit.get_binding("lobby", "sms-1")
        assert binding.metadata == {"phone_number": ALICE}


async def test_inbound_routed_to_a_closed_room_is_refused() -> None:
    async with RoomKit(inbound_router=_FixedRouter("lobby")) as kit:
        kit.register_channel(WebSocketChannel("ws-user"))
        await kit.create_room(room_id="lobby")
        await kit.close_room("lobby")

        with pytest.raises(RoomClosedError):
            await kit.process_inbound(message("ws-user", "anyone?"))
