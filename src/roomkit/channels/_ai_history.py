"""The AI channel's history: the room's newest messages as model messages, oldest first.

Each reply hands the model the newest messages of the room, so each call walks the
room's recent events. Reading an event's id means reaching into its object, which in a
busy process has left the CPU's caches since the room's last message: with 100 rooms
taking turns, that walk cost about 30 µs per reply for 40 events, against 5 µs when the
same walk ran twice in a row.

So a room remembers the events of its last walk and what each became. The next list of
recent events usually starts with the tail of that one (the same objects, as the kit's
cache of recent events hands them out) and adds the reply and the new message. That is
checked by comparing object references, which reads only the two lists, and only the
new events are read and converted. Anything else (a reloaded history, an edited list, an
unexpected event) goes through the whole list as before.
"""

from __future__ import annotations

from collections import OrderedDict

from roomkit.channels._ai_memo import MessageMemo
from roomkit.models.ai import AIMessage
from roomkit.models.event import RoomEvent

__all__ = ["MAX_WINDOWS", "NEW_EVENTS_SOUGHT", "History"]

MAX_WINDOWS = 1024
"""Rooms whose last walk is remembered; the least recently used is forgotten first."""

NEW_EVENTS_SOUGHT = 16
"""How many events may have arrived since a room's last walk for it to be reused."""

_PENDING = AIMessage.model_construct(role="user", content="")
"""Stands for an event not converted yet (converted when a history first reaches it)."""


class _Window:
    """A room's last walk: its events, their ids, and their conversions, in step."""

    __slots__ = ("events", "ids", "messages")

    def __init__(
        self, events: list[RoomEvent], ids: set[str], messages: list[AIMessage | None]
    ) -> None:
        """The walk's ``events``, their ``ids`` and ``messages`` (one per event)."""
        self.events = events
        self.ids = ids
        self.messages = messages

    def continued_by(self, recent: list[RoomEvent]) -> int:
        """How many of ``recent``'s first events are this walk's last (0 if none or if
        ``recent`` does not carry on from it)."""
        events = self.events
        if not events:
            return 0
        last, size, length = events[-1], len(events), len(recent)
        for end in range(length, max(0, length - NEW_EVENTS_SOUGHT), -1):
            if recent[end - 1] is last:
                # Identical objects compare equal without being read.
                return end if end <= size and recent[:end] == events[size - end :] else 0
        return 0


class History:
    """Builds each reply's history from the memo's conversions, walk by walk."""

    __slots__ = ("_memo", "_windows")

    def __init__(self, memo: MessageMemo) -> None:
        """Convert events through ``memo``."""
        self._memo = memo
        self._windows: OrderedDict[str, _Window] = OrderedDict()

    def __len__(self) -> int:
        """Return how many rooms' walks are remembered."""
        return len(self._windows)

    def messages(self, event: RoomEvent, recent: list[RoomEvent], limit: int) -> list[AIMessage]:
        """The newest ``limit`` readable messages of ``recent`` (oldest first), ending
        with ``event``'s; events of ``recent`` with ``event``'s id are left out."""
        memo = self._memo
        room_id = event.room_id
        cached = memo.room(room_id)
        trigger = memo.get(cached, event)
        event_id = event.id
        # Taken out while it changes, put back at the end: a conversion that raises
        # leaves the room without a walk (the next one reads all), never a half-made one.
        window = self._windows.pop(room_id, None)
        kept = window.continued_by(recent) if window is not None else 0
        if window is None or not kept or event_id in window.ids:
            kept, ids, converted = 0, set(), []
        else:
            dropped = len(window.events) - kept
            ids = window.ids
            for gone in window.events[:dropped]:
                ids.discard(gone.id)
            converted = window.messages[dropped:]
        for item in recent[kept:]:
            ids.add(item.id)
            converted.append(_PENDING)
        # Newest first, converting an event only when it is reached, until ``limit``.
        newest_first = [trigger] if trigger is not None else []
        for position in range(len(recent) - 1, -1, -1):
            if len(newest_first) >= limit:
                break
            message = converted[position]
            if message is _PENDING:
                item = recent[position]
                if item.id == event_id:
                    continue
                message = converted[position] = memo.get(cached, item)
            if message is not None:
                newest_first.append(message)
        self._remember(room_id, _Window(list(recent), ids, converted))
        newest_first.reverse()
        return newest_first

    def _remember(self, room_id: str, window: _Window) -> None:
        """Keep ``window`` as the room's last walk, forgetting the least used room's."""
        windows = self._windows
        windows[room_id] = window  # taken out before: now the most recently used
        if len(windows) > MAX_WINDOWS:
            windows.popitem(last=False)
