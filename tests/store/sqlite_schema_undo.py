"""Statements taking a SQLite file back to an earlier schema, to test its migration."""

from __future__ import annotations

__all__ = ["UNDO_MEMBERS_VERSION"]

UNDO_MEMBERS_VERSION: tuple[str, ...] = (
    *(
        f"DROP TRIGGER {table}_{change}_moves_members"
        for table in ("bindings", "participants")
        for change in ("insert", "update", "delete")
    ),
    "DROP TRIGGER rooms_members_start",
    "ALTER TABLE rooms DROP COLUMN members_version",
    "DELETE FROM schema_version WHERE version >= 3",
)
"""Migration 3 undone: rooms without a members version, as release 2 left them."""
