"""A memo of stored events already converted to model messages, bounded per room.

An AI channel turns the newest events of a room into :class:`AIMessage` objects for
every reply. Stored events do not change, so each is converted once and remembered.
Only a room's newest events are ever asked for again, so each room keeps just its
latest ``per_room`` conversions, and the rooms least recently used are forgotten once
the memo holds ``total`` conversions in all. Memory then stays bounded by the rooms in
use, and a long-running process does not accumulate one object per message ever seen.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from roomkit.models.ai import AIMessage
from roomkit.models.event import RoomEvent

__all__ = ["MessageMemo"]

Converter = Callable[[RoomEvent], AIMessage | None]


class MessageMemo:
    """Remembers event conversions, the newest ``per_room`` of each room, ``total`` in all."""

    __slots__ = ("_convert", "_per_room", "_rooms", "_size", "_total")

    def __init__(self, convert: Converter, *, per_room: int, total: int) -> None:
        """Memoise ``convert``; ``per_room`` must be at least 1 and at most ``total``."""
        if not 1 <= per_room <= total:
            raise ValueError("need 1 <= per_room <= total")
        self._convert = convert
        self._per_room = per_room
        self._total = total
        self._rooms: OrderedDict[str, dict[str, AIMessage | None]] = OrderedDict()
        self._size = 0

    def __len__(self) -> int:
        """Return how many conversions are remembered."""
        return self._size

    def room(self, room_id: str) -> dict[str, AIMessage | None]:
        """Return the room's conversions (by event id), marking the room recently used."""
        rooms = self._rooms
        found = rooms.get(room_id)
        if found is None:
            found = rooms[room_id] = {}
        else:
            rooms.move_to_end(room_id)
        return found

    def get(self, cached: dict[str, AIMessage | None], item: RoomEvent) -> AIMessage | None:
        """Return the conversion of ``item`` from ``cached`` (see :meth:`room`), made if new."""
        try:
            return cached[item.id]
        except KeyError:
            pass
        message = cached[item.id] = self._convert(item)
        self._size += 1
        if len(cached) > self._per_room:  # the room's oldest conversion goes first
            del cached[next(iter(cached))]
            self._size -= 1
        while self._size > self._total:  # then the least recently used rooms
            _, dropped = self._rooms.popitem(last=False)
            self._size -= len(dropped)
        return message

    def convert(self, item: RoomEvent) -> AIMessage | None:
        """Return the conversion of ``item`` (remembered in its room's memo)."""
        return self.get(self.room(item.room_id), item)
