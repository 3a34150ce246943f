"""The SQL stores decode a stored text once and hand out private copies of the result,
yet see every change made through another store on the same data."""

from __future__ import annotations

from typing import Any

import pytest

from roomkit.models import ChannelBinding, Participant, Room
from roomkit.store._sql.decoded import Decoded
from roomkit.store._sql.store import SQLStore
from roomkit.store.postgres import PostgresStore
from roomkit.store.sqlite import SQLiteStore
from tests.factories import make_binding, make_participant, make_room
from tests.store.backends import Backend


class _Counting:
    """Counts ``model_validate_json`` calls per model class."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *classes: type[Any]) -> None:
        self.calls: dict[str, int] = {cls.__name__: 0 for cls in classes}
        for cls in classes:
            original = cls.model_validate_json

            def counted(text: Any, *args: Any, _cls: Any = cls, _orig: Any = original) -> Any:
                self.calls[_cls.__name__] += 1
                return _orig(text, *args)

            monkeypatch.setattr(cls, "model_validate_json", counted)


def _binding_text(channel_id: str, **fields: Any) -> str:
    return make_binding("room-1", channel_id, **fields).model_dump_json()


def test_the_same_text_is_decoded_once_into_private_copies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    counting = _Counting(monkeypatch, ChannelBinding)
    decoded = Decoded()
    text = _binding_text("sms-1", metadata={"nested": {"deep": "original"}})

    first = decoded.load(ChannelBinding, text)
    first.metadata["nested"]["deep"] = "scribbled"
    first.capabilities.media_types.clear()
    second = decoded.load(ChannelBinding, text, {"last_read_index": 7})

    assert counting.calls["ChannelBinding"] == 1
    assert second.metadata == {"nested": {"deep": "original"}}
    assert second.capabilities.media_types
    assert second.last_read_index == 7 and "last_read_index" in second.model_fields_set
    assert decoded.load(ChannelBinding, text).last_read_index is None


def test_the_oldest_text_is_forgotten_past_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    counting = _Counting(monkeypatch, ChannelBinding)
    decoded = Decoded(limit=2)
    texts = [_binding_text(f"sms-{n}") for n in range(3)]

    for text in texts:
        decoded.load(ChannelBinding, text)
    decoded.load(ChannelBinding, texts[2])
    assert counting.calls["ChannelBinding"] == 3
    decoded.load(ChannelBinding, texts[0])
    assert counting.calls["ChannelBinding"] == 4
    decoded.clear()
    decoded.load(ChannelBinding, texts[0])
    assert counting.calls["ChannelBinding"] == 5


async def test_repeated_reads_decode_once_until_the_store_closes(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = backend.open_store()
    assert isinstance(store, SQLStore)
    try:
        await store.create_room(make_room(id="room-1"))
        await store.add_binding(make_binding("room-1", "sms-1"))
        await store.add_participant(make_participant("room-1", "user-1"))
        counting = _Counting(monkeypatch, Room, ChannelBinding, Participant)

        for _ in range(3):
            assert await store.get_room("room-1") is not None
            assert len(await store.list_bindings("room-1")) == 1
            assert len(await store.list_participants("room-1")) == 1

        assert counting.calls == {"Room": 1, "ChannelBinding": 1, "Participant": 1}
        await store.close()  # forgets the decoded models with the connections
        assert await store.get_room("room-1") is not None
        assert counting.calls["Room"] == 2
    finally:
        await store.close()


async def test_changes_made_by_another_store_are_seen(backend: Backend) -> None:
    reader, writer = backend.open_store(), backend.open_store()
    try:
        await writer.create_room(make_room(id="room-1", metadata={"v": 1}))
        await writer.add_binding(make_binding("room-1", "sms-1", metadata={"v": 1}))
        await writer.add_participant(make_participant("room-1", "user-1", metadata={"v": 1}))
        room = await reader.get_room("room-1")
        (binding,) = await reader.list_bindings("room-1")
        (participant,) = await reader.list_participants("room-1")
        assert room is not None

        await writer.update_room(room.model_copy(update={"metadata": {"v": 2}}))
        await writer.update_binding(binding.model_copy(update={"metadata": {"v": 2}}))
        await writer.update_participant(participant.model_copy(update={"metadata": {"v": 2}}))

        room = await reader.get_room("room-1")
        assert room is not None and room.metadata == {"v": 2}
        assert [b.metadata for b in await reader.list_bindings("room-1")] == [{"v": 2}]
        assert [p.metadata for p in await reader.list_participants("room-1")] == [{"v": 2}]
    finally:
        await reader.close()
        await writer.close()


@pytest.mark.parametrize(("size", "decodes"), [(0, 6), (2, 4), (3, 3)])
async def test_a_store_remembers_as_many_texts_as_it_is_told(
    backend: Backend, monkeypatch: pytest.MonkeyPatch, size: int, decodes: int
) -> None:
    # Three rooms read twice in turn: each second read decodes again unless remembered.
    store = backend.open_store(decoded_cache_size=size)
    try:
        for n in range(3):
            await store.create_room(make_room(id=f"r{n}"))
        counting = _Counting(monkeypatch, Room)
        for room_id in ["r0", "r1", "r2", "r2", "r1", "r0"]:
            assert await store.get_room(room_id) is not None
    finally:
        await store.close()

    assert counting.calls["Room"] == decodes


def test_a_negative_decoded_cache_size_is_refused() -> None:
    for make in (SQLiteStore, PostgresStore):
        with pytest.raises(ValueError, match="decoded_cache_size must be >= 0"):
            make("unused", decoded_cache_size=-1)
