"""The in-memory conversation store: every lookup indexed, every object copied.

Nothing here awaits, so each method runs to completion without another task seeing a
half-made change. Costs do not grow with the size of the store: events are found by
id in a dict and by index in a per-room list, timeline pages are slices, and rooms are
found by channel or participant through reverse indexes kept up to date on every write.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from roomkit.errors import (
    EventNotFoundError,
    ParticipantNotFoundError,
)
from roomkit.models._clone import clone
from roomkit.models._util import replace, utcnow
from roomkit.models.channel import ChannelBinding
from roomkit.models.enums import ChannelType, RoomStatus
from roomkit.models.event import RoomEvent
from roomkit.models.participant import Participant
from roomkit.models.room import Room
from roomkit.models.task import Task
from roomkit.store._addresses import AddressBook
from roomkit.store._memory_records import RecordsMixin
from roomkit.store._ordered import OrderedIds
from roomkit.store._reverse_index import RoomIndex
from roomkit.store._room_data import RoomData, check_page, later, provider_ids
from roomkit.store.base import ConversationStore

__all__ = ["InMemoryStore"]

logger = logging.getLogger("roomkit.store.memory")


class InMemoryStore(RecordsMixin, ConversationStore):
    """A :class:`ConversationStore` held in process memory, for tests and single nodes.

    ``clock`` supplies the time written to ``Room.updated_at`` when events are added.
    """

    def __init__(self, *, clock: Callable[[], datetime] = utcnow) -> None:
        """Create an empty store."""
        self._clock = clock
        self._rooms: dict[str, RoomData] = {}
        self._room_order = OrderedIds()
        self._next_seq = 0
        self._events: dict[str, RoomEvent] = {}
        self._by_provider_id: dict[str, str] = {}
        self._tasks: dict[str, Task] = {}
        self._rooms_by_channel = RoomIndex()
        self._rooms_by_participant = RoomIndex()
        self._identities = AddressBook()

    # --- Rooms -------------------------------------------------------------------

    async def create_room(self, room: Room) -> Room:
        """Store a new room (with no events yet) and return the stored copy."""
        if room.id in self._rooms:
            raise ValueError(f"room {room.id!r} already exists")
        stored = clone(room)
        stored.event_count = 0
        stored.latest_index = -1
        self._rooms[stored.id] = RoomData(room=stored, seq=self._next_seq)
        self._next_seq += 1
        self._room_order.append(stored.id)
        logger.debug("room %s created", stored.id)
        return clone(stored)

    async def get_room(self, room_id: str) -> Room | None:
        """Return the room, or ``None``."""
        data = self._rooms.get(room_id)
        return None if data is None else clone(data.room)

    async def update_room(self, room: Room) -> Room:
        """Replace a stored room; its event counters stay the store's own."""
        data = self._data(room.id)
        stored = clone(room)
        stored.event_count = data.room.event_count
        stored.latest_index = data.room.latest_index
        data.room = stored
        return clone(stored)

    async def delete_room(self, room_id: str) -> bool:
        """Delete a room with its events, bindings, participants, tasks and indexes."""
        data = self._rooms.pop(room_id, None)
        if data is None:
            return False
        self._room_order.remove(room_id)
        for event in data.timeline.events:
            del self._events[event.id]
            for vendor_id in provider_ids(event):
                # Only if it still names this event: a later event may have recorded it.
                if self._by_provider_id.get(vendor_id) == event.id:
                    del self._by_provider_id[vendor_id]
        for channel_id in data.bindings:
            self._rooms_by_channel.forget(channel_id, room_id)
        for participant_id in data.participants:
            self._rooms_by_participant.forget(participant_id, room_id)
        for task_id in data.task_ids:
            del self._tasks[task_id]
        logger.debug("room %s deleted", room_id)
        return True

    async def list_rooms(self, offset: int = 0, limit: int = 50) -> list[Room]:
        """Return one page of rooms, oldest first."""
        check_page(offset, limit)
        return [
            clone(self._rooms[room_id].room) for room_id in self._room_order.page(offset, limit)
        ]

    async def find_rooms(
        self,
        organization_id: str | None = None,
        status: RoomStatus | None = None,
        metadata_filter: dict[str, Any] | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[Room]:
        """Return one page of the rooms matching every filter, oldest first."""
        check_page(offset, limit)
        wanted = metadata_filter or {}
        found: list[Room] = []
        skipped = 0
        for room_id in self._room_order:
            if len(found) >= limit:
                break
            room = self._rooms[room_id].room
            if organization_id is not None and room.organization_id != organization_id:
                continue
            if status is not None and room.status != status:
                continue
            if any(
                key not in room.metadata or room.metadata[key] != value
                for key, value in wanted.items()
            ):
                continue
            if skipped < offset:
                skipped += 1
                continue
            found.append(clone(room))
        return found

    async def find_latest_room(
        self,
        participant_id: str,
        channel_type: ChannelType | None = None,
        status: RoomStatus | None = None,
    ) -> Room | None:
        """Return the most recently created room the participant takes part in."""
        best = self._latest_room(participant_id, channel_type, status)
        return None if best is None else clone(best.room)

    async def _latest_room_status(
        self, participant_id: str, channel_type: ChannelType | None = None
    ) -> tuple[str, RoomStatus] | None:
        """The id and status of the participant's latest room, without copying it."""
        best = self._latest_room(participant_id, channel_type, None)
        return None if best is None else (best.room.id, best.room.status)

    def _latest_room(
        self, participant_id: str, channel_type: ChannelType | None, status: RoomStatus | None
    ) -> RoomData | None:
        best: RoomData | None = None
        for room_id in self._rooms_by_participant.oldest_first(participant_id):
            data = self._rooms[room_id]
            if status is not None and data.room.status != status:
                continue
            if channel_type is not None and not data.reaches(participant_id, channel_type):
                continue
            newer = best is None or (data.room.created_at, data.seq) > (
                best.room.created_at,
                best.seq,
            )
            if newer:
                best = data
        return best

    async def find_room_id_by_channel(
        self, channel_id: str, status: RoomStatus | None = None
    ) -> str | None:
        """Return the id of the room the channel was most recently attached to."""
        for room_id in self._rooms_by_channel.newest_first(channel_id):
            if status is None or self._rooms[room_id].room.status == status:
                return room_id
        return None

    # --- Events ------------------------------------------------------------------

    async def add_event(self, event: RoomEvent) -> RoomEvent:
        """Append a copy of the event to its room, assigning the next ``index``."""
        data = self._data(event.room_id)
        if event.id in self._events:
            raise ValueError(f"event {event.id!r} is already stored; use update_event")
        stored = clone(event)
        index = data.timeline.append(stored)
        self._events[stored.id] = stored
        for vendor_id in provider_ids(stored):
            self._by_provider_id[vendor_id] = stored.id
        room = data.room
        room.event_count = index + 1
        room.latest_index = index
        room.updated_at = self._clock()
        # The caller's own object, re-stamped: equal to what is stored, sharing nothing
        # with it, and much cheaper than a second clone.
        return replace(event, index=index)

    async def update_event(self, event: RoomEvent) -> RoomEvent:
        """Replace a stored event; its room and index stay what they were."""
        old = self._events.get(event.id)
        if old is None:
            raise EventNotFoundError(f"event {event.id!r} not found")
        stored = clone(event)
        stored.room_id = old.room_id
        stored.index = old.index
        self._rooms[old.room_id].timeline.replace(stored)
        self._events[stored.id] = stored
        for vendor_id in provider_ids(stored):
            self._by_provider_id[vendor_id] = stored.id
        return replace(event, room_id=old.room_id, index=old.index)

    async def get_event(self, event_id: str) -> RoomEvent | None:
        """Return the event, or ``None``."""
        event = self._events.get(event_id)
        return None if event is None else clone(event)

    async def find_event_by_provider_message_id(
        self, provider_message_id: str
    ) -> RoomEvent | None:
        """Return the event one of whose deliveries got this vendor message id."""
        event_id = self._by_provider_id.get(provider_message_id)
        event = None if event_id is None else self._events.get(event_id)
        return None if event is None else clone(event)

    async def list_events(
        self,
        room_id: str,
        offset: int = 0,
        limit: int = 50,
        visibility_filter: str | None = None,
    ) -> list[RoomEvent]:
        """Return one page of the room's timeline in index order (empty if no room)."""
        check_page(offset, limit)
        data = self._rooms.get(room_id)
        if data is None:
            return []
        return [clone(event) for event in data.timeline.page(offset, limit, visibility_filter)]

    async def check_idempotency(self, room_id: str, key: str) -> bool:
        """Return whether an event of the room carries this idempotency key."""
        data = self._rooms.get(room_id)
        return data is not None and data.timeline.has_key(key)

    async def get_event_count(self, room_id: str) -> int:
        """Return how many events the room holds (0 for an unknown room)."""
        data = self._rooms.get(room_id)
        return 0 if data is None else len(data.timeline)

    # --- Bindings ----------------------------------------------------------------

    async def add_binding(self, binding: ChannelBinding) -> ChannelBinding:
        """Attach a channel to a room, as its most recent attachment."""
        data = self._data(binding.room_id)
        stored = clone(binding)
        data.bindings.pop(stored.channel_id, None)
        data.bindings[stored.channel_id] = stored
        self._rooms_by_channel.record(stored.channel_id, stored.room_id)
        return clone(stored)

    async def get_binding(self, room_id: str, channel_id: str) -> ChannelBinding | None:
        """Return the binding, or ``None``."""
        data = self._rooms.get(room_id)
        binding = None if data is None else data.bindings.get(channel_id)
        return None if binding is None else clone(binding)

    async def update_binding(self, binding: ChannelBinding) -> ChannelBinding:
        """Replace a binding in place; its read horizon never moves backwards."""
        old = self._stored_binding(binding.room_id, binding.channel_id)
        stored = clone(binding)
        stored.last_read_index = later(old.last_read_index, stored.last_read_index)
        self._rooms[stored.room_id].bindings[stored.channel_id] = stored
        return clone(stored)

    async def remove_binding(self, room_id: str, channel_id: str) -> bool:
        """Detach a channel from a room; return whether it was attached."""
        data = self._rooms.get(room_id)
        if data is None or data.bindings.pop(channel_id, None) is None:
            return False
        self._rooms_by_channel.forget(channel_id, room_id)
        return True

    async def list_bindings(self, room_id: str) -> list[ChannelBinding]:
        """Return the room's bindings in attach order."""
        data = self._rooms.get(room_id)
        return [] if data is None else [clone(b) for b in data.bindings.values()]

    # --- Participants ------------------------------------------------------------

    async def add_participant(self, participant: Participant) -> Participant:
        """Add a participant (replacing one with the same id, keeping its place)."""
        data = self._data(participant.room_id)
        stored = clone(participant)
        data.participants[stored.id] = stored
        self._rooms_by_participant.include(stored.id, stored.room_id)
        return clone(stored)

    async def get_participant(self, room_id: str, participant_id: str) -> Participant | None:
        """Return the participant, or ``None``."""
        data = self._rooms.get(room_id)
        participant = None if data is None else data.participants.get(participant_id)
        return None if participant is None else clone(participant)

    async def update_participant(self, participant: Participant) -> Participant:
        """Replace a participant; raises ``ParticipantNotFoundError`` if missing."""
        data = self._rooms.get(participant.room_id)
        if data is None or participant.id not in data.participants:
            raise ParticipantNotFoundError(
                f"participant {participant.id!r} not in room {participant.room_id!r}"
            )
        stored = clone(participant)
        data.participants[stored.id] = stored
        return clone(stored)

    async def list_participants(self, room_id: str) -> list[Participant]:
        """Return the room's participants in join order."""
        data = self._rooms.get(room_id)
        return [] if data is None else [clone(p) for p in data.participants.values()]
