"""The WebSocket endpoint with real frames over loopback: messages, events, ephemerals."""

from __future__ import annotations

import asyncio
import json

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from roomkit import ChannelCategory, FrameworkEvent, TextContent
from roomkit.realtime.memory import InMemoryRealtime
from tests.integrations.conftest import TOKEN, Served, frames_until, next_frame


def _url(served: Served, channel: str = "ws-user", room: str | None = None) -> str:
    url = f"{served.ws_url}/ws/{channel}?access_token={TOKEN}"
    return url + (f"&room_id={room}" if room else "")


def _message(text: str, sender: str = "alice", **fields: str) -> str:
    return json.dumps({"type": "message", "sender_id": sender, "text": text, **fields})


async def test_a_message_is_processed_and_the_ai_answer_comes_back(served: Served) -> None:
    async with connect(_url(served, room="room-1")) as ws:
        connected = await next_frame(ws)
        assert connected["type"] == "connected"
        assert connected["channel_id"] == "ws-user"
        assert await next_frame(ws) == {"type": "joined", "room_id": "room-1"}

        await ws.send(_message("Hello?"))
        event, ack = await frames_until(ws, "ack")
    assert event["type"] == "event"
    assert event["event"]["content"]["body"] == "Hello from the bot"
    assert event["event"]["source"]["channel_id"] == "ai-bot"
    assert ack["room_id"] == "room-1"
    assert ack["blocked"] is False
    stored = await served.kit.store.get_event(ack["event_id"])
    assert stored is not None
    assert stored.content == TextContent(body="Hello?")
    assert stored.source.participant_id == "alice"


async def test_without_a_room_the_router_decides_and_the_answer_is_not_lost(
    served: Served,
) -> None:
    async with connect(_url(served)) as ws:
        await next_frame(ws)
        await ws.send(_message("first words"))
        joined, event, ack = await frames_until(ws, "ack")
    assert joined == {"type": "joined", "room_id": "room-1"}
    assert event["event"]["content"]["body"] == "Hello from the bot"
    assert ack["room_id"] == "room-1"


async def test_room_id_sends_to_that_room_rather_than_the_routed_one(served: Served) -> None:
    kit = served.kit
    await kit.create_room(room_id="room-2")
    await kit.attach_channel("room-2", "ai-bot", category=ChannelCategory.INTELLIGENCE)
    async with connect(_url(served)) as ws:
        await next_frame(ws)
        await ws.send(_message("for room two", room_id="room-2"))
        joined, event, ack = await frames_until(ws, "ack")
    assert joined["room_id"] == "room-2"
    assert event["event"]["room_id"] == "room-2"
    assert ack["room_id"] == "room-2"
    room_one = [e.content for e in await kit.get_timeline("room-1") if e.type == "message"]
    assert room_one == []
    assert (await kit.get_binding("room-2", "ws-user")).participant_id == "alice"


async def test_bad_frames_get_error_frames_and_the_socket_stays_open(served: Served) -> None:
    async with connect(_url(served)) as ws:
        await next_frame(ws)
        for bad in (
            "not json",
            json.dumps({"type": "dance"}),
            json.dumps({"type": "message", "text": "no sender"}),
            json.dumps({"type": "presence", "room_id": "room-1", "sender_id": "a", "status": "?"}),
        ):
            await ws.send(bad)
            error = await next_frame(ws)
            assert (error["type"], error["status"], error["code"]) == (
                "error",
                422,
                "validation_error",
            )
        await ws.send(b"\x00\x01")
        assert (await next_frame(ws))["code"] == "validation_error"

        await ws.send(_message("hi", room_id="atlantis"))
        missing = await next_frame(ws)
        assert (missing["status"], missing["code"]) == (404, "room_not_found")
        await ws.send(json.dumps({"type": "subscribe", "room_id": "atlantis"}))
        assert (await next_frame(ws))["code"] == "room_not_found"

        await served.kit.close_room("room-1")
        await ws.send(_message("anyone?", room_id="room-1"))
        closed = await frames_until(ws, "error")
        assert (closed[-1]["status"], closed[-1]["code"]) == (409, "room_closed")
    assert await served.kit.store.get_room("atlantis") is None


async def test_typing_presence_and_read_receipts_reach_the_other_connections(
    served: Served,
) -> None:
    async with connect(_url(served, room="room-1")) as alice, connect(_url(served)) as bob:
        await frames_until(alice, "joined")
        await next_frame(bob)
        await bob.send(json.dumps({"type": "subscribe", "room_id": "room-1"}))
        assert await next_frame(bob) == {"type": "joined", "room_id": "room-1"}

        frames = [
            {"type": "typing", "room_id": "room-1", "sender_id": "alice"},
            {"type": "typing", "room_id": "room-1", "sender_id": "alice", "is_typing": False},
            {"type": "presence", "room_id": "room-1", "sender_id": "alice", "status": "away"},
            {"type": "read", "room_id": "room-1", "sender_id": "alice", "event_id": "e-9"},
        ]
        for frame in frames:
            await alice.send(json.dumps(frame))
        received = [(await next_frame(bob))["event"] for _ in frames]
    assert [(e["type"], e["user_id"]) for e in received] == [
        ("typing_start", "alice"),
        ("typing_stop", "alice"),
        ("presence_away", "alice"),
        ("read_receipt", "alice"),
    ]
    assert received[-1]["data"] == {"event_id": "e-9"}


async def test_server_side_typing_is_forwarded_as_a_frame(served: Served) -> None:
    async with connect(_url(served, room="room-1")) as ws:
        await frames_until(ws, "joined")
        await served.kit.publish_typing("room-1", "ai-bot")
        frame = await next_frame(ws)
    assert frame["type"] == "ephemeral"
    assert (frame["event"]["type"], frame["event"]["user_id"]) == ("typing_start", "ai-bot")


async def test_events_of_rooms_not_joined_are_not_forwarded(served: Served) -> None:
    kit = served.kit
    for room_id in ("public", "private"):
        await kit.create_room(room_id=room_id)
        await kit.attach_channel(room_id, "ws-user")
    async with connect(_url(served, room="public")) as ws:
        await frames_until(ws, "joined")
        await kit.send_event("private", "system", TextContent(body="secret"))
        await kit.send_event("public", "system", TextContent(body="hello all"))
        assert (await next_frame(ws))["event"]["content"]["body"] == "hello all"

        await ws.send(json.dumps({"type": "unsubscribe", "room_id": "public"}))
        assert await next_frame(ws) == {"type": "left", "room_id": "public"}
        await ws.send(json.dumps({"type": "subscribe", "room_id": "private"}))
        assert await next_frame(ws) == {"type": "joined", "room_id": "private"}
        await kit.send_event("public", "system", TextContent(body="hello again"))
        await kit.send_event("private", "system", TextContent(body="secret again"))
        assert (await next_frame(ws))["event"]["content"]["body"] == "secret again"


async def test_disconnect_unregisters_the_connection_and_its_subscriptions(
    served: Served,
) -> None:
    kit = served.kit
    realtime = kit.realtime
    assert isinstance(realtime, InMemoryRealtime)
    gone = asyncio.Event()

    @kit.on("channel_disconnected")
    async def on_gone(event: FrameworkEvent) -> None:
        gone.set()

    async with connect(_url(served, room="room-1")) as ws:
        await frames_until(ws, "joined")
        channel = kit.get_channel("ws-user")
        assert channel.connection_count == 1  # type: ignore[union-attr]
        assert realtime.subscription_count == 1
    await asyncio.wait_for(gone.wait(), timeout=5)
    assert channel.connection_count == 0  # type: ignore[union-attr]
    assert realtime.subscription_count == 0


@pytest.mark.parametrize("channel", ["ai-bot", "nope"])
async def test_only_registered_websocket_channels_accept_connections(
    served: Served, channel: str
) -> None:
    with pytest.raises(InvalidStatus) as refused:
        async with connect(_url(served, channel=channel)):
            pass
    assert refused.value.response.status_code == 403
