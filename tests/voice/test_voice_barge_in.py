"""Barge-in and other interruptions: playback cut, events fired, the cut recorded."""

from __future__ import annotations

import asyncio
from typing import Any

from voice_support import HookLog, VoiceRoom, build_voice_room, played_ms, until

from roomkit import HookTrigger, RoomKit, TextContent
from roomkit.voice import (
    AudioChunk,
    BargeInEvent,
    MockTTSProvider,
    MockVoiceBackend,
    TTSCancelledEvent,
)

VOICE_TRIGGERS = (HookTrigger.ON_BARGE_IN, HookTrigger.ON_TTS_CANCELLED, HookTrigger.AFTER_TTS)


async def held_room(kit: RoomKit, *, streaming: bool = True, **options: Any) -> VoiceRoom:
    """A voice room whose backend holds playback until its gate opens."""
    backend = MockVoiceBackend(playback_gate=asyncio.Event())
    options.setdefault("barge_in_threshold_ms", 100)
    return await build_voice_room(kit, streaming=streaming, backend=backend, **options)


def open_gate(room: VoiceRoom) -> None:
    assert room.backend.playback_gate is not None
    room.backend.playback_gate.set()


async def reply_event(room: VoiceRoom) -> Any:
    events = await room.kit.store.list_events(room.room_id)
    return next(e for e in events if e.source.channel_id == "ai" and e.type == "message")


async def test_barge_in_cuts_a_streamed_reply_and_stops_the_model(kit: RoomKit) -> None:
    room = await held_room(kit)
    log = HookLog()
    log.install(kit, *VOICE_TRIGGERS)
    room.model.hold(2)  # the model is still writing when the caller speaks
    await room.backend.simulate_speech_end(room.session, b"\x00\x00")
    await until(lambda: room.model.waiting[2].is_set())
    await until(lambda: played_ms(room) > 0)

    await room.backend.simulate_speech_start(room.session)
    await room.voice.wait_idle()

    assert room.backend.calls_of("cancel_audio")[0].args == {"was_playing": True}
    (barge,) = log.of(HookTrigger.ON_BARGE_IN)
    assert isinstance(barge, BargeInEvent)
    assert (barge.interrupted_text, barge.audio_position_ms) == ("Sunny today.", 120)
    (cancelled,) = log.of(HookTrigger.ON_TTS_CANCELLED)
    assert isinstance(cancelled, TTSCancelledEvent)
    assert (cancelled.reason, cancelled.text, cancelled.audio_position_ms) == (
        "barge_in",
        "Sunny today.",
        120,
    )
    assert log.of(HookTrigger.AFTER_TTS) == []
    # The rest of the reply was dropped: the model's stream was closed early.
    assert (room.model.yielded, room.model.stream_closed) == (2, 1)
    reply = await reply_event(room)
    assert reply.content.body == "Sunny today. Warm "
    assert reply.metadata["voice_interruption"] == {
        "session_id": room.session.id,
        "reason": "barge_in",
        "audio_position_ms": 120,
        "spoken_text": "",
        "interrupted_text": "Sunny today.",
    }
    assert [c.text for c in room.tts.calls] == ["Sunny today."]


async def test_the_caller_is_answered_after_interrupting(kit: RoomKit) -> None:
    room = await held_room(kit)
    room.stt.transcripts = ["What is the weather?", "Stop, thanks."]
    room.model.hold(2)
    await room.backend.simulate_speech_end(room.session, b"\x00\x00")
    await until(lambda: played_ms(room) > 0)

    await room.backend.simulate_speech_start(room.session)
    room.model.gates.clear()
    open_gate(room)
    await room.backend.simulate_speech_end(room.session, b"\x00\x00")
    await room.voice.wait_idle()

    texts = await room.texts()
    assert [t for _, t in texts] == [
        "What is the weather?",
        "Sunny today. Warm ",
        "Stop, thanks.",
        "Sunny today. Warm too! See you.",
    ]
    second = room.backend.calls_of("send_audio")[-1]
    assert second.args["cancelled"] is False
    assert second.args["audio"] == b"".join(
        room.tts.pcm_for(s) for s in ("Sunny today.", "Warm too!", "See you.")
    )


async def test_barge_in_on_a_finished_reply_records_what_was_heard(kit: RoomKit) -> None:
    room = await held_room(kit, streaming=False, barge_in_threshold_ms=0)
    stalled = asyncio.Event()
    room.tts.synthesize_stream = halves(room.tts, "Warm too!", stalled)  # type: ignore[method-assign]
    await room.backend.simulate_speech_end(room.session, b"\x00\x00")
    await until(lambda: played_ms(room) > 0)
    open_gate(room)  # sentence one plays, then half of sentence two; synthesis stalls
    await until(lambda: stalled.is_set() and played_ms(room) > 120)

    await room.backend.simulate_barge_in(room.session)
    await room.voice.wait_idle()

    record = (await reply_event(room)).metadata["voice_interruption"]
    assert record["spoken_text"] == "Sunny today."
    assert record["interrupted_text"] == "Warm too! See you."
    assert record["audio_position_ms"] == 165


def halves(tts: MockTTSProvider, stall_on: str, stalled: asyncio.Event) -> Any:
    """A synthesize_stream yielding each sentence's audio in two halves.

    On ``stall_on`` it sets ``stalled`` after the first half and never yields the second.
    """
    original = tts.synthesize_stream

    async def stream(text: str, *, voice: str | None = None) -> Any:
        async for chunk in original(text, voice=voice):
            half = len(chunk.data) // 4 * 2
            yield AudioChunk(data=chunk.data[:half], sample_rate=chunk.sample_rate)
            if text == stall_on:
                stalled.set()
                await asyncio.Event().wait()
            yield AudioChunk(data=chunk.data[half:], sample_rate=chunk.sample_rate)

    return stream


async def test_short_playback_is_not_interrupted(kit: RoomKit) -> None:
    room = await held_room(kit, barge_in_threshold_ms=200)
    await room.backend.simulate_speech_end(room.session, b"\x00\x00")
    await until(lambda: played_ms(room) > 0)

    await room.backend.simulate_speech_start(room.session)  # only 120 ms were played
    assert room.backend.calls_of("cancel_audio") == []
    open_gate(room)
    await room.voice.wait_idle()
    assert "voice_interruption" not in (await reply_event(room)).metadata


async def test_barge_in_can_be_disabled(kit: RoomKit) -> None:
    room = await held_room(kit, enable_barge_in=False)
    await room.backend.simulate_speech_end(room.session, b"\x00\x00")
    await until(lambda: played_ms(room) > 0)

    await room.backend.simulate_speech_start(room.session)
    await room.backend.simulate_barge_in(room.session)
    assert room.backend.calls_of("cancel_audio") == []
    open_gate(room)
    await room.voice.wait_idle()


async def test_queued_replies_are_dropped_with_the_current_one(kit: RoomKit) -> None:
    room = await held_room(kit, streaming=False)
    await room.kit.detach_channel(room.room_id, "ai")
    log = HookLog()
    log.install(kit, *VOICE_TRIGGERS)
    await kit.send_event(room.room_id, "ops", TextContent(body="First notice."))
    await kit.send_event(room.room_id, "ops", TextContent(body="Second notice."))
    await until(lambda: played_ms(room) > 0)

    await room.backend.simulate_speech_start(room.session)
    await room.voice.wait_idle()

    cancelled = log.of(HookTrigger.ON_TTS_CANCELLED)
    assert [(c.text, c.audio_position_ms) for c in cancelled] == [
        ("First notice.", 130),
        ("Second notice.", 0),
    ]
    assert len(log.of(HookTrigger.ON_BARGE_IN)) == 1
    assert len(room.backend.calls_of("send_audio")) == 1


async def test_interrupt_stops_playback_explicitly(kit: RoomKit) -> None:
    room = await held_room(kit)
    log = HookLog()
    log.install(kit, *VOICE_TRIGGERS)
    assert await room.voice.interrupt(room.session) is False
    await room.backend.simulate_speech_end(room.session, b"\x00\x00")
    await until(lambda: played_ms(room) > 0)

    assert await room.voice.interrupt(room.session) is True
    await room.voice.wait_idle()

    (cancelled,) = log.of(HookTrigger.ON_TTS_CANCELLED)
    assert cancelled.reason == "explicit"
    assert log.of(HookTrigger.ON_BARGE_IN) == []


async def test_disconnecting_cuts_playback(kit: RoomKit) -> None:
    room = await held_room(kit)
    log = HookLog()
    log.install(kit, *VOICE_TRIGGERS)
    await room.backend.simulate_speech_end(room.session, b"\x00\x00")
    await until(lambda: played_ms(room) > 0)

    await kit.disconnect_voice(room.session)
    await room.voice.wait_idle()

    (cancelled,) = log.of(HookTrigger.ON_TTS_CANCELLED)
    assert cancelled.reason == "disconnect"
    assert room.voice.sessions() == []


async def test_a_synthesis_failure_is_reported_as_cancelled_speech(kit: RoomKit) -> None:
    room = await build_voice_room(kit, streaming=False)
    log = HookLog()
    log.install(kit, *VOICE_TRIGGERS)

    async def broken(text: str, *, voice: str | None = None) -> Any:
        raise RuntimeError("tts down")
        yield  # pragma: no cover - makes this an async generator

    room.tts.synthesize_stream = broken  # type: ignore[method-assign]
    await room.say()

    (cancelled,) = log.of(HookTrigger.ON_TTS_CANCELLED)
    assert cancelled.reason == "error"
    assert cancelled.text == "Sunny today. Warm too! See you."
    assert log.of(HookTrigger.AFTER_TTS) == []
