"""Values a SQL store read from the database, kept under the version they were read at.

The SQLite store keeps a room's members under the room's members version, and the
default router's answers under the route version (see ``sqlite_schema.py``). Each value
is reused only while the database still holds the version it was read under, so any
process's write that moves the version makes the next read go to the tables again.
"""

from __future__ import annotations

__all__ = ["Versioned"]


class Versioned[K, V]:
    """Per key: the version last read, with the value read after it; ``limit`` keys."""

    __slots__ = ("_kept", "_limit")

    def __init__(self, limit: int) -> None:
        """Keep the values of up to ``limit`` keys; the longest unused is forgotten first."""
        self._limit = limit
        self._kept: dict[K, tuple[object, V]] = {}

    def get(self, key: K, version: object) -> tuple[object, V] | None:
        """``(version, value)`` if ``key``'s value was read under ``version``, else ``None``."""
        kept = self._kept.pop(key, None)
        if kept is None:
            return None
        self._kept[key] = kept  # re-inserted last: used now, forgotten last
        return kept if kept[0] == version else None

    def put(self, key: K, version: object, value: V) -> V:
        """Keep ``value``, read after ``version`` was; return it."""
        kept = self._kept
        kept.pop(key, None)  # re-inserted last: the least recently used goes first
        kept[key] = (version, value)
        if len(kept) > self._limit:
            del kept[next(iter(kept))]
        return value

    def clear(self) -> None:
        """Forget every value."""
        self._kept.clear()
