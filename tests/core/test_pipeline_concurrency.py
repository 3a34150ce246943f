"""Concurrent delivery: idempotency under duplicates, one room per sender, index order."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from contextvars import ContextVar

import pytest
from pipeline_support import EchoAIProvider, FrameworkLog, body_of, message, messages_of

from roomkit import (
    AIChannel,
    ChannelCategory,
    HookTrigger,
    InboundMessage,
    InboundResult,
    InMemoryLockManager,
    InMemoryStore,
    MockSMSProvider,
    Room,
    RoomContext,
    RoomEvent,
    RoomKit,
    RoomStatus,
    SMSChannel,
    WebSocketChannel,
)
from tests.conftest import ChatRoom

SENDER: ContextVar[str | None] = ContextVar("SENDER", default=None)
"""Which test message the current task is delivering (set per gathered task)."""


class GrantRecordingLockManager(InMemoryLockManager):
    """An in-memory lock manager that records, per key, who was granted the lock, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.grants: list[tuple[str, str | None]] = []

    def locked(
        self, room_id: str, timeout: float | None = None
    ) -> AbstractAsyncContextManager[None]:
        """Hold the lock and note the grant."""
        return self._recorded(room_id, timeout)

    @asynccontextmanager
    async def _recorded(self, room_id: str, timeout: float | None) -> AsyncIterator[None]:
        async with super().locked(room_id, timeout):
            self.grants.append((room_id, SENDER.get()))
            yield


class YieldingStore(InMemoryStore):
    """An in-memory store that gives the loop a turn on lookups and writes, like real I/O."""

    async def find_room_id_by_channel(
        self, channel_id: str, status: RoomStatus | None = None
    ) -> str | None:
        await asyncio.sleep(0)
        return await super().find_room_id_by_channel(channel_id, status)

    async def create_room(self, room: Room) -> Room:
        await asyncio.sleep(0)
        return await super().create_room(room)


async def test_duplicate_deliveries_store_one_event(
    chat_room: ChatRoom, framework_log: FrameworkLog
) -> None:
    kit = chat_room.kit

    results = await asyncio.gather(
        *(chat_room.say("pay 10 EUR", idempotency_key="msg-42") for _ in range(10))
    )

    originals = [r for r in results if not r.duplicate]
    duplicates = [r for r in results if r.duplicate]
    assert len(originals) == 1 and len(duplicates) == 9
    assert all(r.blocked and r.reason == "duplicate" and r.event is None for r in duplicates)
    user_events = [
        e
        for e in messages_of(await kit.get_timeline(chat_room.room_id))
        if e.source.channel_id == "ws-user"
    ]
    assert [(body_of(e), e.idempotency_key) for e in user_events] == [("pay 10 EUR", "msg-42")]
    assert len(chat_room.provider.calls) == 1
    assert len(framework_log.of("duplicate_inbound")) == 9


async def test_a_later_duplicate_is_still_recognised(chat_room: ChatRoom) -> None:
    first = await chat_room.say("once", idempotency_key="k-1")
    second = await chat_room.say("once", idempotency_key="k-1")
    other = await chat_room.say("twice", idempotency_key="k-2")

    assert not first.duplicate and second.duplicate and not other.duplicate


@pytest.fixture
async def sms_kit() -> AsyncIterator[RoomKit]:
    """A kit on a yielding store with ``sms-1`` registered and no room yet."""
    async with RoomKit(store=YieldingStore()) as kit:
        kit.register_channel(SMSChannel("sms-1", provider=MockSMSProvider()))
        yield kit


async def test_duplicates_from_a_new_sender_create_one_room(sms_kit: RoomKit) -> None:
    kit = sms_kit
    framework_log = FrameworkLog()
    kit.on("*")(framework_log.record)

    results = await asyncio.gather(
        *(
            kit.process_inbound(message("sms-1", "hi", "+15557654321", idempotency_key="sid-1"))
            for _ in range(8)
        )
    )

    originals = [r for r in results if not r.duplicate]
    assert len(originals) == 1
    assert sum(r.duplicate for r in results) == 7
    rooms = await kit.store.list_rooms()
    assert len(rooms) == 1
    assert len(framework_log.of("room_created")) == 1
    stored = messages_of(await kit.get_timeline(rooms[0].id))
    assert [body_of(e) for e in stored] == ["hi"]


async def test_first_messages_racing_from_one_sender_share_one_room(sms_kit: RoomKit) -> None:
    kit = sms_kit

    results = await asyncio.gather(
        *(kit.process_inbound(message("sms-1", f"part {i}", "+15557654321")) for i in range(6))
    )

    room_ids = {r.event.room_id for r in results if r.event is not None}
    assert len(room_ids) == 1
    assert len(await kit.store.list_rooms()) == 1
    stored = messages_of(await kit.get_timeline(room_ids.pop()))
    assert sorted(body_of(e) or "" for e in stored) == [f"part {i}" for i in range(6)]


async def test_concurrent_messages_keep_index_order_and_lock_order() -> None:
    locks = GrantRecordingLockManager()
    async with RoomKit(lock_manager=locks) as kit:
        kit.register_channel(WebSocketChannel("ws-user"))
        kit.register_channel(AIChannel("ai-bot", provider=EchoAIProvider(yields=3)))
        await kit.create_room(room_id="room-1")
        await kit.attach_channel("room-1", "ws-user")
        await kit.attach_channel("room-1", "ai-bot", category=ChannelCategory.INTELLIGENCE)
        hook_order: list[str | None] = []

        @kit.hook(HookTrigger.BEFORE_BROADCAST, name="order")
        async def order(event: RoomEvent, ctx: RoomContext) -> None:
            if event.source.channel_id == "ws-user":
                hook_order.append(body_of(event))
            await asyncio.sleep(0)  # let the other deliveries pile up on the lock

        shuffle = random.Random(1234)

        async def deliver(number: int) -> InboundResult:
            SENDER.set(f"m{number}")
            for _ in range(shuffle.randrange(5)):  # arrive in a scrambled order
                await asyncio.sleep(0)
            return await kit.process_inbound(message("ws-user", f"m{number}"))

        results = await asyncio.gather(*(deliver(n) for n in range(50)))

        timeline = await kit.get_timeline("room-1", limit=500)
        assert [e.index for e in timeline] == list(range(len(timeline)))
        messages = messages_of(timeline)
        assert len(messages) == 100
        user = [e for e in messages if e.source.channel_id == "ws-user"]
        granted = [who for key, who in locks.grants if key == "room-1" and who is not None]
        assert [body_of(e) for e in user] == granted == hook_order
        assert granted != [f"m{n}" for n in range(50)], "the arrival order was not scrambled"
        # Each message is answered before the next one is processed: message, reply, ...
        for question, answer in zip(messages[::2], messages[1::2], strict=True):
            assert answer.parent_event_id == question.id
            assert body_of(answer) == f"re: {body_of(question)}"
            assert answer.index == question.index + 1
        for number, result in enumerate(results):
            assert result.event is not None and body_of(result.event) == f"m{number}"


class _ForgetfulChannel(WebSocketChannel):
    """Builds inbound events without copying the message's idempotency key."""

    async def handle_inbound(self, message: InboundMessage, context: RoomContext) -> RoomEvent:
        event = await super().handle_inbound(message, context)
        return event.model_copy(update={"idempotency_key": None})


async def test_the_message_key_is_kept_even_if_the_channel_drops_it(kit: RoomKit) -> None:
    kit.register_channel(_ForgetfulChannel("ws-user"))
    await kit.create_room(room_id="room-1")
    await kit.attach_channel("room-1", "ws-user")

    first = await kit.process_inbound(message("ws-user", "hi", idempotency_key="k"))
    again = await kit.process_inbound(message("ws-user", "hi", idempotency_key="k"))

    assert first.event is not None and first.event.idempotency_key == "k"
    assert again.duplicate
