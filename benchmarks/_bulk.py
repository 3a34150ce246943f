"""Fill a store's rooms with many events quickly, for the benchmarks' large stores.

A million ``add_event`` calls take minutes on the SQL stores, so for them the events are
written straight into the store's tables, one set-based ``INSERT`` per room inside one
transaction, exactly as ``add_event`` leaves them (gap-free indexes, the room's
counters, the JSON with its index and id, ids of ``new_id``'s form made in the past).
This knows the stores' private table layout; it is a benchmark tool, not an API. The
in-memory store, which has no tables, is filled through ``add_event``.

One event in ``internal_every`` is written with ``visibility="internal"`` (0: none).
After filling, the write-ahead log is folded into the database (SQLite) or the server
checkpointed and the tables analysed (PostgreSQL), so that the timed run that follows
does not pay for the fill.
"""

from __future__ import annotations

import asyncio
import time

from roomkit.models import ChannelType, EventSource, EventStatus, RoomEvent, TextContent
from roomkit.store import ConversationStore, InMemoryStore

__all__ = ["fill"]

# Each filled event gets an id of the form ``new_id`` makes (a version 7 UUID) dated in
# the past: the event at index i was made at ``base + i`` milliseconds, so the fill's ids
# sort before the run's own, as ids of events added over the months before would.
# ``random_ids`` fills with version 4 (random) UUIDs instead, for ``event_ids.py``.
_SQLITE_IDS = {
    False: "printf('%012x7%s%s%s', $7 + i, substr(r, 1, 3),"
    " substr('89ab', 1 + abs(random() % 4), 1), substr(r, 4, 15))",
    True: "printf('%s4%s%s%s', substr(r, 1, 12), substr(r, 13, 3),"
    " substr('89ab', 1 + abs(random() % 4), 1), substr(r, 16, 15))",
}
_SQLITE_FILL = (
    "WITH RECURSIVE n(i) AS (SELECT $2 UNION ALL SELECT i + 1 FROM n WHERE i < $3),"
    # materialised, so each event draws its random bits once (id column and JSON agree)
    " made AS MATERIALIZED (SELECT i, CASE WHEN $6 > 0 AND i % $6 = 0 THEN 'internal'"
    " ELSE 'all' END AS v, {eid} AS eid"
    " FROM (SELECT i, lower(hex(randomblob(16))) AS r FROM n))"
    " INSERT INTO events (room_id, idx, id, visibility, idempotency_key, added_at, data)"
    " SELECT $1, i, eid, v, NULL, $4, json_set($5, '$.index', i, '$.id', eid, '$.visibility', v)"
    " FROM made"
)
_POSTGRES_IDS = {
    False: "lpad(to_hex(CAST($6 AS BIGINT) + i), 12, '0') || '7' || substr(r, 1, 3)"
    " || substr('89ab', 1 + floor(random() * 4)::int, 1) || substr(r, 4, 15)",
    True: "substr(r, 1, 12) || '4' || substr(r, 13, 3)"
    " || substr('89ab', 1 + floor(random() * 4)::int, 1) || substr(r, 16, 15)",
}
_POSTGRES_FILL = (
    "INSERT INTO {p}events (room_id, idx, id, visibility, idempotency_key, data)"
    " SELECT $1, i, eid, v, NULL, jsonb_set(jsonb_set(jsonb_set(CAST($4 AS JSONB),"
    " '{{index}}', to_jsonb(i)), '{{id}}', to_jsonb(eid)), '{{visibility}}', to_jsonb(v))"
    " FROM (SELECT i, v, {eid} AS eid FROM (SELECT i,"
    " CASE WHEN $5 > 0 AND i % $5 = 0 THEN 'internal' ELSE 'all' END AS v,"
    " md5(random()::text) || md5(random()::text) AS r"
    " FROM generate_series(CAST($2 AS INTEGER), CAST($3 AS INTEGER)) AS i) AS g) AS n"
)
_POSTGRES_COUNT = (
    "UPDATE {p}rooms SET event_count = $2, latest_index = $2 - 1, updated_at = now() WHERE id = $1"
)


def template(room_id: str, body: str = "archived message") -> RoomEvent:
    """The event every filled row copies (with its own id, index and visibility)."""
    return RoomEvent(
        room_id=room_id,
        source=EventSource(channel_id="archive", channel_type=ChannelType.WEBSOCKET),
        content=TextContent(body=body),
        status=EventStatus.DELIVERED,
    )


def _past_milliseconds(count: int) -> int:
    """When the first of ``count`` filled events was made (ms), so the last was a day ago."""
    return time.time_ns() // 1_000_000 - count - 86_400_000


async def fill(
    store: ConversationStore,
    room_ids: list[str],
    count: int,
    *,
    internal_every: int = 0,
    random_ids: bool = False,
) -> None:
    """Append ``count`` events to each of the store's (existing) rooms.

    In a SQL store their ids have ``new_id``'s form, dated in the past; ``random_ids``
    makes them version 4 (random) UUIDs instead. The in-memory store holds no tables:
    its events are added one by one with ``add_event``.
    """
    from roomkit.store.postgres import PostgresStore
    from roomkit.store.sqlite import SQLiteStore

    if isinstance(store, InMemoryStore):
        await _fill_memory(store, room_ids, count)
    elif isinstance(store, SQLiteStore):
        await _fill_sqlite(store, room_ids, count, internal_every, random_ids)
        # fold the fill's log into the file now, not during the timed run
        await store._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    elif isinstance(store, PostgresStore):
        await _fill_postgres(store, room_ids, count, internal_every, random_ids)
        # statistics for the planner and the fill's dirty pages on disk before timing
        await store._db.execute(f"VACUUM (ANALYZE) {store._prefix}events, {store._prefix}rooms")
        await store._db.execute("CHECKPOINT")
    else:
        raise TypeError(f"cannot fill a {type(store).__name__}")


async def _fill_memory(store: InMemoryStore, room_ids: list[str], count: int) -> None:
    """Add ``count`` events to each room through ``add_event``, 16 rooms at a time."""
    gate = asyncio.Semaphore(16)

    async def fill_room(room_id: str) -> None:
        async with gate:
            for _ in range(count):
                await store.add_event(template(room_id))

    await asyncio.gather(*(fill_room(room_id) for room_id in room_ids))


async def _fill_sqlite(
    store: ConversationStore, room_ids: list[str], count: int, internal_every: int, random: bool
) -> None:
    statement = _SQLITE_FILL.format(eid=_SQLITE_IDS[random])
    db = store._db  # type: ignore[attr-defined]
    async with db.transaction() as conn:
        for room_id in room_ids:
            start = int(
                await conn.fetchval("SELECT event_count FROM rooms WHERE id = $1", room_id)
            )
            await conn.execute(
                statement,
                room_id,
                start,
                start + count - 1,
                store._ts(store._clock()),  # type: ignore[attr-defined]
                template(room_id).model_dump_json(),
                internal_every,
                _past_milliseconds(count),
            )


async def _fill_postgres(
    store: ConversationStore, room_ids: list[str], count: int, internal_every: int, random: bool
) -> None:
    prefix = store._prefix  # type: ignore[attr-defined]
    insert = _POSTGRES_FILL.format(p=prefix, eid=_POSTGRES_IDS[random])
    counters = _POSTGRES_COUNT.format(p=prefix)
    for room_id in room_ids:
        async with store._db.transaction() as conn:  # type: ignore[attr-defined]
            start = int(
                await conn.fetchval(
                    f"SELECT event_count FROM {prefix}rooms WHERE id = $1 FOR UPDATE", room_id
                )
            )
            args = [room_id, start, start + count - 1, template(room_id).model_dump_json()]
            # version 4 ids need no date (PostgreSQL refuses an unused parameter)
            args += [internal_every] if random else [internal_every, _past_milliseconds(count)]
            await conn.execute(insert, *args)
            await conn.execute(counters, room_id, start + count)
