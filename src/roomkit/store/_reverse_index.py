"""A reverse index from a key (channel id, participant id) to the rooms it appears in."""

from __future__ import annotations

from collections.abc import Iterator

__all__ = ["RoomIndex"]


class RoomIndex:
    """For each key, its room ids in the order they were recorded (newest last).

    Each key's rooms are an insertion-ordered dict, so recording, forgetting and
    finding the newest room cost O(1) whatever the number of rooms in the store.
    """

    __slots__ = ("_rooms",)

    def __init__(self) -> None:
        """Start empty."""
        self._rooms: dict[str, dict[str, None]] = {}

    def record(self, key: str, room_id: str) -> None:
        """Record ``room_id`` for ``key``, as its newest room."""
        rooms = self._rooms.setdefault(key, {})
        rooms.pop(room_id, None)
        rooms[room_id] = None

    def include(self, key: str, room_id: str) -> None:
        """Record ``room_id`` for ``key`` if missing, leaving its place otherwise."""
        self._rooms.setdefault(key, {})[room_id] = None

    def forget(self, key: str, room_id: str) -> None:
        """Drop ``room_id`` from the rooms of ``key``."""
        rooms = self._rooms.get(key)
        if rooms is not None:
            rooms.pop(room_id, None)
            if not rooms:
                del self._rooms[key]

    def oldest_first(self, key: str) -> Iterator[str]:
        """Yield the rooms of ``key``, oldest record first."""
        return iter(self._rooms.get(key, {}))

    def newest_first(self, key: str) -> Iterator[str]:
        """Yield the rooms of ``key``, newest record first."""
        return reversed(self._rooms.get(key, {}))
