"""``create_mcp_server``: RoomKit rooms as MCP tools and resources for AI assistants."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable
from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError, ToolError
from mcp.types import ToolAnnotations
from pydantic import Field

from roomkit._version import __version__
from roomkit.core.framework import RoomKit
from roomkit.errors import NotFoundError, RoomKitError
from roomkit.integrations.schemas import (
    BindingList,
    DetachResult,
    ObservationList,
    RoomList,
    TaskList,
    TimelinePage,
)
from roomkit.models.channel import ChannelBinding
from roomkit.models.content import TextContent
from roomkit.models.enums import Access, ChannelType, RoomStatus, TaskStatus
from roomkit.models.event import RoomEvent
from roomkit.models.room import Room

__all__ = ["DEFAULT_MCP_CHANNEL_ID", "create_mcp_server"]

logger = logging.getLogger("roomkit.integrations.mcp")

DEFAULT_MCP_CHANNEL_ID = "mcp"
"""Channel id that ``send_message`` writes as unless told otherwise."""

RoomId = Annotated[str, Field(min_length=1, max_length=200, description="The room's id")]
ChannelId = Annotated[str, Field(min_length=1, max_length=200, description="A channel id")]
Offset = Annotated[int, Field(ge=0, description="Events to skip, counted from the oldest")]
Limit = Annotated[int, Field(ge=1, le=500, description="Largest number of items returned")]

_READ_ONLY = ToolAnnotations(read_only_hint=True)


async def _guarded[T](work: Awaitable[T]) -> T:
    """Await a kit call; RoomKit's errors become tool errors the model can read."""
    try:
        return await work
    except RoomKitError as exc:
        raise ToolError(f"{type(exc).__name__}: {exc}") from exc


class RoomTools:
    """The tools and resources of one kit (each method is registered on the server)."""

    def __init__(self, kit: RoomKit, channel_id: str = DEFAULT_MCP_CHANNEL_ID) -> None:
        self.kit = kit
        self.channel_id = channel_id

    async def create_room(
        self, room_id: RoomId | None = None, metadata: dict[str, Any] | None = None
    ) -> Room:
        """Create a room, optionally with a chosen id and metadata."""
        if room_id is not None and await self.kit.store.get_room(room_id) is not None:
            raise ToolError(f"room {room_id!r} already exists")
        return await _guarded(self.kit.create_room(room_id, metadata))

    async def send_message(
        self, room_id: RoomId, text: str, channel_id: ChannelId | None = None
    ) -> RoomEvent:
        """Send a text message into a room; every attached channel receives it."""
        source = channel_id or self.channel_id
        return await _guarded(self.kit.send_event(room_id, source, TextContent(body=text)))

    async def get_timeline(
        self, room_id: RoomId, offset: Offset = 0, limit: Limit = 50
    ) -> TimelinePage:
        """Return a page of a room's events, oldest first."""
        room = await _guarded(self.kit.get_room(room_id))
        events = await _guarded(self.kit.get_timeline(room_id, offset=offset, limit=limit))
        return TimelinePage(items=events, offset=offset, limit=limit, total=room.event_count)

    async def list_rooms(
        self, status: RoomStatus | None = None, offset: Offset = 0, limit: Limit = 50
    ) -> RoomList:
        """List rooms, optionally only those with a status (active, paused, closed...)."""
        rooms = await self.kit.store.find_rooms(status=status, limit=limit, offset=offset)
        return RoomList(items=rooms, offset=offset, limit=limit)

    async def attach_channel(
        self,
        room_id: RoomId,
        channel_id: ChannelId,
        channel_type: ChannelType | None = None,
        access: Access = Access.READ_WRITE,
        visibility: str = "all",
        metadata: dict[str, Any] | None = None,
    ) -> ChannelBinding:
        """Attach a channel to a room with its access, visibility and metadata."""
        return await _guarded(
            self.kit.attach_channel(
                room_id,
                channel_id,
                channel_type=channel_type,
                access=access,
                visibility=visibility,
                metadata=metadata or {},
            )
        )

    async def detach_channel(self, room_id: RoomId, channel_id: ChannelId) -> DetachResult:
        """Detach a channel from a room."""
        await _guarded(self.kit.get_room(room_id))
        detached = await _guarded(self.kit.detach_channel(room_id, channel_id))
        return DetachResult(room_id=room_id, channel_id=channel_id, detached=detached)

    async def mute_channel(self, room_id: RoomId, channel_id: ChannelId) -> ChannelBinding:
        """Mute a channel: it still sees the room but what it says is not broadcast."""
        return await _guarded(self.kit.mute(room_id, channel_id))

    async def unmute_channel(self, room_id: RoomId, channel_id: ChannelId) -> ChannelBinding:
        """Let a muted channel speak again."""
        return await _guarded(self.kit.unmute(room_id, channel_id))

    async def list_channels(self, room_id: RoomId) -> BindingList:
        """List the channels attached to a room with their permissions."""
        return BindingList(items=await _guarded(self.kit.list_bindings(room_id)))

    async def list_tasks(self, room_id: RoomId, status: TaskStatus | None = None) -> TaskList:
        """List a room's tasks, optionally only those with a status."""
        return TaskList(items=await _guarded(self.kit.list_tasks(room_id, status)))

    async def list_observations(self, room_id: RoomId) -> ObservationList:
        """List a room's observations."""
        return ObservationList(items=await _guarded(self.kit.list_observations(room_id)))

    # --- resources ---------------------------------------------------------------------

    async def room_resource(self, room_id: str) -> str:
        """The room as JSON."""
        return (await self._resource(self.kit.get_room(room_id))).model_dump_json()

    async def timeline_resource(self, room_id: str, offset: int = 0, limit: int = 50) -> str:
        """The room's timeline page as JSON."""
        room = await self._resource(self.kit.get_room(room_id))
        events = await self.kit.get_timeline(room_id, offset=max(0, offset), limit=limit)
        page = TimelinePage(items=events, offset=offset, limit=limit, total=room.event_count)
        return page.model_dump_json()

    async def channels_resource(self, room_id: str) -> str:
        """The room's channel bindings as JSON."""
        bindings = await self._resource(self.kit.list_bindings(room_id))
        return json.dumps([b.model_dump(mode="json") for b in bindings])

    @staticmethod
    async def _resource[T](work: Awaitable[T]) -> T:
        try:
            return await work
        except NotFoundError as exc:
            raise ResourceNotFoundError(str(exc)) from exc


_TOOLS = (
    ("create_room", False),
    ("send_message", False),
    ("get_timeline", True),
    ("list_rooms", True),
    ("attach_channel", False),
    ("detach_channel", False),
    ("mute_channel", False),
    ("unmute_channel", False),
    ("list_channels", True),
    ("list_tasks", True),
    ("list_observations", True),
)


def create_mcp_server(
    kit: RoomKit, *, name: str = "roomkit", channel_id: str = DEFAULT_MCP_CHANNEL_ID
) -> MCPServer[Any]:
    """Return an MCP server exposing ``kit``'s rooms as tools and resources.

    Tools: create_room, send_message, get_timeline, list_rooms, attach_channel,
    detach_channel, mute_channel, unmute_channel, list_channels, list_tasks,
    list_observations. Resources: ``room://{room_id}``, ``room://{room_id}/timeline``
    (with ``?offset=&limit=``) and ``room://{room_id}/channels``. Messages sent by
    the assistant come from ``channel_id``.
    """
    tools = RoomTools(kit, channel_id)
    server: MCPServer[Any] = MCPServer(
        name,
        version=__version__,
        instructions="Read and act on RoomKit conversation rooms.",
        log_level="WARNING",
    )
    for tool_name, read_only in _TOOLS:
        server.add_tool(
            getattr(tools, tool_name),
            name=tool_name,
            annotations=_READ_ONLY if read_only else None,
        )
    json_type = "application/json"
    server.resource("room://{room_id}", name="room", mime_type=json_type)(tools.room_resource)
    server.resource(
        "room://{room_id}/timeline{?offset,limit}", name="timeline", mime_type=json_type
    )(tools.timeline_resource)
    server.resource("room://{room_id}/channels", name="channels", mime_type=json_type)(
        tools.channels_resource
    )
    return server
