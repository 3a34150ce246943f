"""Read tracking, timeline / task / observation queries and direct sends through the kit."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from kit_support import HookCalls
from pipeline_support import EchoAIProvider, FrameworkLog, body_of, messages_of

from roomkit import (
    AIChannel,
    ChannelCategory,
    ChannelDirection,
    ChannelNotFoundError,
    ChannelType,
    EventNotFoundError,
    EventStatus,
    EventType,
    HookExecution,
    HookTrigger,
    RoomContext,
    RoomKit,
    RoomNotFoundError,
    SystemContent,
    Task,
    TaskStatus,
    TextContent,
    WebSocketChannel,
)

ROOM = "room-1"


async def say(kit: RoomKit, body: str, channel_id: str = "system", room_id: str = ROOM) -> str:
    """Send a text directly into the room; return the stored event id."""
    return (await kit.send_event(room_id, channel_id, TextContent(body=body))).id


@pytest.fixture
async def room(kit: RoomKit) -> AsyncIterator[RoomKit]:
    """``ROOM`` with two WebSocket channels, ``ws-a`` and ``ws-b``."""
    for channel_id in ("ws-a", "ws-b"):
        kit.register_channel(WebSocketChannel(channel_id))
    await kit.create_room(ROOM)
    await kit.attach_channel(ROOM, "ws-a")
    await kit.attach_channel(ROOM, "ws-b")
    yield kit


async def test_everything_is_unread_until_marked(room: RoomKit) -> None:
    for body in ("one", "two", "three"):
        await say(room, body)
    total = await room.store.get_event_count(ROOM)
    assert await room.get_unread_count(ROOM, "ws-a") == total
    assert await room.get_unread_count(ROOM, "ws-b") == total


async def test_mark_read_counts_what_comes_after(room: RoomKit) -> None:
    ids = [await say(room, body) for body in ("one", "two", "three")]

    await room.mark_read(ROOM, "ws-a", ids[0])

    assert await room.get_unread_count(ROOM, "ws-a") == 2
    first = await room.store.get_event(ids[0])
    assert first is not None
    assert (await room.get_binding(ROOM, "ws-a")).last_read_index == first.index
    assert await room.get_unread_count(ROOM, "ws-b") == await room.store.get_event_count(ROOM)


async def test_mark_all_read_then_new_events(room: RoomKit) -> None:
    ids = [await say(room, body) for body in ("one", "two")]
    await room.mark_all_read(ROOM, "ws-a")
    assert await room.get_unread_count(ROOM, "ws-a") == 0

    await room.mark_read(ROOM, "ws-a", ids[0])  # never moves the horizon backwards
    assert await room.get_unread_count(ROOM, "ws-a") == 0

    await say(room, "three")
    await say(room, "four")
    assert await room.get_unread_count(ROOM, "ws-a") == 2


async def test_read_tracking_errors(room: RoomKit) -> None:
    event_id = await say(room, "one")
    with pytest.raises(EventNotFoundError):
        await room.mark_read(ROOM, "ws-a", "no-such-event")
    with pytest.raises(ChannelNotFoundError):
        await room.mark_read(ROOM, "ws-unbound", event_id)
    with pytest.raises(RoomNotFoundError):
        await room.mark_all_read("no-room", "ws-a")


async def test_timeline_pages_in_order(room: RoomKit) -> None:
    for number in range(6):
        await say(room, f"m{number}")
    timeline = await room.get_timeline(ROOM)
    assert [e.index for e in timeline] == list(range(len(timeline)))

    page = await room.get_timeline(ROOM, offset=3, limit=2)
    assert page == timeline[3:5]
    with pytest.raises(RoomNotFoundError):
        await room.get_timeline("no-room")


async def test_timeline_visibility_filter(room: RoomKit) -> None:
    await room.set_visibility(ROOM, "ws-b", "ws-a")
    await say(room, "for everyone")
    await say(room, "only for ws-a", channel_id="ws-b")

    everyone = await room.get_timeline(ROOM, visibility_filter="all")
    private = await room.get_timeline(ROOM, visibility_filter="ws-a")
    records = await room.get_timeline(ROOM, visibility_filter="none")

    assert [body_of(e) for e in everyone] == ["for everyone"]
    assert [body_of(e) for e in private] == ["only for ws-a"]
    assert records and all(e.type is not EventType.MESSAGE for e in records)


async def test_direct_send_is_stored_and_broadcast(room: RoomKit) -> None:
    sent = await room.send_event(
        ROOM, "notifier", SystemContent(body="Office closed", code="notice"), EventType.SYSTEM
    )
    assert sent.type is EventType.SYSTEM
    assert sent.status is EventStatus.DELIVERED
    assert sent.source.channel_type is ChannelType.SYSTEM
    assert sent.source.direction is ChannelDirection.OUTBOUND
    assert await room.store.get_event(sent.id) == sent
    assert set(sent.delivery_results) == {"ws-a", "ws-b"}
    with pytest.raises(RoomNotFoundError):
        await room.send_event("no-room", "notifier", TextContent(body="hi"))


async def test_an_ai_reply_to_a_direct_send_is_one_level_deeper(room: RoomKit) -> None:
    room.register_channel(AIChannel("ai-bot", provider=EchoAIProvider()))
    await room.attach_channel(ROOM, "ai-bot", category=ChannelCategory.INTELLIGENCE)

    sent = await room.send_event(ROOM, "ws-a", TextContent(body="ping"), chain_depth=2)

    assert sent.chain_depth == 2
    reply = messages_of(await room.get_timeline(ROOM))[-1]
    assert body_of(reply) == "re: ping"
    assert reply.chain_depth == 3
    assert reply.parent_event_id == sent.id
    assert reply.source.channel_id == "ai-bot"


async def test_tasks_are_announced_and_listed_by_status(room: RoomKit) -> None:
    provider = EchoAIProvider(task_titles=["Call back", "Send invoice"], observations=["calm"])
    room.register_channel(AIChannel("ai-bot", provider=provider))
    await room.attach_channel(ROOM, "ai-bot", category=ChannelCategory.INTELLIGENCE)
    created = HookCalls()
    room.hook(HookTrigger.ON_TASK_CREATED, HookExecution.ASYNC)(created.hook)
    log = FrameworkLog()
    room.on("task_created")(log.record)

    await say(room, "please call me", channel_id="ws-a")

    tasks = await room.list_tasks(ROOM)
    assert sorted(t.title for t in tasks) == ["Call back", "Send invoice"]
    announced = created.subjects
    assert all(isinstance(t, Task) for t in announced)
    assert {t.id for t in announced} == {t.id for t in tasks}
    context = created.contexts[0]
    assert isinstance(context, RoomContext) and context.room.id == ROOM
    assert {e.data["task_id"] for e in log.events} == {t.id for t in tasks}

    done = next(t for t in tasks if t.title == "Call back")
    await room.store.update_task(done.model_copy(update={"status": TaskStatus.COMPLETED}))
    assert [t.title for t in await room.list_tasks(ROOM, status=TaskStatus.PENDING)] == [
        "Send invoice"
    ]
    assert [t.title for t in await room.list_tasks(ROOM, status="completed")] == ["Call back"]
    assert await room.list_tasks(ROOM, status=TaskStatus.CANCELLED) == []
    with pytest.raises(ValueError):
        await room.list_tasks(ROOM, status="finished")

    [observation] = await room.list_observations(ROOM)
    assert observation.content == "calm" and observation.room_id == ROOM


async def test_queries_need_an_existing_room(kit: RoomKit) -> None:
    with pytest.raises(RoomNotFoundError):
        await kit.list_tasks("no-room")
    with pytest.raises(RoomNotFoundError):
        await kit.list_observations("no-room")
