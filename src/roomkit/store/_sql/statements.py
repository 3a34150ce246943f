"""The SQL of the shared store code, written once for both dialects.

Templates use ``$n`` placeholders and a few ``{...}`` fields a dialect fills in:

* ``{p}``: the table prefix (``"schema".`` on PostgreSQL, nothing on SQLite);
* ``{greatest}``: the two-argument maximum (``GREATEST`` / ``MAX``);
* ``{binding_seq_col}`` / ``{binding_seq_val}``: how a (re-)attached binding gets the
  next attach-order number when the column has no sequence default;
* ``{connected_via}``: a sub-query yielding the ``connected_via`` channel ids of the
  participant row ``p``;
* ``{json}``: the type of the JSON columns (``JSONB`` / ``TEXT``), for casts;
* ``{for_update}``: the row-locking clause of a read-modify-write (empty on SQLite,
  whose write transactions exclude each other already).

Every model is stored whole as JSON in a ``data`` column; the other columns are copies of
the fields the store searches, orders or updates atomically (counters, read horizons).
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["ROOM_COLUMNS", "build_statements"]

ROOM_COLUMNS = "r.data, r.event_count, r.latest_index, r.updated_at"
"""What a room read selects, in the order ``row_to_room`` expects."""

# The participant's rooms (with ``$2``, a status or NULL) and, by type, those reached through
# a channel of type ``$3``; the newest first.
_LATEST_ROOM = (
    " FROM {p}participants p JOIN {p}rooms r ON r.id = p.room_id"
    " WHERE p.id = $1 AND (CAST($2 AS TEXT) IS NULL OR r.status = $2)"
)
_BY_TYPE = (
    " AND EXISTS (SELECT 1 FROM {p}bindings b WHERE b.room_id = p.room_id"
    " AND b.channel_type = $3 AND (b.participant_id = p.id OR b.channel_id = p.channel_id"
    " OR b.channel_id IN ({connected_via})))"
)
_NEWEST = " ORDER BY r.created_at DESC, r.seq DESC LIMIT 1"

_TEMPLATES: dict[str, str] = {
    # --- rooms -----------------------------------------------------------------------
    "create_room": (
        "INSERT INTO {p}rooms (id, organization_id, status, created_at, updated_at, data)"
        " VALUES ($1, $2, $3, $4, $5, $6)"
    ),
    "get_room": f"SELECT {ROOM_COLUMNS} FROM {{p}}rooms r WHERE r.id = $1",
    "update_room": (
        "UPDATE {p}rooms SET organization_id = $2, status = $3, created_at = $4,"
        " updated_at = $5, data = $6 WHERE id = $1 RETURNING event_count, latest_index"
    ),
    "delete_room": "DELETE FROM {p}rooms WHERE id = $1 RETURNING 1",
    "delete_room_events": "DELETE FROM {p}events WHERE room_id = $1",
    "delete_room_provider_ids": "DELETE FROM {p}provider_message_ids WHERE room_id = $1",
    "delete_room_bindings": "DELETE FROM {p}bindings WHERE room_id = $1",
    "delete_room_participants": "DELETE FROM {p}participants WHERE room_id = $1",
    "delete_room_tasks": "DELETE FROM {p}tasks WHERE room_id = $1",
    "delete_room_observations": "DELETE FROM {p}observations WHERE room_id = $1",
    "list_rooms": f"SELECT {ROOM_COLUMNS} FROM {{p}}rooms r ORDER BY r.seq LIMIT $1 OFFSET $2",
    "room_exists": "SELECT 1 FROM {p}rooms WHERE id = $1",
    "latest_room_of_participant": f"SELECT {ROOM_COLUMNS}{_LATEST_ROOM}{_NEWEST}",
    "latest_room_of_participant_by_type": (
        f"SELECT {ROOM_COLUMNS}{_LATEST_ROOM}{_BY_TYPE}{_NEWEST}"
    ),
    "latest_room_status": f"SELECT r.id, r.status{_LATEST_ROOM}{_NEWEST}",
    "latest_room_status_by_type": f"SELECT r.id, r.status{_LATEST_ROOM}{_BY_TYPE}{_NEWEST}",
    "room_of_channel": (
        "SELECT room_id FROM {p}bindings WHERE channel_id = $1 ORDER BY seq DESC LIMIT 1"
    ),
    "room_of_channel_with_status": (
        "SELECT b.room_id FROM {p}bindings b JOIN {p}rooms r ON r.id = b.room_id"
        " WHERE b.channel_id = $1 AND r.status = $2 ORDER BY b.seq DESC LIMIT 1"
    ),
    # --- events ----------------------------------------------------------------------
    "event_exists": "SELECT 1 FROM {p}events WHERE id = $1",
    "record_provider_id": (
        "INSERT INTO {p}provider_message_ids (provider_message_id, event_id, room_id)"
        " VALUES ($1, $2, $3) ON CONFLICT (provider_message_id)"
        " DO UPDATE SET event_id = excluded.event_id, room_id = excluded.room_id"
    ),
    "get_event": "SELECT data FROM {p}events WHERE id = $1",
    "event_by_provider_id": (
        "SELECT e.data FROM {p}provider_message_ids x JOIN {p}events e ON e.id = x.event_id"
        " WHERE x.provider_message_id = $1"
    ),
    "events_page": (
        "SELECT data FROM {p}events WHERE room_id = $1 AND idx >= $2 AND idx < $3 ORDER BY idx"
    ),
    # Events visible to all (the default, most of them) are left out of the visibility
    # index: their page walks the primary key. The others' page repeats the index's
    # condition, so that a plan made without the parameters' values can use it.
    "events_page_all": (
        "SELECT data FROM {p}events WHERE room_id = $1 AND visibility = 'all'"
        " ORDER BY idx LIMIT $2 OFFSET $3"
    ),
    "events_page_visible": (
        "SELECT data FROM {p}events WHERE room_id = $1 AND visibility = $2"
        " AND visibility <> 'all' ORDER BY idx LIMIT $3 OFFSET $4"
    ),
    "idempotency_key_used": (
        "SELECT 1 FROM {p}events WHERE room_id = $1 AND idempotency_key = $2 LIMIT 1"
    ),
    "event_count": "SELECT event_count FROM {p}rooms WHERE id = $1",
    # --- bindings --------------------------------------------------------------------
    "add_binding": (
        "INSERT INTO {p}bindings (room_id, channel_id, channel_type, participant_id,"
        " last_read_index, data{binding_seq_col})"
        " SELECT $1, $2, $3, $4, CAST($5 AS INTEGER), CAST($6 AS {json}){binding_seq_val}"
        " WHERE EXISTS (SELECT 1 FROM {p}rooms WHERE id = $1)"
        " ON CONFLICT (room_id, channel_id) DO UPDATE SET seq = excluded.seq,"
        " channel_type = excluded.channel_type, participant_id = excluded.participant_id,"
        " last_read_index = excluded.last_read_index, data = excluded.data RETURNING 1"
    ),
    "get_binding": (
        "SELECT data, last_read_index FROM {p}bindings WHERE room_id = $1 AND channel_id = $2"
    ),
    "update_binding": (
        "UPDATE {p}bindings SET channel_type = $3, participant_id = $4,"
        " last_read_index = {greatest}(COALESCE(last_read_index, $5),"
        " COALESCE($5, last_read_index)), data = $6"
        " WHERE room_id = $1 AND channel_id = $2 RETURNING last_read_index"
    ),
    "remove_binding": (
        "DELETE FROM {p}bindings WHERE room_id = $1 AND channel_id = $2 RETURNING 1"
    ),
    "list_bindings": (
        "SELECT data, last_read_index FROM {p}bindings WHERE room_id = $1 ORDER BY seq"
    ),
    # --- participants ----------------------------------------------------------------
    "add_participant": (
        "INSERT INTO {p}participants (room_id, id, channel_id, data)"
        " SELECT $1, $2, $3, CAST($4 AS {json})"
        " WHERE EXISTS (SELECT 1 FROM {p}rooms WHERE id = $1)"
        " ON CONFLICT (room_id, id) DO UPDATE SET channel_id = excluded.channel_id,"
        " data = excluded.data RETURNING 1"
    ),
    "get_participant": "SELECT data FROM {p}participants WHERE room_id = $1 AND id = $2",
    "update_participant": (
        "UPDATE {p}participants SET channel_id = $3, data = $4"
        " WHERE room_id = $1 AND id = $2 RETURNING 1"
    ),
    "list_participants": "SELECT data FROM {p}participants WHERE room_id = $1 ORDER BY seq",
    # --- identities ------------------------------------------------------------------
    "insert_identity": "INSERT INTO {p}identities (id, data) VALUES ($1, $2)",
    "get_identity": "SELECT data FROM {p}identities WHERE id = $1",
    "lock_identity": "SELECT data FROM {p}identities WHERE id = $1{for_update}",
    "save_identity": "UPDATE {p}identities SET data = $2 WHERE id = $1",
    "address_owner": (
        "SELECT identity_id FROM {p}identity_addresses WHERE channel_type = $1 AND address = $2"
    ),
    "claim_address": (
        "INSERT INTO {p}identity_addresses (channel_type, address, identity_id)"
        " VALUES ($1, $2, $3) ON CONFLICT (channel_type, address)"
        " DO UPDATE SET identity_id = excluded.identity_id"
    ),
    "resolve_identity": (
        "SELECT i.data FROM {p}identity_addresses a JOIN {p}identities i"
        " ON i.id = a.identity_id WHERE a.channel_type = $1 AND a.address = $2"
    ),
    # --- tasks and observations -------------------------------------------------------
    "add_task": (
        "INSERT INTO {p}tasks (id, room_id, status, data)"
        " SELECT $1, $2, $3, CAST($4 AS {json})"
        " WHERE EXISTS (SELECT 1 FROM {p}rooms WHERE id = $2) RETURNING 1"
    ),
    "get_task": "SELECT data FROM {p}tasks WHERE id = $1",
    "task_room": "SELECT room_id FROM {p}tasks WHERE id = $1",
    "update_task": "UPDATE {p}tasks SET status = $2, data = $3 WHERE id = $1",
    "list_tasks": (
        "SELECT data FROM {p}tasks WHERE room_id = $1"
        " AND (CAST($2 AS TEXT) IS NULL OR status = $2) ORDER BY seq"
    ),
    "add_observation": (
        "INSERT INTO {p}observations (id, room_id, data) SELECT $1, $2, CAST($3 AS {json})"
        " WHERE EXISTS (SELECT 1 FROM {p}rooms WHERE id = $2) RETURNING 1"
    ),
    "list_observations": "SELECT data FROM {p}observations WHERE room_id = $1 ORDER BY seq",
    # --- read tracking ----------------------------------------------------------------
    "read_state": (
        "SELECT r.event_count, r.latest_index, b.channel_id, b.last_read_index"
        " FROM {p}rooms r LEFT JOIN {p}bindings b ON b.room_id = r.id AND b.channel_id = $2"
        " WHERE r.id = $1"
    ),
    "event_index_in_room": "SELECT idx FROM {p}events WHERE id = $1 AND room_id = $2",
    "advance_read": (
        "UPDATE {p}bindings SET last_read_index = {greatest}(COALESCE(last_read_index, $3), $3)"
        " WHERE room_id = $1 AND channel_id = $2"
    ),
}


def build_statements(
    fragments: Mapping[str, str], own: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Return every statement with the dialect's ``fragments`` filled in.

    ``own`` adds the statements a dialect writes whole (templates too). Each dialect
    gives two, single statements so that the hottest writes take one round trip:

    * ``add_event`` (``$1`` room id, ``$2`` time of adding, ``$3`` event id,
      ``$4`` visibility, ``$5`` idempotency key, ``$6`` JSON without the index):
      bumps the room's counters and inserts the event with the claimed index written
      into its JSON, returning ``idx``; no row when the room is missing.
    * ``update_event`` (``$1`` event id, ``$2`` visibility, ``$3`` idempotency key,
      ``$4`` JSON): replaces the JSON keeping the stored room and index (also written
      into the JSON), returning ``room_id, idx``; no row when the event is missing.

    A dialect may add ``update_event_data`` (same parameters and result): the update
    when visibility and key are unchanged, touching no index; no row otherwise, and
    the store then runs ``update_event``. Two more are optional, each answering the
    number of rows it changed (0 when it does nothing; the store then goes on to the
    statements above), see :mod:`.event_writes`:

    * ``add_event_at`` (as ``add_event``, the JSON already holding ``$7``, the index):
      the append when the room's counter is at ``$7``.
    * ``update_event_in_place`` (as ``update_event``, ``$5`` room id, ``$6`` index):
      the update storing the JSON as given when visibility, key, room and index all
      match the stored row.
    """
    templates = {**_TEMPLATES, **(own or {})}
    return {name: template.format_map(fragments) for name, template in templates.items()}
