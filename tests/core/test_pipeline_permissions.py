"""Bindings as permissions: mute, visibility, access and direction."""

from __future__ import annotations

import pytest
from pipeline_support import EchoAIProvider, add_sms, body_of, message, messages_of, sent_bodies

from roomkit import (
    Access,
    AIChannel,
    ChannelCategory,
    ChannelDirection,
    EventStatus,
    EventType,
    HookExecution,
    HookTrigger,
    MockAIProvider,
    MockSMSProvider,
    RoomContext,
    RoomEvent,
    RoomKit,
    TextContent,
    WebSocketChannel,
)
from tests.conftest import ChatRoom

# --- mute ----------------------------------------------------------------------------


async def _room_with_observant_ai(kit: RoomKit, chat_room: ChatRoom) -> EchoAIProvider:
    provider = EchoAIProvider(task_titles=["call back"], observations=["customer is upset"])
    kit.register_channel(AIChannel("ai-analyst", provider=provider))
    await kit.attach_channel(
        chat_room.room_id, "ai-analyst", category=ChannelCategory.INTELLIGENCE
    )
    await kit.detach_channel(chat_room.room_id, "ai-bot")
    return provider


async def test_muted_ai_still_thinks_but_its_reply_is_not_broadcast(
    chat_room: ChatRoom,
) -> None:
    kit = chat_room.kit
    provider = await _room_with_observant_ai(kit, chat_room)
    sms = await add_sms(kit, chat_room.room_id)

    binding = await kit.mute(chat_room.room_id, "ai-analyst")
    assert binding.muted is True
    result = await chat_room.say("this is terrible")

    assert not result.blocked
    assert provider.prompts == ["this is terrible"]
    bodies = [body_of(e) for e in messages_of(await kit.get_timeline(chat_room.room_id))]
    assert bodies == ["this is terrible"]
    assert chat_room.inbox.events == []
    assert sent_bodies(sms) == ["this is terrible"]
    assert [t.title for t in await kit.list_tasks(chat_room.room_id)] == ["call back"]
    observations = await kit.list_observations(chat_room.room_id)
    assert [o.content for o in observations] == ["customer is upset"]


async def test_unmuting_the_ai_restores_its_replies(chat_room: ChatRoom) -> None:
    kit = chat_room.kit
    await kit.mute(chat_room.room_id, "ai-bot")
    await chat_room.say("first")
    assert chat_room.inbox.events == []

    binding = await kit.unmute(chat_room.room_id, "ai-bot")
    await chat_room.say("second")

    assert binding.muted is False
    assert chat_room.inbox.texts == ["Hello from the bot"]
    assert len(chat_room.provider.calls) == 2


async def test_mute_and_unmute_are_recorded_and_fire_their_hooks(chat_room: ChatRoom) -> None:
    kit = chat_room.kit
    fired: list[tuple[HookTrigger, str]] = []

    for trigger in (HookTrigger.ON_CHANNEL_MUTED, HookTrigger.ON_CHANNEL_UNMUTED):

        async def hook(event: RoomEvent, ctx: RoomContext, trigger: HookTrigger = trigger) -> None:
            fired.append((trigger, event.source.channel_id))

        kit.hook(trigger, execution=HookExecution.ASYNC, name=f"on_{trigger}")(hook)

    await kit.mute(chat_room.room_id, "ai-bot")
    await kit.unmute(chat_room.room_id, "ai-bot")

    assert fired == [
        (HookTrigger.ON_CHANNEL_MUTED, "ai-bot"),
        (HookTrigger.ON_CHANNEL_UNMUTED, "ai-bot"),
    ]
    types = [e.type for e in await kit.get_timeline(chat_room.room_id)]
    assert EventType.CHANNEL_MUTED in types and EventType.CHANNEL_UNMUTED in types


async def test_muted_transport_source_is_stored_blocked(chat_room: ChatRoom) -> None:
    kit = chat_room.kit
    await kit.mute(chat_room.room_id, "ws-user")

    result = await chat_room.say("can anyone hear me")

    assert result.blocked and result.reason == "channel_muted"
    assert result.event is not None
    assert result.event.status == EventStatus.BLOCKED
    assert result.event.blocked_by == "channel_muted"
    assert chat_room.provider.calls == []

    await kit.unmute(chat_room.room_id, "ws-user")
    again = await chat_room.say("how about now")
    assert not again.blocked
    assert chat_room.inbox.texts == ["Hello from the bot"]


# --- visibility ------------------------------------------------------------------------


async def _visibility_room(kit: RoomKit) -> tuple[MockAIProvider, dict[str, MockSMSProvider]]:
    """A room where ``ws-user`` speaks to two SMS channels and an AI."""
    ai = MockAIProvider(["noted"])
    kit.register_channel(AIChannel("ai-bot", provider=ai))
    await kit.create_room(room_id="room-v")
    kit.register_channel(WebSocketChannel("ws-user"))
    await kit.attach_channel("room-v", "ws-user")
    await kit.attach_channel("room-v", "ai-bot", category=ChannelCategory.INTELLIGENCE)
    sms1 = await add_sms(kit, "room-v", "sms-1", "+15550000001")
    sms2 = await add_sms(kit, "room-v", "sms-2", "+15550000002")
    return ai, {"sms-1": sms1, "sms-2": sms2}


@pytest.mark.parametrize(
    ("visibility", "receivers"),
    [
        ("all", {"sms-1", "sms-2", "ai-bot"}),
        ("none", set()),
        ("transport", {"sms-1", "sms-2"}),
        ("intelligence", {"ai-bot"}),
        ("sms-2,ai-bot", {"sms-2", "ai-bot"}),
        ("sms-1", {"sms-1"}),
    ],
)
async def test_source_visibility_decides_who_receives(
    kit: RoomKit, visibility: str, receivers: set[str]
) -> None:
    ai, sms = await _visibility_room(kit)
    await kit.set_visibility("room-v", "ws-user", visibility)

    result = await kit.process_inbound(message("ws-user", "secret plan"))

    assert result.event is not None and result.event.visibility == visibility
    got = {cid for cid, p in sms.items() if "secret plan" in sent_bodies(p)}
    if any("secret plan" in str(call.messages[-1].content) for call in ai.calls):
        got.add("ai-bot")
    assert got == receivers


async def test_timeline_can_be_filtered_by_visibility(kit: RoomKit) -> None:
    await _visibility_room(kit)
    await kit.process_inbound(message("ws-user", "for everyone"))
    await kit.set_visibility("room-v", "ws-user", "transport")
    await kit.process_inbound(message("ws-user", "for transports"))
    binding = await kit.set_visibility("room-v", "ws-user", "ai-bot")
    await kit.process_inbound(message("ws-user", "for the bot"))

    assert binding.visibility == "ai-bot"
    transport = await kit.get_timeline("room-v", visibility_filter="transport")
    only_bot = await kit.get_timeline("room-v", visibility_filter="ai-bot")
    everyone = messages_of(await kit.get_timeline("room-v", visibility_filter="all"))
    assert [body_of(e) for e in transport] == ["for transports"]
    assert [body_of(e) for e in only_bot] == ["for the bot"]
    assert "for everyone" in [body_of(e) for e in everyone]
    assert "for transports" not in [body_of(e) for e in everyone]


async def test_visibility_applies_to_direct_sends(kit: RoomKit) -> None:
    _, sms = await _visibility_room(kit)
    await kit.set_visibility("room-v", "ws-user", "sms-2")

    event = await kit.send_event("room-v", "ws-user", TextContent(body="direct"))

    assert event.visibility == "sms-2"
    assert sent_bodies(sms["sms-1"]) == []
    assert sent_bodies(sms["sms-2"]) == ["direct"]


# --- access and direction ----------------------------------------------------------------


async def test_read_only_source_is_stored_blocked_access_denied(chat_room: ChatRoom) -> None:
    kit = chat_room.kit
    await kit.set_access(chat_room.room_id, "ws-user", Access.READ_ONLY)

    result = await chat_room.say("let me in")

    assert result.blocked and result.reason == "access_denied"
    assert result.event is not None
    assert (result.event.status, result.event.blocked_by) == (EventStatus.BLOCKED, "access_denied")
    assert chat_room.provider.calls == []


async def test_read_only_channel_still_receives(chat_room: ChatRoom) -> None:
    kit = chat_room.kit
    sms = await add_sms(kit, chat_room.room_id, access=Access.READ_ONLY)

    await chat_room.say("broadcast me")

    assert sent_bodies(sms) == ["broadcast me", "Hello from the bot"]


async def test_write_only_target_does_not_receive_but_may_send(chat_room: ChatRoom) -> None:
    kit = chat_room.kit
    sms = await add_sms(kit, chat_room.room_id, access=Access.WRITE_ONLY)

    await chat_room.say("hello all")
    from_sms = await kit.process_inbound(message("sms-1", "hello from sms", "+15550001111"))

    assert sent_bodies(sms) == []
    assert not from_sms.blocked
    assert "hello from sms" in [body_of(e) for _, e in chat_room.inbox.events]


async def test_access_none_neither_sends_nor_receives(chat_room: ChatRoom) -> None:
    kit = chat_room.kit
    sms = await add_sms(kit, chat_room.room_id)
    binding = await kit.set_access(chat_room.room_id, "sms-1", Access.NONE)

    await chat_room.say("anyone?")
    from_sms = await kit.process_inbound(message("sms-1", "me!", "+15550001111"))

    assert binding.access == Access.NONE
    assert sent_bodies(sms) == []
    assert from_sms.blocked and from_sms.reason == "access_denied"


async def test_set_access_accepts_the_string_value(chat_room: ChatRoom) -> None:
    binding = await chat_room.kit.set_access(
        chat_room.room_id,
        "ws-user",
        "read_only",  # type: ignore[arg-type]
    )

    assert binding.access is Access.READ_ONLY


async def test_inbound_only_binding_receives_nothing(chat_room: ChatRoom) -> None:
    kit = chat_room.kit
    sms = await add_sms(kit, chat_room.room_id, direction=ChannelDirection.INBOUND)

    await chat_room.say("hello")
    from_sms = await kit.process_inbound(message("sms-1", "inbound works", "+15550001111"))

    assert sent_bodies(sms) == []
    assert not from_sms.blocked


async def test_outbound_only_binding_cannot_originate_inbound(chat_room: ChatRoom) -> None:
    kit = chat_room.kit
    sms = await add_sms(kit, chat_room.room_id, direction=ChannelDirection.OUTBOUND)

    from_sms = await kit.process_inbound(message("sms-1", "sneaky", "+15550001111"))
    sent = await kit.send_event(chat_room.room_id, "sms-1", TextContent(body="notice"))
    await chat_room.say("hello")

    assert from_sms.blocked and from_sms.reason == "outbound_only"
    assert sent.status == EventStatus.DELIVERED
    assert "hello" in sent_bodies(sms)


async def test_direct_send_from_a_muted_channel_is_blocked(chat_room: ChatRoom) -> None:
    kit = chat_room.kit
    await kit.mute(chat_room.room_id, "ws-user")

    event = await kit.send_event(chat_room.room_id, "ws-user", TextContent(body="shh"))

    assert (event.status, event.blocked_by) == (EventStatus.BLOCKED, "channel_muted")
    assert chat_room.provider.calls == []
