"""RoomLifecycleMixin: room CRUD, timer-driven transitions and participants."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from roomkit.core._helpers import HelpersMixin
from roomkit.errors import ParticipantNotFoundError, RoomClosedError
from roomkit.models.channel import ChannelBinding
from roomkit.models.content import SystemContent
from roomkit.models.context import RoomContext
from roomkit.models.enums import (
    ChannelDirection,
    ChannelType,
    EventStatus,
    EventType,
    HookTrigger,
    IdentificationStatus,
    RoomStatus,
    TaskStatus,
)
from roomkit.models.event import EventSource, RoomEvent
from roomkit.models.participant import Participant
from roomkit.models.room import Room, RoomTimers
from roomkit.models.task import Observation, Task
from roomkit.realtime.base import EphemeralCallback, EphemeralEvent, EphemeralEventType

__all__ = ["RoomLifecycleMixin"]

_CLOSED = (RoomStatus.CLOSED, RoomStatus.ARCHIVED)


def _system_event(
    room_id: str,
    code: str,
    body: str,
    *,
    event_type: EventType = EventType.SYSTEM,
    data: dict[str, Any] | None = None,
) -> RoomEvent:
    """A framework-made event; records kept in the timeline are invisible to channels."""
    return RoomEvent(
        room_id=room_id,
        type=event_type,
        source=EventSource(
            channel_id="system",
            channel_type=ChannelType.SYSTEM,
            direction=ChannelDirection.OUTBOUND,
        ),
        content=SystemContent(body=body, code=code, data=data or {}),
        status=EventStatus.DELIVERED,
        visibility="none",
    )


class RoomLifecycleMixin(HelpersMixin):
    """Creating, pausing and closing rooms; managing their participants."""

    async def create_room(
        self, room_id: str | None = None, metadata: dict[str, Any] | None = None
    ) -> Room:
        """Create a room (``metadata["timers"]`` sets its timers); fires ON_ROOM_CREATED."""
        room = await self._create_room(room_id, metadata)
        await self._room_created(room)
        return room

    async def _create_room(
        self, room_id: str | None = None, metadata: dict[str, Any] | None = None
    ) -> Room:
        meta = dict(metadata or {})
        timers = meta.pop("timers", None)
        fields: dict[str, Any] = {"metadata": meta}
        if room_id is not None:
            fields["id"] = room_id
        if timers is not None:
            fields["timers"] = RoomTimers.model_validate(timers)
        now = self._clock()
        room = Room(created_at=now, updated_at=now, **fields)
        return await self._store.create_room(room)

    async def _room_created(self, room: Room) -> None:
        await self._emit("room_created", room_id=room.id)
        event = _system_event(room.id, "room_created", "Room created")
        await self._run_async_hooks(HookTrigger.ON_ROOM_CREATED, event, None)

    async def get_room(self, room_id: str) -> Room:
        """Return a room; raises ``RoomNotFoundError`` if it does not exist."""
        return await self._require_room(room_id)

    async def close_room(self, room_id: str) -> Room:
        """Close a room (idempotent) and fire ON_ROOM_CLOSED."""
        room = await self._require_room(room_id)
        if room.status in _CLOSED:
            return room
        return await self._transition(room, RoomStatus.CLOSED)

    async def archive_room(self, room_id: str) -> Room:
        """Archive a closed room; an open room is closed first."""
        room = await self._require_room(room_id)
        if room.status == RoomStatus.ARCHIVED:
            return room
        if room.status != RoomStatus.CLOSED:
            room = await self._transition(room, RoomStatus.CLOSED)
        return await self._transition(room, RoomStatus.ARCHIVED)

    async def _transition(self, room: Room, status: RoomStatus) -> Room:
        now = self._clock()
        update: dict[str, Any] = {"status": status, "updated_at": now}
        if status == RoomStatus.CLOSED:
            update["closed_at"] = now
        room = await self._store.update_room(room.model_copy(update=update))
        if status == RoomStatus.ACTIVE:
            await self._emit("room_resumed", room_id=room.id)
            return room
        trigger = {
            RoomStatus.PAUSED: HookTrigger.ON_ROOM_PAUSED,
            RoomStatus.CLOSED: HookTrigger.ON_ROOM_CLOSED,
        }.get(status)
        await self._emit(f"room_{status.value}", room_id=room.id)
        if trigger is not None:
            event = _system_event(room.id, f"room_{status.value}", f"Room {status.value}")
            context = await self._build_context(room.id, room)
            await self._run_async_hooks(trigger, event, context)
        return room

    async def check_room_timers(self, room_id: str) -> Room:
        """Pause or close the room if its inactivity timers have run out."""
        room = await self._require_room(room_id)
        timers = room.timers
        if room.status in _CLOSED:
            return room
        last = max(filter(None, (timers.last_activity_at, room.updated_at)))
        idle = self._clock() - last
        if timers.closed_after_seconds is not None and idle >= timedelta(
            seconds=timers.closed_after_seconds
        ):
            return await self._transition(room, RoomStatus.CLOSED)
        if (
            room.status == RoomStatus.ACTIVE
            and timers.inactive_after_seconds is not None
            and idle >= timedelta(seconds=timers.inactive_after_seconds)
        ):
            return await self._transition(room, RoomStatus.PAUSED)
        return room

    async def check_all_timers(self) -> list[Room]:
        """Apply timers to every active or paused room; return the rooms that changed."""
        # Collect first: changing a room's status while paging by status would shift the
        # pages and skip rooms (or visit a room just paused a second time).
        timed: list[Room] = []
        for status in (RoomStatus.ACTIVE, RoomStatus.PAUSED):
            offset = 0
            while page := await self._store.find_rooms(status=status, limit=200, offset=offset):
                offset += len(page)
                timed.extend(
                    room
                    for room in page
                    if room.timers.inactive_after_seconds is not None
                    or room.timers.closed_after_seconds is not None
                )
        changed: list[Room] = []
        for room in timed:
            after = await self.check_room_timers(room.id)
            if after.status != room.status:
                changed.append(after)
        return changed

    async def update_room_metadata(self, room_id: str, metadata: dict[str, Any]) -> Room:
        """Merge ``metadata`` into the room's metadata."""
        room = await self._require_room(room_id)
        merged = {**room.metadata, **metadata}
        return await self._store.update_room(
            room.model_copy(update={"metadata": merged, "updated_at": self._clock()})
        )

    async def _reopen_if_paused(self, room: Room) -> Room:
        """Activity in a paused room makes it active again; a closed room refuses it."""
        if room.status in _CLOSED:
            raise RoomClosedError(f"room {room.id!r} is {room.status.value}")
        if room.status == RoomStatus.PAUSED:
            return await self._transition(room, RoomStatus.ACTIVE)
        return room

    async def _context_after_reopen(
        self, room: Room, bindings: list[ChannelBinding], participants: list[Participant]
    ) -> RoomContext:
        """The context for new activity in ``room``, read with these members.

        A paused room is made active first; its transition runs hooks that may change
        the members, so they are then read again.
        """
        reopened = await self._reopen_if_paused(room)
        if reopened is not room:
            return await self._build_context(room.id, reopened)
        return await self._context_of(room, bindings, participants)

    async def ensure_participant(
        self,
        room_id: str,
        channel_id: str,
        participant_id: str,
        display_name: str | None = None,
    ) -> Participant:
        """Return the room's participant, creating it (or linking the channel) as needed."""
        participant = await self._store.get_participant(room_id, participant_id)
        if participant is None:
            await self._require_room(room_id)
            participant = Participant(
                id=participant_id,
                room_id=room_id,
                channel_id=channel_id,
                display_name=display_name,
                connected_via=[channel_id],
            )
            return await self._store.add_participant(participant)
        changes: dict[str, Any] = {}
        if channel_id not in participant.connected_via:
            changes["connected_via"] = [*participant.connected_via, channel_id]
        if display_name is not None and participant.display_name != display_name:
            changes["display_name"] = display_name
        if not changes:
            return participant
        return await self._store.update_participant(participant.model_copy(update=changes))

    async def resolve_participant(
        self,
        room_id: str,
        participant_id: str,
        identity_id: str,
        resolved_by: str = "manual",
    ) -> Participant:
        """Link a participant to an identity after the fact; fires ON_PARTICIPANT_IDENTIFIED."""
        participant = await self._store.get_participant(room_id, participant_id)
        if participant is None:
            raise ParticipantNotFoundError(
                f"participant {participant_id!r} is not in room {room_id!r}"
            )
        identity = await self._store.get_identity(identity_id)
        update: dict[str, Any] = {
            "identity_id": identity_id,
            "identification": IdentificationStatus.IDENTIFIED,
            "candidates": [],
            "resolved_at": self._clock(),
            "resolved_by": resolved_by,
        }
        if identity is not None and identity.display_name and not participant.display_name:
            update["display_name"] = identity.display_name
        updated = await self._store.update_participant(participant.model_copy(update=update))
        await self._announce_identified(updated)
        return updated

    async def _announce_identified(self, participant: Participant) -> None:
        """Record a newly identified participant in the timeline and tell hooks and handlers."""
        room_id = participant.room_id
        data = {"participant_id": participant.id, "identity_id": participant.identity_id}
        record = _system_event(
            room_id,
            "participant_identified",
            "Participant identified",
            event_type=EventType.PARTICIPANT_IDENTIFIED,
            data=data,
        )
        await self._store.add_event(record)
        await self._emit("participant_identified", room_id=room_id, data=data)
        context = await self._build_context(room_id)
        await self._run_async_hooks(HookTrigger.ON_PARTICIPANT_IDENTIFIED, participant, context)

    # --- queries and read tracking ---------------------------------------------------

    async def get_timeline(
        self,
        room_id: str,
        offset: int = 0,
        limit: int = 50,
        visibility_filter: str | None = None,
    ) -> list[RoomEvent]:
        """Return a page of the room's events in order (``offset`` counts from the oldest)."""
        await self._require_room(room_id)
        return await self._store.list_events(
            room_id, offset=offset, limit=limit, visibility_filter=visibility_filter
        )

    async def list_tasks(self, room_id: str, status: TaskStatus | str | None = None) -> list[Task]:
        """Return the room's tasks, optionally only those with ``status``."""
        await self._require_room(room_id)
        return await self._store.list_tasks(
            room_id, status=TaskStatus(status) if status is not None else None
        )

    async def list_observations(self, room_id: str) -> list[Observation]:
        """Return the room's observations."""
        await self._require_room(room_id)
        return await self._store.list_observations(room_id)

    async def mark_read(self, room_id: str, channel_id: str, event_id: str) -> None:
        """Record that a channel has read the room up to ``event_id``."""
        await self._store.mark_read(room_id, channel_id, event_id)

    async def mark_all_read(self, room_id: str, channel_id: str) -> None:
        """Record that a channel has read every event of the room."""
        await self._store.mark_all_read(room_id, channel_id)

    async def get_unread_count(self, room_id: str, channel_id: str) -> int:
        """Return how many events of the room the channel has not read."""
        return await self._store.get_unread_count(room_id, channel_id)

    # --- ephemeral events --------------------------------------------------------------

    async def publish_typing(self, room_id: str, user_id: str, is_typing: bool = True) -> None:
        """Tell the room's subscribers that a user started or stopped typing."""
        kind = EphemeralEventType.TYPING_START if is_typing else EphemeralEventType.TYPING_STOP
        await self._realtime.publish_to_room(
            room_id, EphemeralEvent(room_id=room_id, type=kind, user_id=user_id)
        )

    async def publish_presence(self, room_id: str, user_id: str, status: str) -> None:
        """Tell the room's subscribers a user is ``online``, ``away`` or ``offline``."""
        kinds = {
            "online": EphemeralEventType.PRESENCE_ONLINE,
            "away": EphemeralEventType.PRESENCE_AWAY,
            "offline": EphemeralEventType.PRESENCE_OFFLINE,
        }
        if status not in kinds:
            raise ValueError(f"presence status must be one of {sorted(kinds)}, not {status!r}")
        await self._realtime.publish_to_room(
            room_id, EphemeralEvent(room_id=room_id, type=kinds[status], user_id=user_id)
        )

    async def publish_read_receipt(self, room_id: str, user_id: str, event_id: str) -> None:
        """Tell the room's subscribers that a user read ``event_id``."""
        event = EphemeralEvent(
            room_id=room_id,
            type=EphemeralEventType.READ_RECEIPT,
            user_id=user_id,
            data={"event_id": event_id},
        )
        await self._realtime.publish_to_room(room_id, event)

    async def subscribe_room(self, room_id: str, callback: EphemeralCallback) -> str:
        """Receive the room's ephemeral events; returns a subscription id."""
        return await self._realtime.subscribe_to_room(room_id, callback)

    async def unsubscribe_room(self, subscription_id: str) -> bool:
        """Stop a subscription; return whether it existed."""
        return await self._realtime.unsubscribe(subscription_id)
