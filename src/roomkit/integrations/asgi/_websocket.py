"""The WebSocket endpoint: one live connection of a WebSocketChannel.

Client frames (JSON): ``message`` (``sender_id``, ``text``, optional ``room_id`` and
``idempotency_key``), ``typing`` / ``presence`` / ``read`` (``room_id``, ``sender_id``...),
``subscribe`` / ``unsubscribe`` (``room_id``). Server frames: ``connected``, ``joined``,
``left``, ``event`` (a room event), ``ack`` (outcome of a message), ``ephemeral`` (typing,
presence and read receipts of joined rooms) and ``error``.

A connection only receives the events of the rooms it joined: by ``?room_id=`` at
connect time, a ``subscribe`` frame, or the room its messages were routed to.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, TypeAdapter, ValidationError
from starlette.websockets import WebSocket, WebSocketDisconnect

from roomkit.channels.websocket import WebSocketChannel
from roomkit.core.framework import RoomKit
from roomkit.errors import RoomKitError
from roomkit.integrations.asgi._auth import AuthenticationError, Authenticator
from roomkit.integrations.asgi._http import classify
from roomkit.models._util import new_id
from roomkit.models.content import TextContent
from roomkit.models.delivery import InboundMessage
from roomkit.models.event import RoomEvent
from roomkit.realtime.base import EphemeralEvent

__all__ = ["websocket_endpoint"]

logger = logging.getLogger("roomkit.integrations.asgi.websocket")

_ID = Annotated[str, Field(min_length=1, max_length=200)]
_POLICY_VIOLATION = 1008


class _MessageFrame(BaseModel):
    type: Literal["message"]
    sender_id: _ID
    text: str = Field(max_length=100_000)
    room_id: _ID | None = None
    idempotency_key: str | None = Field(default=None, max_length=200)


class _TypingFrame(BaseModel):
    type: Literal["typing"]
    room_id: _ID
    sender_id: _ID
    is_typing: bool = True


class _PresenceFrame(BaseModel):
    type: Literal["presence"]
    room_id: _ID
    sender_id: _ID
    status: Literal["online", "away", "offline"]


class _ReadFrame(BaseModel):
    type: Literal["read"]
    room_id: _ID
    sender_id: _ID
    event_id: _ID


class _RoomFrame(BaseModel):
    type: Literal["subscribe", "unsubscribe"]
    room_id: _ID


_Frame = Annotated[
    _MessageFrame | _TypingFrame | _PresenceFrame | _ReadFrame | _RoomFrame,
    Field(discriminator="type"),
]
_FRAME: TypeAdapter[_Frame] = TypeAdapter(_Frame)


class _Connection:
    """One accepted socket: its joined rooms, realtime subscriptions and a send lock."""

    def __init__(self, kit: RoomKit, socket: WebSocket, channel_id: str) -> None:
        self.kit = kit
        self.socket = socket
        self.channel_id = channel_id
        self.id = new_id()
        self.rooms: dict[str, str] = {}
        """Joined room id -> realtime subscription id."""
        self._held: list[RoomEvent] | None = None
        """Events held back while a message is routed to a room not yet known."""
        self._send_lock = asyncio.Lock()

    async def send(self, frame: dict[str, Any]) -> None:
        """Send one JSON frame (sends from pipeline and realtime tasks never interleave)."""
        async with self._send_lock:
            await self.socket.send_json(frame)

    async def push_event(self, connection_id: str, event: RoomEvent) -> None:
        """The connection's ``send_fn``: forward events of joined rooms only."""
        if event.room_id in self.rooms:
            await self.send({"type": "event", "event": event.model_dump(mode="json")})
        elif self._held is not None:
            self._held.append(event)

    async def _push_ephemeral(self, event: EphemeralEvent) -> None:
        await self.send({"type": "ephemeral", "event": event.to_dict()})

    async def join(self, room_id: str) -> None:
        """Receive the room's events and ephemeral signals from now on."""
        if room_id in self.rooms:
            return
        await self.kit.get_room(room_id)
        self.rooms[room_id] = await self.kit.subscribe_room(room_id, self._push_ephemeral)
        await self.send({"type": "joined", "room_id": room_id})

    async def leave(self, room_id: str) -> None:
        """Stop receiving the room's events."""
        subscription = self.rooms.pop(room_id, None)
        if subscription is not None:
            await self.kit.unsubscribe_room(subscription)
        await self.send({"type": "left", "room_id": room_id})

    async def handle(self, frame: _Frame) -> None:
        """Act on one client frame."""
        kit = self.kit
        match frame:
            case _MessageFrame():
                await self._message(frame)
            case _TypingFrame():
                await self.join(frame.room_id)
                await kit.publish_typing(frame.room_id, frame.sender_id, frame.is_typing)
            case _PresenceFrame():
                await self.join(frame.room_id)
                await kit.publish_presence(frame.room_id, frame.sender_id, frame.status)
            case _ReadFrame():
                await self.join(frame.room_id)
                await kit.publish_read_receipt(frame.room_id, frame.sender_id, frame.event_id)
            case _RoomFrame(type="subscribe"):
                await self.join(frame.room_id)
            case _RoomFrame():
                await self.leave(frame.room_id)

    async def _message(self, frame: _MessageFrame) -> None:
        message = InboundMessage(
            channel_id=self.channel_id,
            sender_id=frame.sender_id,
            content=TextContent(body=frame.text),
            idempotency_key=frame.idempotency_key,
        )
        if frame.room_id is not None:
            await self.join(frame.room_id)
            result = await self.kit.process_inbound(message, room_id=frame.room_id)
        else:
            # The router picks the room: keep what arrives meanwhile (the AI's answer, say)
            # until the room is known, then pass on that room's events only.
            self._held = []
            try:
                result = await self.kit.process_inbound(message)
            finally:
                held, self._held = self._held, None
            if result.event is not None:
                await self.join(result.event.room_id)
                for waiting in held:
                    await self.push_event(self.id, waiting)
        event = result.event
        await self.send(
            {
                "type": "ack",
                "room_id": event.room_id if event is not None else frame.room_id,
                "event_id": event.id if event is not None else None,
                "blocked": result.blocked,
                "reason": result.reason,
                "duplicate": result.duplicate,
            }
        )

    async def close(self) -> None:
        """Drop the realtime subscriptions and unregister from the channel."""
        for subscription in self.rooms.values():
            await self.kit.unsubscribe_room(subscription)
        self.rooms.clear()
        await self.kit.disconnect_websocket(self.channel_id, self.id)

    async def run(self, work: Awaitable[None]) -> None:
        """Await ``work``, answering an expected failure with an ``error`` frame."""
        try:
            await work
        except (RoomKitError, ValidationError) as exc:
            await self.error(exc)

    async def error(self, exc: Exception) -> None:
        """Tell the client why its frame was refused."""
        status, code = classify(exc) or (500, "error")
        message = "the frame is invalid" if isinstance(exc, ValidationError) else str(exc)
        await self.send({"type": "error", "status": status, "code": code, "message": message})


async def _admit(
    socket: WebSocket, kit: RoomKit, auth: Authenticator | None
) -> WebSocketChannel | None:
    """Authenticate and find the channel; refuse the handshake (HTTP 403) otherwise."""
    try:
        if auth is not None:
            socket.state.principal = await auth(socket)
    except AuthenticationError:
        await socket.close(code=_POLICY_VIOLATION, reason="unauthenticated")
        return None
    channel = kit.get_channel(socket.path_params["channel_id"])
    if not isinstance(channel, WebSocketChannel):
        await socket.close(code=_POLICY_VIOLATION, reason="unknown websocket channel")
        return None
    return channel


async def _frames(connection: _Connection) -> None:
    """Read client frames until the client disconnects."""
    while True:
        message = await connection.socket.receive()
        if message["type"] == "websocket.disconnect":
            return
        raw = message.get("text") or message.get("bytes") or b""
        try:
            frame = _FRAME.validate_json(raw)
        except ValidationError as exc:
            await connection.error(exc)
            continue
        await connection.run(connection.handle(frame))


async def websocket_endpoint(socket: WebSocket, kit: RoomKit, auth: Authenticator | None) -> None:
    """Serve one WebSocket connection until the client goes away."""
    channel = await _admit(socket, kit, auth)
    if channel is None:
        return
    await socket.accept()
    connection = _Connection(kit, socket, channel.channel_id)
    await kit.connect_websocket(channel.channel_id, connection.id, connection.push_event)
    try:
        await connection.send(
            {"type": "connected", "connection_id": connection.id, "channel_id": channel.channel_id}
        )
        initial_room = socket.query_params.get("room_id")
        if initial_room:
            await connection.run(connection.join(initial_room))
        await _frames(connection)
    except WebSocketDisconnect:
        logger.debug("connection %s left channel %s", connection.id, channel.channel_id)
    finally:
        await connection.close()
