"""InMemoryStore choices that differ from the other stores.

Behaviour every store shares lives in the conformance suite (``test_store_*.py``).
"""

from __future__ import annotations

from roomkit.store import InMemoryStore
from tests.factories import make_event, make_room


async def test_a_repeated_idempotency_key_is_kept_until_every_holder_drops_it() -> None:
    # The SQL stores refuse a second event with a key the room holds (a unique index);
    # the in-memory store accepts it and counts the holders.
    store = InMemoryStore()
    await store.create_room(make_room(id="room-1"))
    first = await store.add_event(make_event(idempotency_key="shared"))
    second = await store.add_event(make_event(idempotency_key="shared"))

    await store.update_event(first.model_copy(update={"idempotency_key": "fresh"}))
    assert await store.check_idempotency("room-1", "shared") is True

    await store.update_event(second.model_copy(update={"idempotency_key": None}))
    assert await store.check_idempotency("room-1", "shared") is False
    assert await store.check_idempotency("room-1", "fresh") is True
