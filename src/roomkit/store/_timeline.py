"""One room's timeline, indexed so that every read costs O(page size)."""

from __future__ import annotations

from bisect import bisect_left, insort

from roomkit.models.event import RoomEvent

__all__ = ["Timeline"]


class Timeline:
    """A room's events in index order, with per-visibility and idempotency indexes.

    The event with index ``i`` sits at position ``i`` of :attr:`events`, so a page is a
    slice. :attr:`by_visibility` lists, for each visibility value, the indexes of the
    events carrying it, in ascending order. Idempotency keys are counted, since nothing
    stops two events from carrying the same key.
    """

    __slots__ = ("by_visibility", "events", "idempotency_keys")

    def __init__(self) -> None:
        """Start with no events."""
        self.events: list[RoomEvent] = []
        self.by_visibility: dict[str, list[int]] = {}
        self.idempotency_keys: dict[str, int] = {}

    def __len__(self) -> int:
        """Return how many events the timeline holds."""
        return len(self.events)

    def append(self, event: RoomEvent) -> int:
        """Give ``event`` the next index, store it (not a copy) and return the index."""
        index = len(self.events)
        event.index = index
        self.events.append(event)
        positions = self.by_visibility.get(event.visibility)
        if positions is None:
            self.by_visibility[event.visibility] = [index]
        else:
            positions.append(index)
        key = event.idempotency_key
        if key is not None:
            self.idempotency_keys[key] = self.idempotency_keys.get(key, 0) + 1
        return index

    def replace(self, event: RoomEvent) -> None:
        """Put ``event`` in place of the stored event with the same ``index``."""
        old = self.events[event.index]
        if old.visibility != event.visibility:
            self._unlist(old.visibility, old.index)
            insort(self.by_visibility.setdefault(event.visibility, []), event.index)
        if old.idempotency_key != event.idempotency_key:
            self._forget_key(old.idempotency_key)
            if event.idempotency_key is not None:
                keys = self.idempotency_keys
                keys[event.idempotency_key] = keys.get(event.idempotency_key, 0) + 1
        self.events[event.index] = event

    def page(self, offset: int, limit: int, visibility: str | None = None) -> list[RoomEvent]:
        """Return the stored events of one page, oldest first (not copies)."""
        if visibility is None:
            return self.events[offset : offset + limit]
        positions = self.by_visibility.get(visibility, [])[offset : offset + limit]
        events = self.events
        return [events[index] for index in positions]

    def has_key(self, key: str) -> bool:
        """Tell whether an event carrying this idempotency key is stored."""
        return key in self.idempotency_keys

    def _unlist(self, visibility: str, index: int) -> None:
        """Drop ``index`` from the positions of ``visibility``."""
        positions = self.by_visibility[visibility]
        del positions[bisect_left(positions, index)]
        if not positions:
            del self.by_visibility[visibility]

    def _forget_key(self, key: str | None) -> None:
        """Count one event fewer carrying ``key``."""
        if key is None:
            return
        remaining = self.idempotency_keys[key] - 1
        if remaining:
            self.idempotency_keys[key] = remaining
        else:
            del self.idempotency_keys[key]
