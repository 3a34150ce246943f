"""The REST operations: each one a short handler over the RoomKit API."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from roomkit.integrations.asgi._http import ApiError, Call, Operation
from roomkit.integrations.schemas import (
    AttachChannelRequest,
    BindingList,
    ChannelInfo,
    ChannelList,
    CreateRoomRequest,
    DetachResult,
    ObservationList,
    RoomList,
    RoomListQuery,
    SendEventRequest,
    TaskList,
    TaskQuery,
    TimelinePage,
    TimelineQuery,
)
from roomkit.models.channel import ChannelBinding
from roomkit.models.event import RoomEvent
from roomkit.models.room import Room

__all__ = ["OPERATIONS"]


async def create_room(call: Call) -> BaseModel:
    """Create a room, refusing an id that is taken."""
    body = call.body_as(CreateRoomRequest)
    if body.room_id is not None and await call.kit.store.get_room(body.room_id) is not None:
        raise ApiError(409, "room_exists", f"room {body.room_id!r} already exists")
    metadata: dict[str, Any] = dict(body.metadata)
    metadata.pop("timers", None)
    if body.timers is not None:
        metadata["timers"] = body.timers.model_dump()
    try:
        return await call.kit.create_room(body.room_id, metadata)
    except ValueError as exc:  # the id was taken between the check and the insert
        raise ApiError(409, "room_exists", str(exc)) from exc


async def list_rooms(call: Call) -> BaseModel:
    """Return a page of rooms, optionally filtered by status and organisation."""
    query = call.query_as(RoomListQuery)
    rooms = await call.kit.store.find_rooms(
        organization_id=query.organization_id,
        status=query.status,
        limit=query.limit,
        offset=query.offset,
    )
    return RoomList(items=rooms, offset=query.offset, limit=query.limit)


async def get_room(call: Call) -> Room:
    """Return one room."""
    return await call.kit.get_room(call.params["room_id"])


async def close_room(call: Call) -> Room:
    """Close a room (closing a closed room changes nothing)."""
    return await call.kit.close_room(call.params["room_id"])


async def timeline(call: Call) -> BaseModel:
    """Return a page of the room's timeline, oldest first."""
    query = call.query_as(TimelineQuery)
    room_id = call.params["room_id"]
    room = await call.kit.get_room(room_id)
    events = await call.kit.get_timeline(
        room_id, offset=query.offset, limit=query.limit, visibility_filter=query.visibility
    )
    return TimelinePage(
        items=events, offset=query.offset, limit=query.limit, total=room.event_count
    )


async def send_event(call: Call) -> RoomEvent:
    """Put an event into the room through the pipeline (hooks, broadcast)."""
    body = call.body_as(SendEventRequest)
    return await call.kit.send_event(
        call.params["room_id"], body.channel_id, body.event_content(), event_type=body.type
    )


async def list_bindings(call: Call) -> BaseModel:
    """Return the channels attached to the room."""
    return BindingList(items=await call.kit.list_bindings(call.params["room_id"]))


async def attach_channel(call: Call) -> ChannelBinding:
    """Attach a channel to the room (re-attaching replaces the binding)."""
    body = call.body_as(AttachChannelRequest)
    return await call.kit.attach_channel(
        call.params["room_id"],
        body.channel_id,
        channel_type=body.channel_type,
        category=body.category,
        access=body.access,
        visibility=body.visibility,
        muted=body.muted,
        participant_id=body.participant_id,
        metadata=body.metadata,
    )


async def detach_channel(call: Call) -> BaseModel:
    """Detach a channel from the room; 404 when it was not attached."""
    room_id, channel_id = call.params["room_id"], call.params["channel_id"]
    await call.kit.get_room(room_id)
    if not await call.kit.detach_channel(room_id, channel_id):
        raise ApiError(
            404, "channel_not_found", f"channel {channel_id!r} is not attached to {room_id!r}"
        )
    return DetachResult(room_id=room_id, channel_id=channel_id, detached=True)


async def mute(call: Call) -> ChannelBinding:
    """Mute a channel of the room."""
    return await call.kit.mute(call.params["room_id"], call.params["channel_id"])


async def unmute(call: Call) -> ChannelBinding:
    """Unmute a channel of the room."""
    return await call.kit.unmute(call.params["room_id"], call.params["channel_id"])


async def list_tasks(call: Call) -> BaseModel:
    """Return the room's tasks, optionally only those with a status."""
    query = call.query_as(TaskQuery)
    return TaskList(items=await call.kit.list_tasks(call.params["room_id"], query.status))


async def list_observations(call: Call) -> BaseModel:
    """Return the room's observations."""
    return ObservationList(items=await call.kit.list_observations(call.params["room_id"]))


async def list_channels(call: Call) -> BaseModel:
    """Return the channels registered with the kit."""
    return ChannelList(
        items=[
            ChannelInfo(
                channel_id=channel.channel_id,
                channel_type=channel.channel_type,
                category=channel.category,
                direction=channel.direction,
            )
            for channel in call.kit.list_channels()
        ]
    )


_ROOM = "/rooms/{room_id}"
_CHANNEL = _ROOM + "/channels/{channel_id}"

OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "POST", "/rooms", "createRoom", "Create a room", create_room, Room,
        status_code=201, body=CreateRoomRequest, errors=(409,),
    ),
    Operation(
        "GET", "/rooms", "listRooms", "List rooms", list_rooms, RoomList,
        query=RoomListQuery, errors=(),
    ),
    Operation("GET", _ROOM, "getRoom", "Get a room", get_room, Room),
    Operation("DELETE", _ROOM, "closeRoom", "Close a room", close_room, Room),
    Operation(
        "GET", _ROOM + "/timeline", "getTimeline", "Get a page of the timeline", timeline,
        TimelinePage, query=TimelineQuery,
    ),
    Operation(
        "POST", _ROOM + "/events", "sendEvent", "Send an event into a room", send_event,
        RoomEvent, status_code=201, body=SendEventRequest, errors=(404, 409),
    ),
    Operation(
        "GET", _ROOM + "/channels", "listRoomChannels", "List the room's channels",
        list_bindings, BindingList,
    ),
    Operation(
        "POST", _ROOM + "/channels", "attachChannel", "Attach a channel", attach_channel,
        ChannelBinding, status_code=201, body=AttachChannelRequest, errors=(404, 409),
    ),
    Operation(
        "DELETE", _CHANNEL, "detachChannel", "Detach a channel", detach_channel, DetachResult,
    ),
    Operation("POST", _CHANNEL + "/mute", "muteChannel", "Mute a channel", mute, ChannelBinding),
    Operation(
        "POST", _CHANNEL + "/unmute", "unmuteChannel", "Unmute a channel", unmute,
        ChannelBinding,
    ),
    Operation(
        "GET", _ROOM + "/tasks", "listTasks", "List the room's tasks", list_tasks, TaskList,
        query=TaskQuery,
    ),
    Operation(
        "GET", _ROOM + "/observations", "listObservations", "List the room's observations",
        list_observations, ObservationList,
    ),
    Operation(
        "GET", "/channels", "listChannels", "List registered channels", list_channels,
        ChannelList, errors=(), tag="channels",
    ),
)  # fmt: skip
"""Every REST operation, in the order the OpenAPI schema lists them."""
