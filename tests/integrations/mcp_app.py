"""A kit factory for the stdio MCP test (``--app tests.integrations.mcp_app:build_kit``)."""

from __future__ import annotations

from roomkit import RoomKit, WebSocketChannel


async def build_kit() -> RoomKit:
    """A kit with one registered channel and the room ``lobby``."""
    kit = RoomKit()
    kit.register_channel(WebSocketChannel("ws-user"))
    await kit.create_room(room_id="lobby", metadata={"topic": "welcome"})
    return kit


not_a_kit = "just a string"
