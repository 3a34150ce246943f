"""Binding management on the kit: attach options, detach, metadata, listing."""

from __future__ import annotations

from pipeline_support import FrameworkLog, add_sms, sent_bodies

from roomkit import (
    Access,
    ChannelCategory,
    ChannelDirection,
    EventType,
    HookExecution,
    HookTrigger,
    RateLimit,
    RetryPolicy,
    RoomContext,
    RoomEvent,
    RoomKit,
    WebSocketChannel,
)
from tests.conftest import ChatRoom


async def test_attach_takes_binding_fields_and_channel_defaults(kit: RoomKit) -> None:
    kit.register_channel(WebSocketChannel("ws-user"))
    await kit.create_room(room_id="room-1")

    binding = await kit.attach_channel(
        "room-1",
        "ws-user",
        access=Access.READ_ONLY,
        visibility="transport",
        muted=True,
        participant_id="alice",
        rate_limit=RateLimit(max_per_minute=10),
        retry_policy=RetryPolicy(max_retries=1),
        metadata={"team": "support"},
    )

    assert binding.room_id == "room-1" and binding.channel_id == "ws-user"
    assert binding.access is Access.READ_ONLY and binding.visibility == "transport"
    assert binding.muted and binding.participant_id == "alice"
    assert binding.rate_limit == RateLimit(max_per_minute=10)
    assert binding.retry_policy == RetryPolicy(max_retries=1)
    assert binding.metadata == {"team": "support"}
    assert binding.capabilities == WebSocketChannel("x").capabilities()
    assert binding.direction is ChannelDirection.BIDIRECTIONAL
    assert await kit.get_binding("room-1", "ws-user") == binding


async def test_the_registered_channel_decides_the_category(chat_room: ChatRoom) -> None:
    binding = await chat_room.kit.get_binding(chat_room.room_id, "ai-bot")
    ws = await chat_room.kit.get_binding(chat_room.room_id, "ws-user")

    assert binding.category is ChannelCategory.INTELLIGENCE
    assert ws.category is ChannelCategory.TRANSPORT


async def test_attaching_is_recorded_in_the_timeline_and_fires_its_hook(kit: RoomKit) -> None:
    attached: list[str] = []

    @kit.hook(HookTrigger.ON_CHANNEL_ATTACHED, execution=HookExecution.ASYNC)
    async def on_attached(event: RoomEvent, ctx: RoomContext) -> None:
        attached.append(event.source.channel_id)

    kit.register_channel(WebSocketChannel("ws-user"))
    await kit.create_room(room_id="room-1")
    await kit.attach_channel("room-1", "ws-user")

    [record] = await kit.get_timeline("room-1")
    assert record.type is EventType.CHANNEL_ATTACHED
    assert record.visibility == "none"
    assert attached == ["ws-user"]


async def test_detach_stops_deliveries_and_is_reported(
    chat_room: ChatRoom, framework_log: FrameworkLog
) -> None:
    kit = chat_room.kit
    sms = await add_sms(kit, chat_room.room_id)
    detached: list[str] = []

    @kit.hook(HookTrigger.ON_CHANNEL_DETACHED, execution=HookExecution.ASYNC)
    async def on_detached(event: RoomEvent, ctx: RoomContext) -> None:
        detached.append(event.source.channel_id)

    assert await kit.detach_channel(chat_room.room_id, "sms-1") is True
    assert await kit.detach_channel(chat_room.room_id, "sms-1") is False
    await chat_room.say("anyone on sms?")

    assert sent_bodies(sms) == []
    assert detached == ["sms-1"]
    assert [e.channel_id for e in framework_log.of("room_channel_detached")] == ["sms-1"]
    types = [e.type for e in await kit.get_timeline(chat_room.room_id)]
    assert EventType.CHANNEL_DETACHED in types


async def test_binding_metadata_is_merged_and_used_for_delivery(chat_room: ChatRoom) -> None:
    kit = chat_room.kit
    sms = await add_sms(kit, chat_room.room_id, phone="+15550000001")

    updated = await kit.update_binding_metadata(
        chat_room.room_id, "sms-1", {"phone_number": "+15550000002", "label": "mobile"}
    )
    await chat_room.say("hello")

    assert updated.metadata == {"phone_number": "+15550000002", "label": "mobile"}
    assert {call.to for call in sms.calls} == {"+15550000002"}


async def test_binding_metadata_configures_the_ai_per_room(chat_room: ChatRoom) -> None:
    kit = chat_room.kit
    await kit.update_binding_metadata(
        chat_room.room_id, "ai-bot", {"system_prompt": "Answer in French."}
    )

    await chat_room.say("hello")

    assert chat_room.provider.calls[0].system_prompt == "Answer in French."


async def test_list_bindings(chat_room: ChatRoom) -> None:
    bindings = await chat_room.kit.list_bindings(chat_room.room_id)

    assert sorted(b.channel_id for b in bindings) == ["ai-bot", "ws-user"]
