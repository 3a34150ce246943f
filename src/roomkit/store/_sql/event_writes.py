"""The SQL store's event writes: appending an event and replacing a stored one.

A mixin of :class:`~roomkit.store._sql.store.SQLStore`. Both writes are one statement in
the usual case, and the dialect may offer cheaper forms of each for the case the pipeline
makes over and over (see :func:`~roomkit.store._sql.statements.build_statements`):

* **An append at a known index.** The store remembers, per room, the index its last
  append in this process was given, and offers the next one: the statement inserts the
  event only if the room's counter still equals it, so the JSON can be written with
  its index already in place. When another process appended meanwhile (or the room is
  gone) nothing is inserted and the usual statement runs, claiming the index itself.
* **An update in place.** When the event still names the room and index it is stored
  at, with the same visibility and key, its JSON is stored as given.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from roomkit.errors import DuplicateEventError, EventNotFoundError, RoomNotFoundError
from roomkit.models._util import replace
from roomkit.models.event import RoomEvent
from roomkit.store._room_data import provider_ids
from roomkit.store._sql.driver import IntegrityConflict, Row, SQLConnection, SQLDriver
from roomkit.store._sql.encoded import json_text

__all__ = ["NEXT_INDEXES", "EventWritesMixin", "NextIndexes"]

NEXT_INDEXES = 4096
"""Rooms whose next index a store remembers; the longest unused is forgotten first."""


class NextIndexes:
    """The index each room's next event will likely get, as this process last saw it."""

    __slots__ = ("_limit", "_next")

    def __init__(self, limit: int = NEXT_INDEXES) -> None:
        """Remember up to ``limit`` rooms."""
        self._limit = limit
        self._next: dict[str, int] = {}

    def guess(self, room_id: str) -> int | None:
        """The index the room's next event would get, if known."""
        return self._next.get(room_id)

    def appended(self, room_id: str, index: int) -> None:
        """Note that the room's event at ``index`` was just stored."""
        known = self._next
        known.pop(room_id, None)  # re-inserted last: the least recently used goes first
        known[room_id] = index + 1
        if len(known) > self._limit:
            del known[next(iter(known))]

    def clear(self) -> None:
        """Forget every room."""
        self._next.clear()


class EventWritesMixin:
    """``add_event`` and ``update_event`` over the dialect's statements."""

    _db: SQLDriver
    _q: dict[str, str]
    _clock: Callable[[], datetime]
    _next_indexes: NextIndexes
    _ts: Callable[[datetime], Any]

    async def add_event(self, event: RoomEvent) -> RoomEvent:
        """Append the event to its room atomically, assigning the next index.

        One statement bumps the room's counters and inserts the event; the vendor ids of
        delivery results, when the event already has some, join it in a transaction.
        """
        head = (
            event.room_id,
            self._ts(self._clock()),
            event.id,
            event.visibility,
            event.idempotency_key,
        )
        vendor_ids = provider_ids(event)
        try:
            if not vendor_ids:
                stored = await self._append_at_guess(event, head)
                if stored is not None:
                    return stored
            args = (*head, json_text(event))
            if not vendor_ids:
                index = await self._db.fetchval(self._q["add_event"], *args)
            else:
                async with self._db.transaction() as conn:
                    index = await conn.fetchval(self._q["add_event"], *args)
                    if index is not None:
                        await self._record(conn, vendor_ids, event.id, event.room_id)
        except IntegrityConflict:
            if await self._db.fetchval(self._q["event_exists"], event.id) is not None:
                raise ValueError(
                    f"event {event.id!r} is already stored; use update_event"
                ) from None
            raise _duplicate_key(event) from None
        if index is None:
            raise RoomNotFoundError(f"room {event.room_id!r} not found")
        self._next_indexes.appended(event.room_id, index)
        return replace(event, index=index)

    async def _append_at_guess(self, event: RoomEvent, head: tuple[Any, ...]) -> RoomEvent | None:
        """Append at the index this process expects the room to be at, if the dialect
        can and the guess is right; ``None`` when the usual append must run."""
        statement = self._q.get("add_event_at")
        guess = self._next_indexes.guess(event.room_id)
        if statement is None or guess is None:
            return None
        stored = replace(event, index=guess)
        if not await self._db.fetchval(statement, *head, json_text(stored), guess):
            return None
        self._next_indexes.appended(event.room_id, guess)
        return stored

    async def _record(
        self, conn: SQLConnection, vendor_ids: list[str], event_id: str, room_id: str
    ) -> None:
        """Index the vendor message ids of an event's delivery results."""
        for vendor_id in vendor_ids:
            await conn.execute(self._q["record_provider_id"], vendor_id, event_id, room_id)

    async def update_event(self, event: RoomEvent) -> RoomEvent:
        """Replace a stored event; its room and index stay what they were."""
        args = (event.id, event.visibility, event.idempotency_key, json_text(event))
        vendor_ids = provider_ids(event)
        try:
            if not vendor_ids:
                place = await self._replace_event(self._db, args, event)
            else:
                async with self._db.transaction() as conn:
                    place = await self._replace_event(conn, args, event)
                    if place is not None:
                        await self._record(conn, vendor_ids, event.id, place[0])
        except IntegrityConflict:
            raise _duplicate_key(event) from None
        if place is None:
            raise EventNotFoundError(f"event {event.id!r} not found")
        return replace(event, room_id=place[0], index=place[1])

    async def _replace_event(
        self, db: SQLConnection | SQLDriver, args: tuple[Any, ...], event: RoomEvent
    ) -> Row | None:
        """Run ``update_event``; first its cheaper forms, if the dialect has them (they
        change nothing when the event's place, visibility or key differ)."""
        in_place = self._q.get("update_event_in_place")
        if in_place is not None and await db.fetchval(in_place, *args, event.room_id, event.index):
            return (event.room_id, event.index)
        cheaper = self._q.get("update_event_data")
        if cheaper is not None:
            place = await db.fetchrow(cheaper, *args)
            if place is not None:
                return place
        return await db.fetchrow(self._q["update_event"], *args)


def _duplicate_key(event: RoomEvent) -> DuplicateEventError:
    """The error for an event whose idempotency key its room already holds."""
    return DuplicateEventError(
        f"room {event.room_id!r} already holds an event with idempotency key"
        f" {event.idempotency_key!r}"
    )
