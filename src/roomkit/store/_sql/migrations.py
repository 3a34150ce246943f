"""Schema migrations: an ordered list of steps and a version table recording progress.

Every store keeps a ``schema_version`` table holding one row per applied migration.
:func:`migrate` runs, in one transaction, whatever the database has not seen yet, so a
crash half-way leaves the schema as it was, and a database created by an older release
is brought forward on first use. Migrations are never edited once released: a change
to the schema is a new migration appended to the list.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from roomkit.errors import ConfigurationError
from roomkit.store._sql.driver import SQLConnection

__all__ = ["Migration", "migrate"]

logger = logging.getLogger("roomkit.store.migrations")


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema step: its version number, what it does, and its statements."""

    version: int
    description: str
    statements: tuple[str, ...]


async def migrate(
    conn: SQLConnection,
    migrations: Sequence[Migration],
    *,
    version_table: str,
    applied_at: str,
) -> list[int]:
    """Apply the migrations newer than the database's version; return those applied.

    Run it inside a transaction that excludes other migrators (the caller's job: an
    immediate transaction on SQLite, an advisory lock on PostgreSQL).
    """
    versions = [m.version for m in migrations]
    if versions != sorted(set(versions)):
        raise ValueError("migrations must have distinct, increasing versions")
    await conn.execute(
        f"CREATE TABLE IF NOT EXISTS {version_table} ("
        "version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    current = await conn.fetchval(f"SELECT MAX(version) FROM {version_table}")
    current = -1 if current is None else int(current)
    if versions and current > versions[-1]:
        raise ConfigurationError(
            f"the database schema is at version {current}, newer than this release knows"
            f" ({versions[-1]}); upgrade roomkit"
        )
    applied: list[int] = []
    for migration in migrations:
        if migration.version <= current:
            continue
        for statement in migration.statements:
            await conn.execute(statement)
        await conn.execute(
            f"INSERT INTO {version_table} (version, description, applied_at) VALUES ($1, $2, $3)",
            migration.version,
            migration.description,
            applied_at,
        )
        applied.append(migration.version)
        logger.info("schema migration %d applied: %s", migration.version, migration.description)
    return applied
