"""The in-memory store's side records: identities, tasks, observations, read marks.

A mixin of :class:`~roomkit.store.memory.InMemoryStore`, kept apart so each file stays
readable; it works on the state the store's constructor creates.
"""

from __future__ import annotations

from roomkit.errors import (
    ChannelNotFoundError,
    EventNotFoundError,
    RoomNotFoundError,
    TaskNotFoundError,
)
from roomkit.models._clone import clone
from roomkit.models.channel import ChannelBinding
from roomkit.models.enums import TaskStatus
from roomkit.models.event import RoomEvent
from roomkit.models.identity import Identity
from roomkit.models.task import Observation, Task
from roomkit.store._addresses import AddressBook
from roomkit.store._room_data import RoomData, later

__all__ = ["RecordsMixin"]


class RecordsMixin:
    """Identities, tasks, observations and read tracking for the in-memory store."""

    _rooms: dict[str, RoomData]
    _events: dict[str, RoomEvent]
    _tasks: dict[str, Task]
    _identities: AddressBook

    def _data(self, room_id: str) -> RoomData:
        """Return the room's data or raise ``RoomNotFoundError``."""
        data = self._rooms.get(room_id)
        if data is None:
            raise RoomNotFoundError(f"room {room_id!r} not found")
        return data

    def _stored_binding(self, room_id: str, channel_id: str) -> ChannelBinding:
        """Return the stored binding or raise ``ChannelNotFoundError``."""
        data = self._rooms.get(room_id)
        binding = None if data is None else data.bindings.get(channel_id)
        if binding is None:
            raise ChannelNotFoundError(f"channel {channel_id!r} not attached to {room_id!r}")
        return binding

    # --- Identities --------------------------------------------------------------

    async def create_identity(self, identity: Identity) -> Identity:
        """Store an identity and make each of its addresses resolve to it."""
        stored = clone(identity)
        self._identities.add(stored)
        return clone(stored)

    async def get_identity(self, identity_id: str) -> Identity | None:
        """Return the identity, or ``None``."""
        identity = self._identities.get(identity_id)
        return None if identity is None else clone(identity)

    async def resolve_identity(self, channel_type: str, address: str) -> Identity | None:
        """Return the identity reachable at ``address`` on ``channel_type``, if any."""
        identity = self._identities.resolve(channel_type, address)
        return None if identity is None else clone(identity)

    async def link_address(self, identity_id: str, channel_type: str, address: str) -> Identity:
        """Add an address to an identity; it moves away from any earlier owner."""
        return clone(self._identities.link(identity_id, channel_type, address))

    # --- Tasks -------------------------------------------------------------------

    async def add_task(self, task: Task) -> Task:
        """Store a task in its room."""
        data = self._data(task.room_id)
        if task.id in self._tasks:
            raise ValueError(f"task {task.id!r} already exists")
        stored = clone(task)
        self._tasks[stored.id] = stored
        data.task_ids[stored.id] = None
        return clone(stored)

    async def get_task(self, task_id: str) -> Task | None:
        """Return the task, or ``None``."""
        task = self._tasks.get(task_id)
        return None if task is None else clone(task)

    async def list_tasks(self, room_id: str, status: TaskStatus | None = None) -> list[Task]:
        """Return the room's tasks, oldest first, optionally only those in ``status``."""
        data = self._rooms.get(room_id)
        if data is None:
            return []
        tasks = (self._tasks[task_id] for task_id in data.task_ids)
        return [clone(t) for t in tasks if status is None or t.status == status]

    async def update_task(self, task: Task) -> Task:
        """Replace a task; it stays in the room it was added to."""
        old = self._tasks.get(task.id)
        if old is None:
            raise TaskNotFoundError(f"task {task.id!r} not found")
        stored = clone(task)
        stored.room_id = old.room_id
        self._tasks[stored.id] = stored
        return clone(stored)

    # --- Observations ------------------------------------------------------------

    async def add_observation(self, observation: Observation) -> Observation:
        """Store an observation in its room."""
        stored = clone(observation)
        self._data(stored.room_id).observations.append(stored)
        return clone(stored)

    async def list_observations(self, room_id: str) -> list[Observation]:
        """Return the room's observations, oldest first."""
        data = self._rooms.get(room_id)
        return [] if data is None else [clone(o) for o in data.observations]

    # --- Read tracking -----------------------------------------------------------

    async def mark_read(self, room_id: str, channel_id: str, event_id: str) -> None:
        """Move the channel's read horizon up to ``event_id`` (never backwards)."""
        self._data(room_id)
        binding = self._stored_binding(room_id, channel_id)
        event = self._events.get(event_id)
        if event is None or event.room_id != room_id:
            raise EventNotFoundError(f"event {event_id!r} not found in room {room_id!r}")
        binding.last_read_index = later(binding.last_read_index, event.index)

    async def mark_all_read(self, room_id: str, channel_id: str) -> None:
        """Move the channel's read horizon to the room's newest event."""
        latest = self._data(room_id).room.latest_index
        binding = self._stored_binding(room_id, channel_id)
        if latest >= 0:
            binding.last_read_index = later(binding.last_read_index, latest)

    async def get_unread_count(self, room_id: str, channel_id: str) -> int:
        """Return how many of the room's events come after the channel's read horizon."""
        room = self._data(room_id).room
        read = self._stored_binding(room_id, channel_id).last_read_index
        if read is None:
            return room.event_count
        return max(0, room.latest_index - read)
