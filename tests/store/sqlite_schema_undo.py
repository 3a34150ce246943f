"""Statements taking a SQLite file back to an earlier schema, to test its migration."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path

__all__ = ["UNDO_MEMBERS_VERSION", "UNDO_ROUTE_VERSION", "undo"]


def undo(path: Path, statements: Iterable[str]) -> None:
    """Run ``statements`` on the SQLite file at ``path`` (closed by its store) and commit."""
    with closing(sqlite3.connect(path)) as conn:
        for statement in statements:
            conn.execute(statement)
        conn.commit()


UNDO_ROUTE_VERSION: tuple[str, ...] = (
    *(
        f"DROP TRIGGER {table}_{change}_moves_routes"
        for table in ("bindings", "participants")
        for change in ("insert", "update", "delete")
    ),
    "DROP TRIGGER rooms_update_moves_routes",
    "DROP TRIGGER rooms_delete_moves_routes",
    "DROP TABLE route_version",
    "DELETE FROM schema_version WHERE version >= 4",
)
"""Migration 4 undone: no route version, as release 3 left the file."""

UNDO_MEMBERS_VERSION: tuple[str, ...] = (
    *UNDO_ROUTE_VERSION,
    *(
        f"DROP TRIGGER {table}_{change}_moves_members"
        for table in ("bindings", "participants")
        for change in ("insert", "update", "delete")
    ),
    "DROP TRIGGER rooms_members_start",
    "ALTER TABLE rooms DROP COLUMN members_version",
    "DELETE FROM schema_version WHERE version >= 3",
)
"""Migrations 4 and 3 undone: rooms without a members version, as release 2 left them."""
