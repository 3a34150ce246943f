"""The PostgreSQL schema, as ordered migrations, and the PostgreSQL forms of the shared SQL.

Every name is qualified with the store's schema (``prefix`` is ``"schema".``), so several
stores, or test runs, can share one database without seeing each other's tables.
"""

from __future__ import annotations

from roomkit.store._sql.migrations import Migration
from roomkit.store._sql.statements import ROOM_COLUMNS

__all__ = ["POSTGRES_STATEMENTS", "postgres_fragments", "postgres_migrations"]

POSTGRES_STATEMENTS: dict[str, str] = {
    # Claiming the index locks the room row until commit, so writers of one room queue
    # there; a failed insert undoes the claim with it (one statement, one transaction).
    "add_event": (
        "WITH claimed AS (UPDATE {p}rooms SET event_count = event_count + 1,"
        " latest_index = event_count, updated_at = $2 WHERE id = $1 RETURNING latest_index)"
        " INSERT INTO {p}events (room_id, idx, id, visibility, idempotency_key, data)"
        " SELECT $1, latest_index, $3, $4, $5,"
        " jsonb_set(CAST($6 AS JSONB), '{{index}}', to_jsonb(latest_index)) FROM claimed"
        " RETURNING idx"
    ),
    "update_event": (
        "UPDATE {p}events SET visibility = $2, idempotency_key = $3,"
        " data = jsonb_set(jsonb_set(CAST($4 AS JSONB), '{{index}}', to_jsonb(idx)),"
        " '{{room_id}}', to_jsonb(room_id)) WHERE id = $1 RETURNING room_id, idx"
    ),
    # The room with its bindings' JSON and read horizons and its participants' JSON, in
    # their orders: one round trip and one snapshot instead of three reads.
    "room_and_members": (
        f"SELECT {ROOM_COLUMNS},"
        " ARRAY(SELECT b.data::text FROM {p}bindings b WHERE b.room_id = r.id ORDER BY b.seq),"
        " ARRAY(SELECT b.last_read_index FROM {p}bindings b"
        " WHERE b.room_id = r.id ORDER BY b.seq),"
        " ARRAY(SELECT m.data::text FROM {p}participants m"
        " WHERE m.room_id = r.id ORDER BY m.seq)"
        " FROM {p}rooms r WHERE r.id = $1"
    ),
}


def postgres_fragments(prefix: str) -> dict[str, str]:
    """The dialect fields of the shared statements for tables under ``prefix``."""
    return {
        "p": prefix,
        "greatest": "GREATEST",
        "json": "JSONB",
        "for_update": " FOR UPDATE",
        # The sequence default fills ``seq``; a re-attach takes the proposed row's value.
        "binding_seq_col": "",
        "binding_seq_val": "",
        "connected_via": "SELECT jsonb_array_elements_text(p.data->'connected_via')",
    }


def postgres_migrations(prefix: str) -> tuple[Migration, ...]:
    """The ordered migrations creating the tables under ``prefix``."""
    order = f"DEFAULT nextval('{prefix}roomkit_order')"
    return (
        Migration(
            version=1,
            description="rooms, events, bindings, participants, identities, tasks, observations",
            statements=(
                f"CREATE SEQUENCE {prefix}roomkit_order",
                f"CREATE TABLE {prefix}rooms (seq BIGINT NOT NULL {order} PRIMARY KEY,"
                " id TEXT NOT NULL UNIQUE, organization_id TEXT, status TEXT NOT NULL,"
                " created_at TIMESTAMPTZ NOT NULL, updated_at TIMESTAMPTZ NOT NULL,"
                " event_count INTEGER NOT NULL DEFAULT 0,"
                " latest_index INTEGER NOT NULL DEFAULT -1, data JSONB NOT NULL)",
                f"CREATE INDEX rooms_by_organization ON {prefix}rooms (organization_id, seq)",
                f"CREATE INDEX rooms_by_status ON {prefix}rooms (status, seq)",
                f"CREATE TABLE {prefix}events (room_id TEXT NOT NULL, idx INTEGER NOT NULL,"
                " id TEXT NOT NULL UNIQUE, visibility TEXT NOT NULL, idempotency_key TEXT,"
                " data JSONB NOT NULL, PRIMARY KEY (room_id, idx))",
                f"CREATE INDEX events_by_visibility ON {prefix}events (room_id, visibility, idx)",
                "CREATE UNIQUE INDEX events_by_idempotency_key"
                f" ON {prefix}events (room_id, idempotency_key)"
                " WHERE idempotency_key IS NOT NULL",
                f"CREATE TABLE {prefix}provider_message_ids ("
                " provider_message_id TEXT PRIMARY KEY, event_id TEXT NOT NULL,"
                " room_id TEXT NOT NULL)",
                "CREATE INDEX provider_message_ids_by_room"
                f" ON {prefix}provider_message_ids (room_id)",
                f"CREATE TABLE {prefix}bindings (room_id TEXT NOT NULL, channel_id TEXT NOT NULL,"
                f" seq BIGINT NOT NULL {order}, channel_type TEXT NOT NULL,"
                " participant_id TEXT, last_read_index INTEGER, data JSONB NOT NULL,"
                " PRIMARY KEY (room_id, channel_id))",
                f"CREATE INDEX bindings_by_channel ON {prefix}bindings (channel_id, seq)",
                f"CREATE INDEX bindings_by_room ON {prefix}bindings (room_id, seq)",
                f"CREATE TABLE {prefix}participants (seq BIGINT NOT NULL {order},"
                " room_id TEXT NOT NULL, id TEXT NOT NULL, channel_id TEXT NOT NULL,"
                " data JSONB NOT NULL, PRIMARY KEY (room_id, id))",
                f"CREATE INDEX participants_by_id ON {prefix}participants (id)",
                f"CREATE TABLE {prefix}identities (id TEXT PRIMARY KEY, data JSONB NOT NULL)",
                f"CREATE TABLE {prefix}identity_addresses (channel_type TEXT NOT NULL,"
                " address TEXT NOT NULL, identity_id TEXT NOT NULL,"
                " PRIMARY KEY (channel_type, address))",
                f"CREATE TABLE {prefix}tasks (seq BIGINT NOT NULL {order} PRIMARY KEY,"
                " id TEXT NOT NULL UNIQUE, room_id TEXT NOT NULL, status TEXT NOT NULL,"
                " data JSONB NOT NULL)",
                f"CREATE INDEX tasks_by_room ON {prefix}tasks (room_id, seq)",
                f"CREATE TABLE {prefix}observations (seq BIGINT NOT NULL {order} PRIMARY KEY,"
                " id TEXT NOT NULL, room_id TEXT NOT NULL, data JSONB NOT NULL)",
                f"CREATE INDEX observations_by_room ON {prefix}observations (room_id, seq)",
            ),
        ),
        # Most events are visible to all: keeping them out of this index spares each append
        # an index entry. Their pages walk the primary key (``events_page_all``); the other
        # visibilities' pages name the index's condition, so even a generic plan uses it.
        Migration(
            version=2,
            description="the visibility index leaves out events visible to all",
            statements=(
                f"DROP INDEX {prefix}events_by_visibility",
                f"CREATE INDEX events_by_visibility ON {prefix}events (room_id, visibility, idx)"
                " WHERE visibility <> 'all'",
            ),
        ),
    )
