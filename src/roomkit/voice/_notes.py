"""Writing interruption records onto stored events without racing the room pipeline.

The pipeline that delivers an event to the voice channel updates that event again
afterwards (its delivery results) from the copy it holds, which would overwrite a
metadata change made meanwhile. So a record for an event delivered by a pipeline that
may still be running waits until the kit reports a later ``event_processed`` in that
room (pipelines of one room run one at a time), then merges into the stored event.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from roomkit.models.framework_event import FrameworkEvent
from roomkit.store.base import ConversationStore

__all__ = ["EventNotes"]

logger = logging.getLogger("roomkit.voice.notes")


@dataclass
class _Room:
    in_flight: set[str] = field(default_factory=set)
    """Events delivered to the voice channel by a pipeline that may still be running."""
    waiting: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    """(event id, metadata key, value) records waiting for their pipeline to finish."""


class EventNotes:
    """Merges metadata into stored events once their delivering pipeline is over."""

    def __init__(self, store: ConversationStore) -> None:
        self._store = store
        self._rooms: dict[str, _Room] = defaultdict(_Room)

    def delivered(self, room_id: str, event_id: str) -> None:
        """Note that a pipeline now running delivered ``event_id`` to the channel."""
        self._rooms[room_id].in_flight.add(event_id)

    async def on_processed(self, report: FrameworkEvent) -> None:
        """Framework-event handler for ``event_processed``: write what was waiting."""
        if report.room_id is None or report.room_id not in self._rooms:
            return
        room = self._rooms[report.room_id]
        del self._rooms[report.room_id]  # every pipeline that delivered so far is over
        for event_id, key, value in room.waiting:
            await self._merge(event_id, key, value)

    async def note(self, room_id: str, event_id: str, key: str, value: dict[str, Any]) -> None:
        """Set ``metadata[key] = value`` on a stored event, now or once it is safe."""
        room = self._rooms.get(room_id)
        if room is not None and event_id in room.in_flight:
            room.waiting.append((event_id, key, value))
            return
        await self._merge(event_id, key, value)

    async def _merge(self, event_id: str, key: str, value: dict[str, Any]) -> None:
        try:
            stored = await self._store.get_event(event_id)
            if stored is None:
                return
            metadata = {**stored.metadata, key: value}
            await self._store.update_event(stored.model_copy(update={"metadata": metadata}))
        except Exception:
            logger.exception("could not record %s on event %s", key, event_id)
