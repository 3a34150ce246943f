"""The SQL store's records beside the timeline: bindings, participants, identities,
tasks, observations and read horizons.

A mixin of :class:`~roomkit.store._sql.store.SQLStore`, kept apart so each file stays
readable. A binding's read horizon lives in its own column, moved only forwards by a
single ``UPDATE`` so concurrent readers never pull it back; it is laid over the JSON.
"""

from __future__ import annotations

from roomkit.errors import (
    ChannelNotFoundError,
    EventNotFoundError,
    IdentityNotFoundError,
    ParticipantNotFoundError,
    RoomNotFoundError,
    TaskNotFoundError,
)
from roomkit.models._util import replace
from roomkit.models.channel import ChannelBinding
from roomkit.models.enums import TaskStatus
from roomkit.models.identity import Identity
from roomkit.models.participant import Participant
from roomkit.models.task import Observation, Task
from roomkit.store._sql.decoded import Decoded
from roomkit.store._sql.driver import IntegrityConflict, Row, SQLConnection, SQLDriver
from roomkit.store._sql.encoded import json_text

__all__ = ["RecordsMixin"]


class RecordsMixin:
    """Bindings, participants, identities, tasks, observations and read tracking."""

    _db: SQLDriver
    _q: dict[str, str]
    _decoded: Decoded

    def _binding(self, row: Row) -> ChannelBinding:
        """Build a binding from its ``data`` and ``last_read_index`` columns."""
        return self._decoded.load(ChannelBinding, row[0], {"last_read_index": row[1]})

    # --- bindings ----------------------------------------------------------------------

    async def add_binding(self, binding: ChannelBinding) -> ChannelBinding:
        """Attach a channel to a room, as its most recent attachment."""
        added = await self._db.fetchval(
            self._q["add_binding"],
            binding.room_id,
            binding.channel_id,
            binding.channel_type.value,
            binding.participant_id,
            binding.last_read_index,
            json_text(binding),
        )
        if added is None:
            raise RoomNotFoundError(f"room {binding.room_id!r} not found")
        return replace(binding)

    async def get_binding(self, room_id: str, channel_id: str) -> ChannelBinding | None:
        """Return the binding, or ``None``."""
        row = await self._db.fetchrow(self._q["get_binding"], room_id, channel_id)
        return None if row is None else self._binding(row)

    async def update_binding(self, binding: ChannelBinding) -> ChannelBinding:
        """Replace a binding in place; its read horizon never moves backwards."""
        row = await self._db.fetchrow(
            self._q["update_binding"],
            binding.room_id,
            binding.channel_id,
            binding.channel_type.value,
            binding.participant_id,
            binding.last_read_index,
            json_text(binding),
        )
        if row is None:
            raise ChannelNotFoundError(
                f"channel {binding.channel_id!r} not attached to {binding.room_id!r}"
            )
        return replace(binding, last_read_index=row[0])

    async def remove_binding(self, room_id: str, channel_id: str) -> bool:
        """Detach a channel from a room; return whether it was attached."""
        removed = await self._db.fetchval(self._q["remove_binding"], room_id, channel_id)
        return removed is not None

    async def list_bindings(self, room_id: str) -> list[ChannelBinding]:
        """Return the room's bindings in attach order."""
        rows = await self._db.fetch(self._q["list_bindings"], room_id)
        return [self._binding(row) for row in rows]

    # --- participants ------------------------------------------------------------------

    async def add_participant(self, participant: Participant) -> Participant:
        """Add a participant (replacing one with the same id, keeping its place)."""
        added = await self._db.fetchval(
            self._q["add_participant"],
            participant.room_id,
            participant.id,
            participant.channel_id,
            json_text(participant),
        )
        if added is None:
            raise RoomNotFoundError(f"room {participant.room_id!r} not found")
        return replace(participant)

    async def get_participant(self, room_id: str, participant_id: str) -> Participant | None:
        """Return the participant, or ``None``."""
        data = await self._db.fetchval(self._q["get_participant"], room_id, participant_id)
        return None if data is None else self._decoded.load(Participant, data)

    async def update_participant(self, participant: Participant) -> Participant:
        """Replace a participant; raises ``ParticipantNotFoundError`` if missing."""
        updated = await self._db.fetchval(
            self._q["update_participant"],
            participant.room_id,
            participant.id,
            participant.channel_id,
            json_text(participant),
        )
        if updated is None:
            raise ParticipantNotFoundError(
                f"participant {participant.id!r} not in room {participant.room_id!r}"
            )
        return replace(participant)

    async def list_participants(self, room_id: str) -> list[Participant]:
        """Return the room's participants in join order."""
        rows = await self._db.fetch(self._q["list_participants"], room_id)
        return [self._decoded.load(Participant, row[0]) for row in rows]

    # --- identities --------------------------------------------------------------------

    async def create_identity(self, identity: Identity) -> Identity:
        """Store an identity and make each of its addresses resolve to it."""
        try:
            async with self._db.transaction() as conn:
                await conn.execute(self._q["insert_identity"], identity.id, json_text(identity))
                for channel_type, addresses in list(identity.channel_addresses.items()):
                    for address in list(addresses):
                        await self._claim(conn, identity.id, str(channel_type), address)
        except IntegrityConflict:
            raise ValueError(f"identity {identity.id!r} already exists") from None
        return replace(identity)

    async def get_identity(self, identity_id: str) -> Identity | None:
        """Return the identity, or ``None``."""
        data = await self._db.fetchval(self._q["get_identity"], identity_id)
        return None if data is None else self._decoded.load(Identity, data)

    async def resolve_identity(self, channel_type: str, address: str) -> Identity | None:
        """Return the identity reachable at ``address`` on ``channel_type``, if any."""
        data = await self._db.fetchval(self._q["resolve_identity"], str(channel_type), address)
        return None if data is None else self._decoded.load(Identity, data)

    async def link_address(self, identity_id: str, channel_type: str, address: str) -> Identity:
        """Add an address to an identity; it moves away from any earlier owner."""
        kind = str(channel_type)
        async with self._db.transaction() as conn:
            data = await conn.fetchval(self._q["lock_identity"], identity_id)
            if data is None:
                raise IdentityNotFoundError(f"identity {identity_id!r} not found")
            identity = self._decoded.load(Identity, data)
            addresses = identity.channel_addresses.setdefault(kind, [])
            if address not in addresses:
                addresses.append(address)
                await conn.execute(self._q["save_identity"], identity_id, json_text(identity))
            await self._claim(conn, identity_id, kind, address)
        return identity

    async def _claim(
        self, conn: SQLConnection, identity_id: str, channel_type: str, address: str
    ) -> None:
        """Point the address at ``identity_id``, removing it from a previous owner."""
        previous = await conn.fetchval(self._q["address_owner"], channel_type, address)
        await conn.execute(self._q["claim_address"], channel_type, address, identity_id)
        if previous is None or previous == identity_id:
            return
        data = await conn.fetchval(self._q["lock_identity"], previous)
        if data is None:
            return
        owner = self._decoded.load(Identity, data)
        owned = owner.channel_addresses.get(channel_type, [])
        if address in owned:
            owned.remove(address)
            if not owned:
                del owner.channel_addresses[channel_type]
            await conn.execute(self._q["save_identity"], previous, json_text(owner))

    # --- tasks and observations --------------------------------------------------------

    async def add_task(self, task: Task) -> Task:
        """Store a task in its room."""
        try:
            added = await self._db.fetchval(
                self._q["add_task"],
                task.id,
                task.room_id,
                task.status.value,
                json_text(task),
            )
        except IntegrityConflict:
            raise ValueError(f"task {task.id!r} already exists") from None
        if added is None:
            raise RoomNotFoundError(f"room {task.room_id!r} not found")
        return replace(task)

    async def get_task(self, task_id: str) -> Task | None:
        """Return the task, or ``None``."""
        data = await self._db.fetchval(self._q["get_task"], task_id)
        return None if data is None else Task.model_validate_json(data)

    async def list_tasks(self, room_id: str, status: TaskStatus | None = None) -> list[Task]:
        """Return the room's tasks, oldest first, optionally only those in ``status``."""
        state = None if status is None else status.value
        rows = await self._db.fetch(self._q["list_tasks"], room_id, state)
        return [Task.model_validate_json(row[0]) for row in rows]

    async def update_task(self, task: Task) -> Task:
        """Replace a task; it stays in the room it was added to."""
        async with self._db.transaction() as conn:
            room_id = await conn.fetchval(self._q["task_room"], task.id)
            if room_id is None:
                raise TaskNotFoundError(f"task {task.id!r} not found")
            stored = replace(task, room_id=room_id)
            await conn.execute(
                self._q["update_task"], task.id, task.status.value, json_text(stored)
            )
        return stored

    async def add_observation(self, observation: Observation) -> Observation:
        """Store an observation in its room."""
        added = await self._db.fetchval(
            self._q["add_observation"],
            observation.id,
            observation.room_id,
            json_text(observation),
        )
        if added is None:
            raise RoomNotFoundError(f"room {observation.room_id!r} not found")
        return replace(observation)

    async def list_observations(self, room_id: str) -> list[Observation]:
        """Return the room's observations, oldest first."""
        rows = await self._db.fetch(self._q["list_observations"], room_id)
        return [Observation.model_validate_json(row[0]) for row in rows]

    # --- read tracking -----------------------------------------------------------------

    async def _read_state(self, room_id: str, channel_id: str) -> Row:
        """The room's counters and the channel's horizon; raises when either is missing."""
        row = await self._db.fetchrow(self._q["read_state"], room_id, channel_id)
        if row is None:
            raise RoomNotFoundError(f"room {room_id!r} not found")
        if row[2] is None:
            raise ChannelNotFoundError(f"channel {channel_id!r} not attached to {room_id!r}")
        return row

    async def mark_read(self, room_id: str, channel_id: str, event_id: str) -> None:
        """Move the channel's read horizon up to ``event_id`` (never backwards)."""
        await self._read_state(room_id, channel_id)
        index = await self._db.fetchval(self._q["event_index_in_room"], event_id, room_id)
        if index is None:
            raise EventNotFoundError(f"event {event_id!r} not found in room {room_id!r}")
        await self._db.execute(self._q["advance_read"], room_id, channel_id, index)

    async def mark_all_read(self, room_id: str, channel_id: str) -> None:
        """Move the channel's read horizon to the room's newest event."""
        latest = (await self._read_state(room_id, channel_id))[1]
        if latest >= 0:
            await self._db.execute(self._q["advance_read"], room_id, channel_id, latest)

    async def get_unread_count(self, room_id: str, channel_id: str) -> int:
        """Return how many of the room's events come after the channel's read horizon."""
        row = await self._read_state(room_id, channel_id)
        count, latest, read = int(row[0]), int(row[1]), row[3]
        if read is None:
            return count
        return max(0, latest - int(read))
