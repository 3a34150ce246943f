"""process_inbound(message, room_id=...): a client that knows its room skips routing."""

from __future__ import annotations

import pytest

from roomkit import (
    InboundMessage,
    RoomClosedError,
    RoomKit,
    RoomNotFoundError,
    TextContent,
    WebSocketChannel,
)


def _message(body: str) -> InboundMessage:
    return InboundMessage(channel_id="ws", sender_id="alice", content=TextContent(body=body))


async def test_an_explicit_room_wins_over_the_router(kit: RoomKit) -> None:
    kit.register_channel(WebSocketChannel("ws"))
    await kit.create_room(room_id="older")
    await kit.create_room(room_id="newer")
    await kit.process_inbound(_message("to newer"), room_id="newer")

    routed = await kit.process_inbound(_message("routed"))
    explicit = await kit.process_inbound(_message("to older"), room_id="older")

    assert routed.event is not None and routed.event.room_id == "newer"
    assert explicit.event is not None and explicit.event.room_id == "older"
    binding = await kit.get_binding("older", "ws")
    assert binding.participant_id == "alice"


async def test_an_explicit_room_must_exist_and_be_open(kit: RoomKit) -> None:
    kit.register_channel(WebSocketChannel("ws"))
    with pytest.raises(RoomNotFoundError):
        await kit.process_inbound(_message("x"), room_id="missing")
    await kit.create_room(room_id="done")
    await kit.close_room("done")
    with pytest.raises(RoomClosedError):
        await kit.process_inbound(_message("x"), room_id="done")
    assert await kit.store.get_room("missing") is None
