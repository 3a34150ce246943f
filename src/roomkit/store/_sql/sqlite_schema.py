"""The SQLite schema, as ordered migrations, and the SQLite forms of the shared SQL."""

from __future__ import annotations

from roomkit.store._sql.migrations import Migration
from roomkit.store._sql.statements import ROOM_COLUMNS

__all__ = ["SQLITE_FRAGMENTS", "SQLITE_MIGRATIONS", "SQLITE_STATEMENTS"]

SQLITE_FRAGMENTS: dict[str, str] = {
    "p": "",
    "greatest": "MAX",
    "json": "TEXT",
    "for_update": "",
    # SQLite has no sequences: a re-attached binding takes the next attach number, read
    # from the index on ``seq`` (write transactions are serialised, so this is safe).
    "binding_seq_col": ", seq",
    "binding_seq_val": ", (SELECT COALESCE(MAX(seq), 0) + 1 FROM bindings)",
    "connected_via": "SELECT value FROM json_each(p.data, '$.connected_via')",
}

SQLITE_STATEMENTS: dict[str, str] = {
    # The insert reads the room's count as the new index; the trigger ``events_counted``
    # moves the room's counters in the same statement, so it is atomic on its own.
    "add_event": (
        "INSERT INTO events (room_id, idx, id, visibility, idempotency_key, added_at, data)"
        " SELECT $1, event_count, $3, $4, $5, $2, json_set($6, '$.index', event_count)"
        " FROM rooms WHERE id = $1 RETURNING idx"
    ),
    # An append at the index the store expects (``$7``): nothing is inserted, and the
    # driver answers 0, unless the room's counter is still there.
    "add_event_at": (
        "INSERT INTO events (room_id, idx, id, visibility, idempotency_key, added_at, data)"
        " SELECT $1, $7, $3, $4, $5, $2, $6 FROM rooms WHERE id = $1 AND event_count = $7"
    ),
    "update_event": (
        "UPDATE events SET visibility = $2, idempotency_key = $3,"
        " data = json_set($4, '$.index', idx, '$.room_id', room_id)"
        " WHERE id = $1 RETURNING room_id, idx"
    ),
    # The usual update (delivery results) keeps visibility and key: setting only the
    # JSON leaves their indexes untouched, one page fewer to write per update.
    "update_event_data": (
        "UPDATE events SET data = json_set($4, '$.index', idx, '$.room_id', room_id)"
        " WHERE id = $1 AND visibility = $2 AND idempotency_key IS $3 RETURNING room_id, idx"
    ),
    # When the JSON already names the stored room and index (the usual case), it is
    # stored as it is: no JSON to parse and rewrite, no RETURNING (the driver answers
    # the number of rows changed).
    "update_event_in_place": (
        "UPDATE events SET data = $4 WHERE id = $1 AND visibility = $2"
        " AND idempotency_key IS $3 AND room_id = $5 AND idx = $6"
    ),
    # The version under which the store keeps the default router's answers (migration 4).
    "route_version": "SELECT value FROM route_version",
    # The room with the version of its members (see ``members.py``; migration 3).
    "room_and_members_version": (
        f"SELECT {ROOM_COLUMNS}, r.members_version FROM rooms r WHERE r.id = $1"
    ),
}

# Every write to a room's bindings or participants moves the room's members version.
_MEMBER_TRIGGERS = tuple(
    f"CREATE TRIGGER {table}_{change.lower()}_moves_members AFTER {change} ON {table}"
    " BEGIN UPDATE rooms SET members_version = members_version + 1"
    f" WHERE id = {row}.room_id; END"
    for table in ("bindings", "participants")
    for change, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD"))
)

# Every write that could change a participant's latest room (what the default router asks
# for each message) moves the route version: the columns that question reads, of the
# participants, bindings and rooms, and rows coming or going.
_MOVE_ROUTES = " BEGIN UPDATE route_version SET value = value + 1; END"
_ROUTE_TRIGGERS = (
    *(
        f"CREATE TRIGGER {table}_{change.lower()}_moves_routes AFTER {change} ON {table}"
        + _MOVE_ROUTES
        for table in ("bindings", "participants")
        for change in ("INSERT", "DELETE")
    ),
    "CREATE TRIGGER bindings_update_moves_routes AFTER UPDATE OF room_id, channel_id,"
    " channel_type, participant_id ON bindings" + _MOVE_ROUTES,
    "CREATE TRIGGER participants_update_moves_routes AFTER UPDATE OF room_id, id,"
    " channel_id, data ON participants" + _MOVE_ROUTES,
    "CREATE TRIGGER rooms_update_moves_routes AFTER UPDATE OF id, status, created_at ON rooms"
    " WHEN OLD.id IS NOT NEW.id OR OLD.status IS NOT NEW.status"
    " OR OLD.created_at IS NOT NEW.created_at" + _MOVE_ROUTES,
    "CREATE TRIGGER rooms_delete_moves_routes AFTER DELETE ON rooms" + _MOVE_ROUTES,
)

SQLITE_MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        version=1,
        description="rooms, events, bindings, participants, identities, tasks, observations",
        statements=(
            # Timestamps are integer microseconds since the Unix epoch (sortable, exact).
            "CREATE TABLE rooms (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
            " organization_id TEXT, status TEXT NOT NULL, created_at INTEGER NOT NULL,"
            " updated_at INTEGER NOT NULL, event_count INTEGER NOT NULL DEFAULT 0,"
            " latest_index INTEGER NOT NULL DEFAULT -1, data TEXT NOT NULL)",
            "CREATE INDEX rooms_by_organization ON rooms (organization_id, seq)",
            "CREATE INDEX rooms_by_status ON rooms (status, seq)",
            "CREATE TABLE events (room_id TEXT NOT NULL, idx INTEGER NOT NULL,"
            " id TEXT NOT NULL UNIQUE, visibility TEXT NOT NULL, idempotency_key TEXT,"
            " added_at INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (room_id, idx))",
            "CREATE TRIGGER events_counted AFTER INSERT ON events BEGIN"
            " UPDATE rooms SET event_count = NEW.idx + 1, latest_index = NEW.idx,"
            " updated_at = NEW.added_at WHERE id = NEW.room_id; END",
            "CREATE INDEX events_by_visibility ON events (room_id, visibility, idx)",
            "CREATE UNIQUE INDEX events_by_idempotency_key ON events (room_id, idempotency_key)"
            " WHERE idempotency_key IS NOT NULL",
            "CREATE TABLE provider_message_ids (provider_message_id TEXT PRIMARY KEY,"
            " event_id TEXT NOT NULL, room_id TEXT NOT NULL)",
            "CREATE INDEX provider_message_ids_by_room ON provider_message_ids (room_id)",
            "CREATE TABLE bindings (room_id TEXT NOT NULL, channel_id TEXT NOT NULL,"
            " seq INTEGER NOT NULL, channel_type TEXT NOT NULL, participant_id TEXT,"
            " last_read_index INTEGER, data TEXT NOT NULL, PRIMARY KEY (room_id, channel_id))",
            "CREATE INDEX bindings_by_channel ON bindings (channel_id, seq)",
            "CREATE INDEX bindings_by_room ON bindings (room_id, seq)",
            "CREATE UNIQUE INDEX bindings_by_seq ON bindings (seq)",
            "CREATE TABLE participants (seq INTEGER PRIMARY KEY, room_id TEXT NOT NULL,"
            " id TEXT NOT NULL, channel_id TEXT NOT NULL, data TEXT NOT NULL,"
            " UNIQUE (room_id, id))",
            "CREATE INDEX participants_by_id ON participants (id)",
            "CREATE TABLE identities (id TEXT PRIMARY KEY, data TEXT NOT NULL)",
            "CREATE TABLE identity_addresses (channel_type TEXT NOT NULL, address TEXT NOT NULL,"
            " identity_id TEXT NOT NULL, PRIMARY KEY (channel_type, address))",
            "CREATE TABLE tasks (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
            " room_id TEXT NOT NULL, status TEXT NOT NULL, data TEXT NOT NULL)",
            "CREATE INDEX tasks_by_room ON tasks (room_id, seq)",
            "CREATE TABLE observations (seq INTEGER PRIMARY KEY, id TEXT NOT NULL,"
            " room_id TEXT NOT NULL, data TEXT NOT NULL)",
            "CREATE INDEX observations_by_room ON observations (room_id, seq)",
        ),
    ),
    # Each new event dirtied its room's own leaf of this index as well as of the primary
    # key; most events are visible to all, and their pages walk the primary key instead.
    Migration(
        version=2,
        description="the visibility index leaves out events visible to all",
        statements=(
            "DROP INDEX events_by_visibility",
            "CREATE INDEX events_by_visibility ON events (room_id, visibility, idx)"
            " WHERE visibility <> 'all'",
        ),
    ),
    # A store reads a room's bindings and participants again only when this version
    # moved. A new room starts it at random (a quarter of the integer range, so counting
    # up never overflows): a room made again under a deleted room's id must not meet
    # the versions its predecessor's members were kept under.
    Migration(
        version=3,
        description="rooms keep a version of their members, moved by every member write",
        statements=(
            "ALTER TABLE rooms ADD COLUMN members_version INTEGER NOT NULL DEFAULT 0",
            "CREATE TRIGGER rooms_members_start AFTER INSERT ON rooms BEGIN UPDATE rooms"
            " SET members_version = random() >> 2 WHERE seq = NEW.seq; END",
            *_MEMBER_TRIGGERS,
        ),
    ),
    # The store keeps each participant's latest room under this version and reads it
    # again only when the version moved (see ``store.py``): one row, read per message.
    Migration(
        version=4,
        description="a version of the routes, moved by every write that can change one",
        statements=(
            "CREATE TABLE route_version (value INTEGER NOT NULL)",
            "INSERT INTO route_version VALUES (random() >> 2)",
            *_ROUTE_TRIGGERS,
        ),
    ),
)
