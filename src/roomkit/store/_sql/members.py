"""The room with its members in one statement: ``_room_and_members`` over SQL.

The framework reads a room, its bindings and its participants before every event it
processes. Each dialect makes that one statement its own way:

* **PostgreSQL** reads the room's row with arrays of its members' JSON (one round trip
  and one snapshot instead of three).
* **SQLite** keeps the members as it last read them, with the *members version* of the
  room's row at the time (``rooms.members_version``, moved by triggers on every write to
  the room's bindings or participants, whichever process makes it). It reads the row
  with its version and reads the members again only when the version differs from the
  one it holds them under, which is rare.

Nothing can go stale: the version is read first and the members after it, so members are
never older than the version they are kept under, and versions only grow (a room made
again under the same id starts from a random one). Callers still get private copies.
"""

from __future__ import annotations

from collections.abc import Callable

from roomkit.models._clone import clone
from roomkit.models.channel import ChannelBinding
from roomkit.models.participant import Participant
from roomkit.models.room import Room
from roomkit.store._sql.driver import Row, SQLDriver
from roomkit.store._sql.kept import Versioned
from roomkit.store._sql.records import RecordsMixin

__all__ = ["MEMBERS_KEPT", "Members", "MembersMixin"]

MEMBERS_KEPT = 4096
"""Rooms whose members a store keeps; the longest unused is forgotten first."""

Members = tuple[list[ChannelBinding], list[Participant]]
"""A room's bindings and participants."""


class MembersMixin(RecordsMixin):
    """``_room_and_members`` in one statement (see the module's notes)."""

    _db: SQLDriver
    _q: dict[str, str]
    _members: Versioned[str, Members]
    _room: Callable[[Row], Room]

    async def _room_and_members(
        self, room_id: str
    ) -> tuple[Room, list[ChannelBinding], list[Participant]] | None:
        """The room with its bindings and participants, or ``None`` without the room."""
        together = self._q.get("room_and_members")
        if together is not None:
            return await self._read_together(together, room_id)
        statement = self._q["room_and_members_version"]
        row = await self._db.fetchrow(statement, room_id)
        if row is None:
            return None
        version = row[4]
        found = self._members.get(room_id, version)
        if found is None:
            bindings = await self.list_bindings(room_id)
            participants = await self.list_participants(room_id)
            members = self._members.put(room_id, version, (bindings, participants))
        else:
            members = found[1]
        return (
            self._room(row),
            [clone(binding) for binding in members[0]],
            [clone(participant) for participant in members[1]],
        )

    async def _read_together(
        self, statement: str, room_id: str
    ) -> tuple[Room, list[ChannelBinding], list[Participant]] | None:
        """Read the room with arrays of its members' JSON, in one statement."""
        row = await self._db.fetchrow(statement, room_id)
        if row is None:
            return None
        load = self._decoded.load
        bindings = [
            load(ChannelBinding, data, {"last_read_index": read})
            for data, read in zip(row[4], row[5], strict=True)
        ]
        return self._room(row), bindings, [load(Participant, data) for data in row[6]]
