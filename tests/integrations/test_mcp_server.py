"""The MCP server through the SDK's real client: every tool, the resources, stdio."""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, MCPError, StdioServerParameters
from mcp.types import CallToolResult, TextResourceContents

from roomkit import Observation, RoomKit, Task
from roomkit.integrations.mcp import create_mcp_server
from roomkit.integrations.mcp.__main__ import load_kit
from tests.integrations.conftest import chat_kit

REPO = Path(__file__).resolve().parents[2]
ALL_TOOLS = {
    "create_room",
    "send_message",
    "get_timeline",
    "list_rooms",
    "attach_channel",
    "detach_channel",
    "mute_channel",
    "unmute_channel",
    "list_channels",
    "list_tasks",
    "list_observations",
}


@asynccontextmanager
async def connected(kit: RoomKit) -> AsyncIterator[Client]:
    """An MCP client session (JSON-RPC over in-memory streams) on the chat kit's server.

    A context manager rather than a fixture: the SDK's task group must be entered and
    left by the same task, which async-generator fixtures do not guarantee.
    """
    await chat_kit(kit, reply="Noted, thanks")
    async with Client(create_mcp_server(kit), mode="legacy") as session:
        yield session


async def _call(client: Client, tool: str, **arguments: Any) -> Any:
    result = await client.call_tool(tool, arguments)
    assert isinstance(result, CallToolResult)
    assert not result.is_error, result.content
    return result.structured_content


async def _error(client: Client, tool: str, **arguments: Any) -> str:
    result = await client.call_tool(tool, arguments)
    assert isinstance(result, CallToolResult)
    assert result.is_error
    text: str = result.content[0].text  # type: ignore[union-attr]
    return text


async def test_the_client_lists_every_tool_with_schemas(kit: RoomKit) -> None:
    async with connected(kit) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        assert set(tools) == ALL_TOOLS
        timeline = tools["get_timeline"].input_schema
        assert timeline["required"] == ["room_id"]
        assert timeline["properties"]["limit"]["maximum"] == 500
        assert tools["get_timeline"].annotations.read_only_hint is True  # type: ignore[union-attr]
        assert tools["send_message"].output_schema is not None


async def test_rooms_messages_and_timeline(kit: RoomKit) -> None:
    async with connected(kit) as client:
        room = await _call(client, "create_room", room_id="desk", metadata={"team": "ops"})
        assert (room["id"], room["metadata"]) == ("desk", {"team": "ops"})
        listed = await _call(client, "list_rooms", status="active", limit=10)
        assert [r["id"] for r in listed["items"]] == ["room-1", "desk"]

        event = await _call(client, "send_message", room_id="room-1", text="Escalate please")
        assert (event["content"]["body"], event["source"]["channel_id"]) == (
            "Escalate please",
            "mcp",
        )
        page = await _call(client, "get_timeline", room_id="room-1", offset=2, limit=5)
        assert [e["content"]["body"] for e in page["items"]] == [
            "Escalate please",
            "Noted, thanks",
        ]
        assert page["total"] == 4
        as_agent = await _call(
            client, "send_message", room_id="desk", text="x", channel_id="agent"
        )
        assert as_agent["source"]["channel_id"] == "agent"


async def test_channel_tools(kit: RoomKit) -> None:
    async with connected(kit) as client:
        await _call(client, "create_room", room_id="r2")
        binding = await _call(
            client,
            "attach_channel",
            room_id="r2",
            channel_id="ws-user",
            access="read_only",
            visibility="transport",
            metadata={"k": 1},
        )
        assert (binding["access"], binding["visibility"], binding["metadata"]) == (
            "read_only",
            "transport",
            {"k": 1},
        )
        assert (await _call(client, "mute_channel", room_id="r2", channel_id="ws-user"))["muted"]
        unmuted = await _call(client, "unmute_channel", room_id="r2", channel_id="ws-user")
        assert unmuted["muted"] is False
        listed = await _call(client, "list_channels", room_id="r2")
        assert [b["channel_id"] for b in listed["items"]] == ["ws-user"]
        detached = await _call(client, "detach_channel", room_id="r2", channel_id="ws-user")
        assert detached == {"room_id": "r2", "channel_id": "ws-user", "detached": True}
        again = await _call(client, "detach_channel", room_id="r2", channel_id="ws-user")
        assert again["detached"] is False
        external = await _call(
            client, "attach_channel", room_id="r2", channel_id="sms-x", channel_type="sms"
        )
        assert external["channel_type"] == "sms"


async def test_tasks_and_observations(kit: RoomKit) -> None:
    async with connected(kit) as client:
        await kit.store.add_task(Task(room_id="room-1", title="Call back"))
        await kit.store.add_task(Task(room_id="room-1", title="Old", status="cancelled"))
        await kit.store.add_observation(
            Observation(room_id="room-1", channel_id="ai-bot", content="wants a refund")
        )
        pending = await _call(client, "list_tasks", room_id="room-1", status="pending")
        assert [t["title"] for t in pending["items"]] == ["Call back"]
        everything = await _call(client, "list_tasks", room_id="room-1")
        assert len(everything["items"]) == 2
        observations = await _call(client, "list_observations", room_id="room-1")
        assert [o["content"] for o in observations["items"]] == ["wants a refund"]


async def test_failures_are_tool_errors_the_model_can_read(kit: RoomKit) -> None:
    async with connected(kit) as client:
        assert "RoomNotFoundError" in await _error(client, "get_timeline", room_id="nope")
        assert "RoomNotFoundError" in await _error(
            client, "send_message", room_id="nope", text="x"
        )
        assert "RoomNotFoundError" in await _error(
            client, "detach_channel", room_id="no", channel_id="c"
        )
        assert "already exists" in await _error(client, "create_room", room_id="room-1")
        assert "ChannelNotFoundError" in await _error(
            client, "mute_channel", room_id="room-1", channel_id="ghost"
        )
        assert "ChannelNotRegisteredError" in await _error(
            client, "attach_channel", room_id="room-1", channel_id="ghost"
        )
        assert "limit" in await _error(client, "get_timeline", room_id="room-1", limit=0)
        assert "status" in await _error(client, "list_tasks", room_id="room-1", status="someday")
        await kit.close_room("room-1")
        assert "RoomClosedError" in await _error(
            client, "send_message", room_id="room-1", text="x"
        )
        assert await kit.store.get_room("nope") is None


async def test_room_resources(kit: RoomKit) -> None:
    async with connected(kit) as client:
        templates = {
            t.uri_template for t in (await client.list_resource_templates()).resource_templates
        }
        assert templates == {
            "room://{room_id}",
            "room://{room_id}/timeline{?offset,limit}",
            "room://{room_id}/channels",
        }
        await _call(client, "send_message", room_id="room-1", text="hello")

        def body(result: Any) -> Any:
            (content,) = result.contents
            assert isinstance(content, TextResourceContents)
            assert content.mime_type == "application/json"
            return json.loads(content.text)

        assert body(await client.read_resource("room://room-1"))["id"] == "room-1"
        page = body(await client.read_resource("room://room-1/timeline?offset=2&limit=1"))
        assert [e["content"]["body"] for e in page["items"]] == ["hello"]
        assert body(await client.read_resource("room://room-1/timeline"))["limit"] == 50
        channels = body(await client.read_resource("room://room-1/channels"))
        assert [c["channel_id"] for c in channels] == ["ws-user", "ai-bot"]
        with pytest.raises(MCPError, match="does not exist"):
            await client.read_resource("room://atlantis/timeline")


async def test_stdio_server_runs_as_a_module() -> None:
    params = StdioServerParameters(
        command=sys.executable,
        args=[
            "-m",
            "roomkit.integrations.mcp",
            "--app",
            "tests.integrations.mcp_app:build_kit",
            "--channel-id",
            "assistant",
        ],
        cwd=str(REPO),
    )
    async with Client(params, mode="legacy") as session:
        assert {t.name for t in (await session.list_tools()).tools} == ALL_TOOLS
        rooms = (await session.call_tool("list_rooms", {})).structured_content
        assert [(r["id"], r["metadata"]) for r in rooms["items"]] == [  # type: ignore[index]
            ("lobby", {"topic": "welcome"})
        ]
        sent = await session.call_tool("send_message", {"room_id": "lobby", "text": "hi"})
        assert sent.structured_content["source"]["channel_id"] == "assistant"  # type: ignore[index]


async def test_load_kit_accepts_kits_and_factories_and_refuses_the_rest() -> None:
    kit = await load_kit("tests.integrations.mcp_app:build_kit")
    assert (await kit.get_room("lobby")).metadata == {"topic": "welcome"}
    await kit.close()
    assert isinstance(await load_kit("roomkit:RoomKit"), RoomKit)
    for target, message in [
        ("no-colon", "module:attribute"),
        ("tests.integrations.mcp_app:missing", "cannot load"),
        ("not.a.module:kit", "cannot load"),
        ("tests.integrations.mcp_app:not_a_kit", "not a RoomKit"),
    ]:
        with pytest.raises(SystemExit, match=message):
            await load_kit(target)
