"""The conversation store over SQL: rooms and timelines (records live in a mixin).

Every model is kept whole as JSON; a room's event counters and ``updated_at`` live in
their own columns (they change with each event) and are laid over the JSON on read.
An event's ``index`` is claimed by incrementing its room's counter in the very statement
that inserts the event, so indexes are gap-free and unique per room whatever the number
of writers: a failed insert takes the increment back with it, and writers of one room
queue on the room row. Events are never deleted one by one, so a timeline page is a
range of the ``(room_id, idx)`` key.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

from roomkit.errors import RoomNotFoundError
from roomkit.models._util import replace, utcnow
from roomkit.models.enums import ChannelType, RoomStatus
from roomkit.models.event import RoomEvent
from roomkit.models.room import Room
from roomkit.store._room_data import check_page
from roomkit.store._sql.decoded import DECODED_PER_MODEL, Decoded
from roomkit.store._sql.driver import IntegrityConflict, Row, SQLDriver
from roomkit.store._sql.encoded import json_text
from roomkit.store._sql.event_writes import EventWritesMixin, NextIndexes
from roomkit.store._sql.kept import Versioned
from roomkit.store._sql.members import MEMBERS_KEPT, Members, MembersMixin
from roomkit.store._sql.statements import ROOM_COLUMNS
from roomkit.store.base import ConversationStore

__all__ = ["SQLStore"]

logger = logging.getLogger("roomkit.store.sql")

_ROOM_COUNTERS = {"event_count", "latest_index"}
_SCAN_BATCH = 200

ROUTES_KEPT = 4096
"""Participants whose latest room a store keeps (with a ``route_version``)."""

_Route = tuple[str, RoomStatus] | None
"""A participant's latest room: its id and status, or ``None``."""


class SQLStore(EventWritesMixin, MembersMixin, ConversationStore):
    """A :class:`ConversationStore` over a SQL database, shared by the SQL backends.

    A backend passes its driver, its statements (see :mod:`.statements`) and its table
    prefix, and overrides the timestamp conversions when its columns need them.
    """

    def __init__(
        self,
        driver: SQLDriver,
        statements: dict[str, str],
        *,
        prefix: str = "",
        clock: Callable[[], datetime] = utcnow,
        decoded_cache_size: int = DECODED_PER_MODEL,
    ) -> None:
        """Wrap ``driver``; nothing is opened until the first call (or :meth:`open`)."""
        if decoded_cache_size < 0:
            raise ValueError("decoded_cache_size must be >= 0")
        self._db = driver
        self._q = statements
        self._prefix = prefix
        self._clock = clock
        self._decoded = Decoded(decoded_cache_size)
        self._next_indexes = NextIndexes()
        self._members: Versioned[str, Members] = Versioned(MEMBERS_KEPT)
        self._routes: Versioned[tuple[str, ChannelType | None], _Route] = Versioned(ROUTES_KEPT)

    async def open(self) -> None:
        """Connect now and bring the schema up to date (otherwise done on first use)."""
        await self._db.open()

    async def close(self) -> None:
        """Close the database connections; a later call opens them again."""
        await self._db.close()
        self._decoded.clear()
        self._next_indexes.clear()
        self._members.clear()
        self._routes.clear()

    # --- dialect hooks ---------------------------------------------------------------

    def _ts(self, value: datetime) -> Any:
        """Return the column value storing ``value`` (a datetime by default)."""
        return value

    def _datetime(self, value: Any) -> datetime:
        """Return the datetime stored as ``value``."""
        result: datetime = value
        return result

    def _metadata_condition(self, param: int) -> str | None:
        """An SQL condition narrowing rooms by the metadata filter JSON in ``$param``."""
        return None

    # --- rooms -----------------------------------------------------------------------

    def _room(self, row: Row) -> Room:
        """Build a room from ``ROOM_COLUMNS`` of a row."""
        updated_at = self._datetime(row[3])
        columns = {"event_count": row[1], "latest_index": row[2], "updated_at": updated_at}
        return self._decoded.load(Room, row[0], columns)

    async def create_room(self, room: Room) -> Room:
        """Store a new room (with no events yet) and return the stored copy."""
        stored = replace(room, event_count=0, latest_index=-1)
        try:
            await self._db.execute(
                self._q["create_room"],
                room.id,
                room.organization_id,
                room.status.value,
                self._ts(room.created_at),
                self._ts(room.updated_at),
                json_text(room, exclude=_ROOM_COUNTERS),
            )
        except IntegrityConflict:
            raise ValueError(f"room {room.id!r} already exists") from None
        logger.debug("room %s created", room.id)
        return stored

    async def get_room(self, room_id: str) -> Room | None:
        """Return the room, or ``None``."""
        row = await self._db.fetchrow(self._q["get_room"], room_id)
        return None if row is None else self._room(row)

    async def update_room(self, room: Room) -> Room:
        """Replace a stored room; its event counters stay the store's own."""
        row = await self._db.fetchrow(
            self._q["update_room"],
            room.id,
            room.organization_id,
            room.status.value,
            self._ts(room.created_at),
            self._ts(room.updated_at),
            json_text(room, exclude=_ROOM_COUNTERS),
        )
        if row is None:
            raise RoomNotFoundError(f"room {room.id!r} not found")
        return replace(room, event_count=row[0], latest_index=row[1])

    async def delete_room(self, room_id: str) -> bool:
        """Delete a room with its events, bindings, participants, tasks and observations."""
        async with self._db.transaction() as conn:
            if await conn.fetchval(self._q["delete_room"], room_id) is None:
                return False
            for part in (
                "events",
                "provider_ids",
                "bindings",
                "participants",
                "tasks",
                "observations",
            ):
                await conn.execute(self._q[f"delete_room_{part}"], room_id)
        logger.debug("room %s deleted", room_id)
        return True

    async def list_rooms(self, offset: int = 0, limit: int = 50) -> list[Room]:
        """Return one page of rooms, oldest first."""
        check_page(offset, limit)
        rows = await self._db.fetch(self._q["list_rooms"], limit, offset)
        return [self._room(row) for row in rows]

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
        conditions: list[str] = []
        args: list[Any] = []
        if organization_id is not None:
            args.append(organization_id)
            conditions.append(f"r.organization_id = ${len(args)}")
        if status is not None:
            args.append(status.value)
            conditions.append(f"r.status = ${len(args)}")
        if not metadata_filter:
            where = " AND ".join(conditions) or "TRUE"
            sql = (
                f"SELECT {ROOM_COLUMNS} FROM {self._prefix}rooms r WHERE {where}"
                f" ORDER BY r.seq LIMIT ${len(args) + 1} OFFSET ${len(args) + 2}"
            )
            return [self._room(row) for row in await self._db.fetch(sql, *args, limit, offset)]
        narrowing = self._metadata_condition(len(args) + 1)
        encoded = _json_or_none(metadata_filter)
        if narrowing is not None and encoded is not None:
            args.append(encoded)
            conditions.append(narrowing)
        return await self._scan_rooms(conditions, args, metadata_filter, limit, offset)

    async def _scan_rooms(
        self,
        conditions: list[str],
        args: list[Any],
        wanted: dict[str, Any],
        limit: int,
        offset: int,
    ) -> list[Room]:
        """Walk the rooms matching ``conditions`` in batches, keeping metadata matches."""
        where = " AND ".join([*conditions, f"r.seq > ${len(args) + 1}"])
        sql = (
            f"SELECT {ROOM_COLUMNS}, r.seq FROM {self._prefix}rooms r WHERE {where}"
            f" ORDER BY r.seq LIMIT {_SCAN_BATCH}"
        )
        found: list[Room] = []
        skipped = 0
        after = -1
        while len(found) < limit:
            rows = await self._db.fetch(sql, *args, after)
            for row in rows:
                after = row[4]
                room = self._room(row)
                if not _metadata_matches(room.metadata, wanted):
                    continue
                if skipped < offset:
                    skipped += 1
                    continue
                found.append(room)
                if len(found) == limit:
                    break
            if len(rows) < _SCAN_BATCH:
                break
        return found

    async def find_latest_room(
        self,
        participant_id: str,
        channel_type: ChannelType | None = None,
        status: RoomStatus | None = None,
    ) -> Room | None:
        """Return the most recently created room the participant takes part in."""
        state = None if status is None else status.value
        row = await self._latest_row(
            "latest_room_of_participant", participant_id, channel_type, state
        )
        return None if row is None else self._room(row)

    async def _latest_room_status(
        self, participant_id: str, channel_type: ChannelType | None = None
    ) -> tuple[str, RoomStatus] | None:
        """The id and status of the participant's latest room, read without its data.

        A dialect with a ``route_version`` statement (SQLite) keeps the answers under the
        version it reads first: any write that could change an answer moves it.
        """
        version_statement = self._q.get("route_version")
        if version_statement is None:
            return await self._read_latest_room_status(participant_id, channel_type)
        version = await self._db.fetchval(version_statement)
        key = (participant_id, channel_type)
        found = self._routes.get(key, version)
        if found is not None:
            return found[1]
        route = await self._read_latest_room_status(participant_id, channel_type)
        return self._routes.put(key, version, route)

    async def _read_latest_room_status(
        self, participant_id: str, channel_type: ChannelType | None
    ) -> _Route:
        row = await self._latest_row("latest_room_status", participant_id, channel_type, None)
        return None if row is None else (str(row[0]), RoomStatus(row[1]))

    def _latest_row(
        self,
        statement: str,
        participant_id: str,
        channel_type: ChannelType | None,
        state: str | None,
    ) -> Coroutine[Any, Any, Row | None]:
        """Run ``statement`` for the participant's latest room (its ``_by_type`` form when
        a channel type narrows it); a plain method handing back the read to await."""
        if channel_type is None:
            return self._db.fetchrow(self._q[statement], participant_id, state)
        return self._db.fetchrow(
            self._q[f"{statement}_by_type"], participant_id, state, channel_type.value
        )

    async def find_room_id_by_channel(
        self, channel_id: str, status: RoomStatus | None = None
    ) -> str | None:
        """Return the id of the room the channel was most recently attached to."""
        if status is None:
            found = await self._db.fetchval(self._q["room_of_channel"], channel_id)
        else:
            found = await self._db.fetchval(
                self._q["room_of_channel_with_status"], channel_id, status.value
            )
        return None if found is None else str(found)

    # --- events ----------------------------------------------------------------------

    async def get_event(self, event_id: str) -> RoomEvent | None:
        """Return the event, or ``None``."""
        data = await self._db.fetchval(self._q["get_event"], event_id)
        return None if data is None else RoomEvent.model_validate_json(data)

    async def find_event_by_provider_message_id(
        self, provider_message_id: str
    ) -> RoomEvent | None:
        """Return the event one of whose deliveries got this vendor message id."""
        data = await self._db.fetchval(self._q["event_by_provider_id"], provider_message_id)
        return None if data is None else RoomEvent.model_validate_json(data)

    async def list_events(
        self,
        room_id: str,
        offset: int = 0,
        limit: int = 50,
        visibility_filter: str | None = None,
    ) -> list[RoomEvent]:
        """Return one page of the room's timeline in index order (empty if no room)."""
        check_page(offset, limit)
        if limit == 0:
            return []
        if visibility_filter is None:
            # Indexes are gap-free, so the page is a range of the primary key.
            rows = await self._db.fetch(self._q["events_page"], room_id, offset, offset + limit)
        elif visibility_filter == "all":
            rows = await self._db.fetch(self._q["events_page_all"], room_id, limit, offset)
        else:
            rows = await self._db.fetch(
                self._q["events_page_visible"], room_id, visibility_filter, limit, offset
            )
        return [RoomEvent.model_validate_json(row[0]) for row in rows]

    async def check_idempotency(self, room_id: str, key: str) -> bool:
        """Return whether an event of the room carries this idempotency key."""
        return await self._db.fetchval(self._q["idempotency_key_used"], room_id, key) is not None

    async def get_event_count(self, room_id: str) -> int:
        """Return how many events the room holds (0 for an unknown room)."""
        count = await self._db.fetchval(self._q["event_count"], room_id)
        return 0 if count is None else int(count)


def _metadata_matches(metadata: dict[str, Any], wanted: dict[str, Any]) -> bool:
    """Tell whether every wanted key is present in ``metadata`` with an equal value."""
    return all(key in metadata and metadata[key] == value for key, value in wanted.items())


def _json_or_none(wanted: dict[str, Any]) -> str | None:
    """The part of the metadata filter a backend may narrow by, as JSON (None if none).

    Only keys whose values are strings, ``None``, or lists and dicts of them are
    kept; the final check in Python decides the rest. JSON tells ``true`` from ``1``
    (and ``false`` from ``0``) where ``==`` does not, and text the database cannot hold
    (NUL, lone surrogates) matches no stored room anyway: a narrowing condition must
    never drop a room that check would keep, nor fail where it would find nothing.
    """
    plain = {k: v for k, v in wanted.items() if _narrowable(k) and _narrowable(v)}
    return json.dumps(plain) if plain else None


def _narrowable(value: Any) -> bool:
    """Tell whether a filter value may go to the database's JSON comparison."""
    if isinstance(value, dict):
        return all(_narrowable(key) and _narrowable(item) for key, item in value.items())
    if isinstance(value, list):
        return all(_narrowable(item) for item in value)
    if isinstance(value, str):
        return _storable(value)
    return value is None


def _storable(text: str) -> bool:
    """Tell whether every store can hold ``text``: no NUL, no lone surrogate."""
    if "\x00" in text:
        return False
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True
