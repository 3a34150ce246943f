"""The voice channel's helpers: deferred event notes and hook running outside the pipeline."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from roomkit import (
    EventSource,
    HookExecution,
    HookTrigger,
    InMemoryStore,
    RoomEvent,
    RoomKit,
    TextContent,
)
from roomkit.models import ChannelType
from roomkit.models.framework_event import FrameworkEvent
from roomkit.voice._hooks import VoiceHooks
from roomkit.voice._notes import EventNotes


async def stored_event(store: InMemoryStore, room_id: str) -> RoomEvent:
    source = EventSource(channel_id="ai", channel_type=ChannelType.AI)
    event = RoomEvent(room_id=room_id, source=source, content=TextContent(body="Hi"))
    return await store.add_event(event)


def processed(room_id: str) -> FrameworkEvent:
    return FrameworkEvent(type="event_processed", room_id=room_id)


@pytest.fixture
async def store_room(kit: RoomKit) -> tuple[InMemoryStore, str]:
    room = await kit.create_room()
    store = kit.store
    assert isinstance(store, InMemoryStore)
    return store, room.id


async def test_a_note_on_a_settled_event_is_written_at_once(
    store_room: tuple[InMemoryStore, str],
) -> None:
    store, room_id = store_room
    event = await stored_event(store, room_id)
    notes = EventNotes(store)
    await notes.note(room_id, event.id, "voice_interruption", {"reason": "barge_in"})
    again = await store.get_event(event.id)
    assert again is not None
    assert again.metadata == {"voice_interruption": {"reason": "barge_in"}}


async def test_a_note_waits_for_the_delivering_pipeline_to_finish(
    store_room: tuple[InMemoryStore, str],
) -> None:
    store, room_id = store_room
    event = await stored_event(store, room_id)
    notes = EventNotes(store)
    notes.delivered(room_id, event.id)

    await notes.note(room_id, event.id, "k", {"v": 1})
    assert (await store.get_event(event.id)).metadata == {}  # type: ignore[union-attr]
    await notes.on_processed(processed("another-room"))
    await notes.on_processed(FrameworkEvent(type="event_processed"))
    assert (await store.get_event(event.id)).metadata == {}  # type: ignore[union-attr]

    await notes.on_processed(processed(room_id))
    assert (await store.get_event(event.id)).metadata == {"k": {"v": 1}}  # type: ignore[union-attr]


async def test_notes_on_missing_events_or_failing_stores_are_harmless(
    store_room: tuple[InMemoryStore, str], caplog: pytest.LogCaptureFixture
) -> None:
    store, room_id = store_room
    notes = EventNotes(store)
    await notes.note(room_id, "missing", "k", {})

    async def broken(event_id: str) -> Any:
        raise RuntimeError("store down")

    store.get_event = broken  # type: ignore[method-assign]
    with caplog.at_level(logging.ERROR, logger="roomkit.voice.notes"):
        await notes.note(room_id, "any", "k", {})
    assert "could not record k on event any" in caplog.text


async def test_hooks_for_a_deleted_room_run_without_context(kit: RoomKit) -> None:
    seen: list[Any] = []

    @kit.hook(HookTrigger.ON_TRANSCRIPTION)
    async def sync_hook(event: Any, ctx: Any) -> None:
        seen.append(("sync", ctx))

    @kit.hook(HookTrigger.ON_VAD_SILENCE, execution=HookExecution.ASYNC)
    async def async_hook(event: Any, ctx: Any) -> None:
        seen.append(("async", ctx))

    hooks = VoiceHooks(kit)
    source = EventSource(channel_id="voice", channel_type=ChannelType.VOICE)
    event = RoomEvent(room_id="gone", source=source, content=TextContent(body="x"))

    assert await hooks.run_sync(HookTrigger.ON_TRANSCRIPTION, event) == (event, None)
    await hooks.run_async(HookTrigger.ON_VAD_SILENCE, event)
    assert seen == [("async", None)]


async def test_a_failing_error_hook_is_only_logged(
    kit: RoomKit, caplog: pytest.LogCaptureFixture
) -> None:
    room = await kit.create_room()

    @kit.hook(HookTrigger.ON_VAD_SILENCE, execution=HookExecution.ASYNC)
    async def broken(event: Any, ctx: Any) -> None:
        raise RuntimeError("first")

    @kit.hook(HookTrigger.ON_ERROR, execution=HookExecution.ASYNC)
    async def also_broken(event: Any, ctx: Any, error: Any) -> None:
        raise RuntimeError("second")

    source = EventSource(channel_id="voice", channel_type=ChannelType.VOICE)
    event = RoomEvent(room_id=room.id, source=source, content=TextContent(body="x"))
    with caplog.at_level(logging.WARNING, logger="roomkit.voice.hooks"):
        await VoiceHooks(kit).run_async(HookTrigger.ON_VAD_SILENCE, event)
    assert "ON_ERROR hook 'also_broken' failed" in caplog.text
