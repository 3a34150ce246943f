"""A per-room cache of the newest events, validated against the room's latest index."""

from __future__ import annotations

from collections import OrderedDict, deque

from roomkit.models.event import RoomEvent

__all__ = ["RecentEvents"]


class RecentEvents:
    """Keeps the last ``window`` events of recently busy rooms.

    An entry is only trusted while its newest index equals the room's ``latest_index``
    as read from the store, so events written by another process (or any gap) make the
    caller reload the window from the store instead of seeing a stale history.
    """

    def __init__(self, window: int = 50, max_rooms: int = 1024) -> None:
        if window < 1 or max_rooms < 1:
            raise ValueError("window and max_rooms must be positive")
        self.window = window
        self._max_rooms = max_rooms
        self._rooms: OrderedDict[str, deque[RoomEvent]] = OrderedDict()

    def get(self, room_id: str, latest_index: int) -> list[RoomEvent] | None:
        """Return the cached window if it is up to date with ``latest_index``."""
        events = self._rooms.get(room_id)
        if events is None:
            return None
        newest = events[-1].index if events else -1
        if newest != latest_index:
            del self._rooms[room_id]
            return None
        self._rooms.move_to_end(room_id)
        return list(events)

    def put(self, room_id: str, events: list[RoomEvent]) -> None:
        """Cache a freshly loaded window (oldest first)."""
        self._rooms[room_id] = deque(events, maxlen=self.window)
        self._rooms.move_to_end(room_id)
        while len(self._rooms) > self._max_rooms:
            self._rooms.popitem(last=False)

    def append(self, room_id: str, event: RoomEvent) -> None:
        """Add a just-stored event; a gap in indexes drops the room's entry."""
        events = self._rooms.get(room_id)
        if events is None:
            return
        newest = events[-1].index if events else -1
        if event.index != newest + 1:
            del self._rooms[room_id]
            return
        events.append(event)

    def forget(self, room_id: str) -> None:
        """Drop a room's entry."""
        self._rooms.pop(room_id, None)
