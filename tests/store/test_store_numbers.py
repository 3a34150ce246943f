"""Numbers in a record's free-form fields come back as they went in, or are refused whole.

Every store hands a float back as the same float, however large: PostgreSQL's JSONB
keeps a number's decimal point only if it is written out, so ``1e+100`` must not come
back as an integer. JSON has no infinity or NaN: the in-memory store keeps them, and the
SQL stores refuse a record holding one with :class:`UnstorableValueError` and write
nothing, where they once wrote ``null`` in its place.
"""

from __future__ import annotations

import math

import pytest

from roomkit.errors import UnstorableValueError
from roomkit.models import Room
from roomkit.store import ConversationStore, InMemoryStore
from tests.factories import make_event, make_room, make_task

LARGE = [1e100, 1.5e20, -1e16, 1.7976931348623157e308, 2.0**60]
NON_FINITE = [math.inf, -math.inf, math.nan]


def _same(value: object, stored: object) -> bool:
    """``stored == value`` with the same type, NaN matching NaN."""
    if isinstance(value, float) and math.isnan(value):
        return isinstance(stored, float) and math.isnan(stored)
    return type(stored) is type(value) and stored == value


@pytest.mark.parametrize("value", [*LARGE, 1e-7, 2.5, 3])
async def test_a_number_comes_back_as_it_went_in(
    store: ConversationStore, room: Room, value: float
) -> None:
    await store.create_room(make_room(id="a", metadata={"n": value, "in": [value]}))
    event = await store.add_event(make_event(metadata={"n": {"deep": value}}))

    stored_room = await store.get_room("a")
    stored_event = await store.get_event(event.id)

    assert stored_room is not None and stored_event is not None
    assert _same(value, stored_room.metadata["n"])
    assert _same(value, stored_room.metadata["in"][0])
    assert _same(value, stored_event.metadata["n"]["deep"])


@pytest.mark.parametrize(
    "text", ["1e+100", 'quote \\"1e+5', 'quote "2e+3" inside', "Infinity", "-Infinity NaN"]
)
async def test_text_that_reads_like_a_number_is_left_alone(
    store: ConversationStore, text: str
) -> None:
    await store.create_room(make_room(id="a", metadata={"s": text, text: [text]}))

    stored = await store.get_room("a")

    assert stored is not None and stored.metadata == {"s": text, text: [text]}


@pytest.mark.parametrize("value", NON_FINITE, ids=["inf", "-inf", "nan"])
async def test_a_room_holding_infinity_or_nan_is_kept_or_refused_whole(
    store: ConversationStore, value: float
) -> None:
    room = make_room(id="a", metadata={"n": [value]})

    if isinstance(store, InMemoryStore):
        await store.create_room(room)
        stored = await store.get_room("a")
        assert stored is not None and _same(value, stored.metadata["n"][0])
        return
    with pytest.raises(UnstorableValueError, match="Room 'a' cannot be stored: JSON has no"):
        await store.create_room(room)
    assert await store.get_room("a") is None


@pytest.mark.parametrize("value", NON_FINITE, ids=["inf", "-inf", "nan"])
async def test_an_event_holding_infinity_or_nan_is_kept_or_refused_whole(
    store: ConversationStore, room: Room, value: float
) -> None:
    event = make_event(metadata={"score": value})

    if isinstance(store, InMemoryStore):
        stored = await store.add_event(event)
        fetched = await store.get_event(stored.id)
        assert fetched is not None and _same(value, fetched.metadata["score"])
        return
    with pytest.raises(UnstorableValueError, match="JSON has no infinity or NaN"):
        await store.add_event(event)
    assert await store.get_event(event.id) is None
    assert await store.get_event_count(room.id) == 0
    assert (await store.add_event(make_event())).index == 0


async def test_an_update_holding_infinity_is_refused_and_leaves_the_record(
    store: ConversationStore, room: Room
) -> None:
    event = await store.add_event(make_event())
    task = await store.add_task(make_task())
    stored_room = await store.get_room(room.id)
    assert stored_room is not None
    updates = [
        store.update_room(stored_room.model_copy(update={"metadata": {"n": math.inf}})),
        store.update_event(event.model_copy(update={"metadata": {"n": math.inf}})),
        store.update_task(task.model_copy(update={"metadata": {"n": math.inf}})),
    ]

    for update in updates:
        if isinstance(store, InMemoryStore):
            await update
            continue
        with pytest.raises(UnstorableValueError):
            await update

    if not isinstance(store, InMemoryStore):
        assert await store.get_room(room.id) == stored_room
        assert await store.get_event(event.id) == event
        assert await store.get_task(task.id) == task
