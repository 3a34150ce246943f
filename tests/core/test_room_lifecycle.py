"""Rooms through the kit: creation, closing, archiving, channel lifecycle hooks, metadata."""

from __future__ import annotations

import pytest
from kit_support import HookCalls, UTCClock
from pipeline_support import FrameworkLog, message

from roomkit import (
    ChannelNotRegisteredError,
    ChannelType,
    EventType,
    HookExecution,
    HookTrigger,
    InboundRoomRouter,
    MockSMSProvider,
    RoomClosedError,
    RoomContext,
    RoomEvent,
    RoomKit,
    RoomNotFoundError,
    RoomStatus,
    SMSChannel,
    TextContent,
    WebSocketChannel,
)


def on(kit: RoomKit, trigger: HookTrigger) -> HookCalls:
    """Register a recording async hook for ``trigger``."""
    calls = HookCalls()
    kit.hook(trigger, HookExecution.ASYNC)(calls.hook)
    return calls


async def test_create_and_get_a_room(kit: RoomKit, framework_log: FrameworkLog) -> None:
    created_hook = on(kit, HookTrigger.ON_ROOM_CREATED)
    room = await kit.create_room("room-1", metadata={"topic": "billing"})

    assert room.id == "room-1" and room.status is RoomStatus.ACTIVE
    assert room.metadata == {"topic": "billing"}
    assert await kit.get_room("room-1") == room
    [event] = created_hook.subjects
    assert isinstance(event, RoomEvent) and event.room_id == "room-1"
    assert [e.room_id for e in framework_log.of("room_created")] == ["room-1"]


async def test_a_room_gets_an_id_when_none_is_given(kit: RoomKit) -> None:
    first = await kit.create_room()
    second = await kit.create_room()
    assert first.id and second.id and first.id != second.id


async def test_room_ids_are_unique(kit: RoomKit) -> None:
    await kit.create_room("room-1")
    with pytest.raises(ValueError, match="already exists"):
        await kit.create_room("room-1")


async def test_unknown_rooms_raise(kit: RoomKit) -> None:
    with pytest.raises(RoomNotFoundError):
        await kit.get_room("nope")
    with pytest.raises(RoomNotFoundError):
        await kit.close_room("nope")
    with pytest.raises(RoomNotFoundError):
        await kit.update_room_metadata("nope", {"a": 1})


async def test_close_room_is_idempotent_and_fires_once() -> None:
    clock = UTCClock()
    async with RoomKit(clock=clock) as kit:
        closed_hook = on(kit, HookTrigger.ON_ROOM_CLOSED)
        await kit.create_room("room-1")
        clock.advance(30)
        closed = await kit.close_room("room-1")
        again = await kit.close_room("room-1")

    assert closed.status is RoomStatus.CLOSED
    assert closed.closed_at == clock.now
    assert again == closed
    [(event, context)] = closed_hook.args
    assert isinstance(event, RoomEvent) and event.room_id == "room-1"
    assert isinstance(context, RoomContext) and context.room.status is RoomStatus.CLOSED


async def test_archive_closes_first_then_archives(
    kit: RoomKit, framework_log: FrameworkLog
) -> None:
    closed_hook = on(kit, HookTrigger.ON_ROOM_CLOSED)
    await kit.create_room("room-1")
    archived = await kit.archive_room("room-1")

    assert archived.status is RoomStatus.ARCHIVED
    assert (await kit.get_room("room-1")).status is RoomStatus.ARCHIVED
    assert await kit.archive_room("room-1") == archived
    assert (await kit.close_room("room-1")).status is RoomStatus.ARCHIVED
    assert len(closed_hook) == 1
    assert [e.type for e in framework_log.events if e.type.startswith("room_")] == [
        "room_created",
        "room_closed",
        "room_archived",
    ]


async def test_archiving_a_closed_room_keeps_its_closing_time(kit: RoomKit) -> None:
    await kit.create_room("room-1")
    closed = await kit.close_room("room-1")
    archived = await kit.archive_room("room-1")
    assert archived.closed_at == closed.closed_at


@pytest.mark.parametrize(
    ("trigger", "event_type"),
    [
        (HookTrigger.ON_CHANNEL_ATTACHED, EventType.CHANNEL_ATTACHED),
        (HookTrigger.ON_CHANNEL_MUTED, EventType.CHANNEL_MUTED),
        (HookTrigger.ON_CHANNEL_UNMUTED, EventType.CHANNEL_UNMUTED),
        (HookTrigger.ON_CHANNEL_DETACHED, EventType.CHANNEL_DETACHED),
    ],
)
async def test_channel_lifecycle_hooks(
    kit: RoomKit, trigger: HookTrigger, event_type: EventType
) -> None:
    calls = on(kit, trigger)
    kit.register_channel(WebSocketChannel("ws-1"))
    await kit.create_room("room-1")
    await kit.create_room("room-2")
    await kit.attach_channel("room-2", "ws-1")
    await kit.attach_channel("room-1", "ws-1")
    await kit.mute("room-1", "ws-1")
    await kit.unmute("room-1", "ws-1")
    assert await kit.detach_channel("room-1", "ws-1")

    expected_calls = 2 if trigger is HookTrigger.ON_CHANNEL_ATTACHED else 1
    assert len(calls) == expected_calls
    event, context = calls.args[-1]
    assert isinstance(event, RoomEvent)
    assert event.type is event_type
    assert event.room_id == "room-1"
    assert event.source.channel_id == "ws-1"
    assert isinstance(context, RoomContext) and context.room.id == "room-1"
    timeline = await kit.get_timeline("room-1")
    assert event.id in {e.id for e in timeline}
    assert [e.visibility for e in timeline] == ["none"] * len(timeline)


async def test_mute_state_is_kept_on_the_binding(kit: RoomKit) -> None:
    kit.register_channel(WebSocketChannel("ws-1"))
    await kit.create_room("room-1")
    await kit.attach_channel("room-1", "ws-1")
    assert (await kit.mute("room-1", "ws-1")).muted
    assert (await kit.get_binding("room-1", "ws-1")).muted
    assert not (await kit.unmute("room-1", "ws-1")).muted


async def test_detaching_an_absent_channel_fires_nothing(kit: RoomKit) -> None:
    calls = on(kit, HookTrigger.ON_CHANNEL_DETACHED)
    await kit.create_room("room-1")
    assert not await kit.detach_channel("room-1", "ws-1")
    assert len(calls) == 0


async def test_attach_rules(kit: RoomKit) -> None:
    await kit.create_room("room-1")
    with pytest.raises(ChannelNotRegisteredError):
        await kit.attach_channel("room-1", "unregistered")
    with pytest.raises(TypeError, match="colour"):
        await kit.attach_channel("room-1", "x", channel_type=ChannelType.SMS, colour="red")
    binding = await kit.attach_channel("room-1", "external", channel_type=ChannelType.WEBHOOK)
    assert binding.channel_type is ChannelType.WEBHOOK
    await kit.close_room("room-1")
    with pytest.raises(RoomClosedError):
        await kit.attach_channel("room-1", "other", channel_type=ChannelType.SMS)


async def test_update_room_metadata_merges(kit: RoomKit) -> None:
    await kit.create_room("room-1", metadata={"topic": "billing", "priority": 1})
    updated = await kit.update_room_metadata("room-1", {"priority": 2, "agent": "sam"})
    assert updated.metadata == {"topic": "billing", "priority": 2, "agent": "sam"}
    assert (await kit.get_room("room-1")).metadata == updated.metadata


async def test_room_hooks_apply_to_their_room_until_removed(kit: RoomKit) -> None:
    calls = HookCalls()
    kit.register_channel(WebSocketChannel("ws-1"))
    for room_id in ("room-1", "room-2"):
        await kit.create_room(room_id)
        await kit.attach_channel(room_id, "ws-1")
    kit.add_room_hook(
        "room-1", HookTrigger.ON_CHANNEL_MUTED, HookExecution.ASYNC, calls.hook, name="watch"
    )

    await kit.mute("room-2", "ws-1")
    await kit.mute("room-1", "ws-1")
    assert [e.room_id for e in calls.subjects] == ["room-1"]

    assert kit.remove_room_hook("room-1", "watch")
    assert not kit.remove_room_hook("room-1", "watch")
    assert not kit.remove_room_hook("room-2", "watch")
    await kit.mute("room-1", "ws-1")
    assert len(calls) == 1


async def test_inbound_after_close_opens_a_new_room(
    kit: RoomKit, framework_log: FrameworkLog
) -> None:
    provider = MockSMSProvider()
    kit.register_channel(SMSChannel("sms-1", provider=provider))
    created_hook = on(kit, HookTrigger.ON_ROOM_CREATED)
    first = await kit.process_inbound(message("sms-1", "first", "+15550001111"))
    assert first.event is not None
    old_room = first.event.room_id
    await kit.close_room(old_room)
    count_before = await kit.store.get_event_count(old_room)

    second = await kit.process_inbound(message("sms-1", "second", "+15550001111"))

    assert second.event is not None and not second.blocked
    assert second.event.room_id != old_room
    assert await kit.store.get_event_count(old_room) == count_before
    stored = await kit.store.get_event(second.event.id)
    assert stored is not None and stored.room_id == second.event.room_id
    assert [e.room_id for e in created_hook.subjects] == [old_room, second.event.room_id]
    new_binding = await kit.get_binding(second.event.room_id, "sms-1")
    assert new_binding.metadata == {"phone_number": "+15550001111"}


class FixedRouter(InboundRoomRouter):
    """Sends every message to one room, whatever its state."""

    def __init__(self, room_id: str) -> None:
        self.room_id = room_id

    async def route(
        self, channel_id: str, channel_type: ChannelType, participant_id: str | None = None
    ) -> str | None:
        """Always the configured room."""
        return self.room_id


async def test_a_router_choosing_a_closed_room_gets_an_error_not_silence() -> None:
    async with RoomKit(inbound_router=FixedRouter("room-1")) as kit:
        kit.register_channel(WebSocketChannel("ws-1"))
        await kit.create_room("room-1")
        await kit.attach_channel("room-1", "ws-1")
        await kit.close_room("room-1")
        with pytest.raises(RoomClosedError):
            await kit.process_inbound(message("ws-1", "anyone?"))


async def test_direct_sends_to_a_closed_room_are_refused(kit: RoomKit) -> None:
    await kit.create_room("room-1")
    await kit.close_room("room-1")
    with pytest.raises(RoomClosedError):
        await kit.send_event("room-1", "system", TextContent(body="hi"))
