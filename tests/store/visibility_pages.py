"""The timeline both SQL stores' visibility-index tests fill, and the pages they read."""

from __future__ import annotations

from roomkit.store.base import ConversationStore
from tests.factories import make_event, make_room

# Visibility of each event added, in order: mostly "all", as in a real room.
MIX = ["all", "internal", "all", "all", "ws-a", "internal", "all", "all", "internal", "all"]

# Indexes of the events on each page read by :func:`read_pages`.
EXPECTED = {
    "all": [0, 2, 3, 6, 7, 9],
    "internal": [1, 5, 8],
    "internal from 1": [5],
    "all from 2": [3, 6, 7],
    "ws-a": [4],
}


async def fill(store: ConversationStore) -> None:
    """Create ``room-1`` and add an event of each visibility in ``MIX``."""
    await store.create_room(make_room(id="room-1"))
    for n, visibility in enumerate(MIX):
        await store.add_event(make_event(body=f"m{n}", visibility=visibility))


async def read_pages(store: ConversationStore) -> dict[str, list[int]]:
    """The indexes on pages of ``room-1`` filtered on several visibilities."""
    return {
        visibility: [e.index for e in await store.list_events("room-1", **options)]
        for visibility, options in {
            "all": {"visibility_filter": "all"},
            "internal": {"visibility_filter": "internal"},
            "internal from 1": {"visibility_filter": "internal", "offset": 1, "limit": 1},
            "all from 2": {"visibility_filter": "all", "offset": 2, "limit": 3},
            "ws-a": {"visibility_filter": "ws-a"},
        }.items()
    }
