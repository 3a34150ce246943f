"""Chain depth: AI channels answering each other stop at ``max_chain_depth``."""

from __future__ import annotations

from pipeline_support import EchoAIProvider, FrameworkLog, body_of, message, messages_of

from roomkit import (
    AIChannel,
    ChannelCategory,
    EventStatus,
    RoomKit,
    TextContent,
    WebSocketChannel,
)
from tests.conftest import Inbox

LIMIT = "event_chain_depth_limit"


async def _two_bots(kit: RoomKit) -> Inbox:
    """Room ``room-1``: a WebSocket user and two AIs that answer everything they see."""
    inbox = Inbox()
    kit.register_channel(WebSocketChannel("ws-user"))
    kit.register_channel(AIChannel("bot-a", provider=EchoAIProvider("a: ")))
    kit.register_channel(AIChannel("bot-b", provider=EchoAIProvider("b: ")))
    await kit.create_room(room_id="room-1")
    await kit.attach_channel("room-1", "ws-user")
    for bot in ("bot-a", "bot-b"):
        await kit.attach_channel("room-1", bot, category=ChannelCategory.INTELLIGENCE)
    await kit.connect_websocket("ws-user", "conn-1", inbox.send)
    return inbox


async def test_two_ais_stop_at_the_depth_limit() -> None:
    async with RoomKit(max_chain_depth=2) as kit:
        log = FrameworkLog()
        kit.on("*")(log.record)
        inbox = await _two_bots(kit)

        result = await kit.process_inbound(message("ws-user", "hi bots"))

        assert not result.blocked
        events = messages_of(await kit.get_timeline("room-1", limit=100))
        delivered = [e for e in events if e.status != EventStatus.BLOCKED]
        blocked = [e for e in events if e.status == EventStatus.BLOCKED]
        assert sorted(e.chain_depth for e in delivered) == [0, 1, 1, 2, 2]
        assert [(e.chain_depth, e.blocked_by) for e in blocked] == [(3, LIMIT), (3, LIMIT)]
        assert {body_of(e) for e in blocked} == {"a: b: a: hi bots", "b: a: b: hi bots"}
        # Only the replies within the limit reached the user.
        assert sorted(inbox.texts) == sorted(
            body_of(e) for e in delivered if e.source.channel_id != "ws-user"
        )
        observations = await kit.list_observations("room-1")
        assert [o.category for o in observations] == ["chain_depth_exceeded"] * 2
        assert {o.metadata["event_id"] for o in observations} == {e.id for e in blocked}
        exceeded = log.of("chain_depth_exceeded")
        assert len(exceeded) == 2
        assert {e.channel_id for e in exceeded} == {"bot-a", "bot-b"}
        assert all(e.data == {"chain_depth": 3, "max": 2} for e in exceeded)
        assert [e.data["blocked_by"] for e in log.of("event_blocked")] == [LIMIT, LIMIT]


async def test_default_limit_is_five(kit: RoomKit) -> None:
    await _two_bots(kit)

    await kit.process_inbound(message("ws-user", "go"))

    events = messages_of(await kit.get_timeline("room-1", limit=100))
    assert max(e.chain_depth for e in events if e.status != EventStatus.BLOCKED) == 5
    assert {e.chain_depth for e in events if e.status == EventStatus.BLOCKED} == {6}


async def test_zero_depth_blocks_the_first_ai_reply() -> None:
    async with RoomKit(max_chain_depth=0) as kit:
        provider = EchoAIProvider()
        inbox = Inbox()
        kit.register_channel(WebSocketChannel("ws-user"))
        kit.register_channel(AIChannel("bot", provider=provider))
        await kit.create_room(room_id="room-1")
        await kit.attach_channel("room-1", "ws-user")
        await kit.attach_channel("room-1", "bot", category=ChannelCategory.INTELLIGENCE)
        await kit.connect_websocket("ws-user", "conn-1", inbox.send)

        result = await kit.process_inbound(message("ws-user", "hello"))

        assert not result.blocked
        assert provider.prompts == ["hello"]
        events = messages_of(await kit.get_timeline("room-1"))
        assert [(body_of(e), e.status, e.blocked_by) for e in events] == [
            ("hello", EventStatus.DELIVERED, None),
            ("re: hello", EventStatus.BLOCKED, LIMIT),
        ]
        assert inbox.events == []


async def test_direct_send_carries_its_chain_depth() -> None:
    async with RoomKit(max_chain_depth=3) as kit:
        await _two_bots(kit)

        sent = await kit.send_event("room-1", "ws-user", TextContent(body="deep"), chain_depth=3)

        assert sent.chain_depth == 3
        events = messages_of(await kit.get_timeline("room-1"))
        assert [(e.chain_depth, e.status) for e in events[1:]] == [
            (4, EventStatus.BLOCKED),
            (4, EventStatus.BLOCKED),
        ]
