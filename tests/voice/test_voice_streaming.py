"""Streaming to first audio: the reply is spoken sentence by sentence while generated."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from voice_support import HookLog, ScriptedModel, VoiceRoom, build_voice_room, until

from roomkit import (
    AIChannel,
    ChannelBinding,
    ChannelOutput,
    HookResult,
    HookTrigger,
    InboundMessage,
    RoomContext,
    RoomEvent,
    RoomKit,
    TextContent,
    WebSocketChannel,
)
from roomkit.models.ai import AIContext
from roomkit.voice import MockTTSProvider, MockVoiceBackend, VoiceSession
from roomkit.voice.playback import Utterance
from roomkit.voice.streaming import ReplyStream, VoiceStreamingProvider

REPLY_TEXT = "Sunny today. Warm too! See you."


def pcm(tts: MockTTSProvider, *sentences: str) -> bytes:
    return b"".join(tts.pcm_for(s) for s in sentences)


@pytest.fixture
async def room(kit: RoomKit) -> VoiceRoom:
    return await build_voice_room(kit)


async def test_first_sentence_plays_before_the_model_finishes(room: VoiceRoom) -> None:
    go_on = room.model.hold(2)  # the model stalls after "Sunny today. Warm "
    await room.backend.simulate_speech_end(room.session, b"\x00\x00" * 160)
    await until(lambda: room.model.waiting[2].is_set())
    await until(lambda: len(room.backend.sent_audio(room.session)) > 0)

    assert room.backend.sent_audio(room.session) == pcm(room.tts, "Sunny today.")
    assert await room.texts() == [("voice", "What is the weather?")]  # no reply yet

    go_on.set()
    await room.voice.wait_idle()

    assert await room.texts() == [("voice", "What is the weather?"), ("ai", REPLY_TEXT)]
    assert room.backend.sent_audio(room.session) == pcm(
        room.tts, "Sunny today.", "Warm too!", "See you."
    )
    assert [c.text for c in room.tts.calls] == ["Sunny today.", "Warm too!", "See you."]
    assert len(room.backend.calls_of("send_audio")) == 1
    assert room.model.generate_calls == []
    assert len(room.model.stream_calls) == 1


async def test_the_streamed_reply_is_not_spoken_twice_and_after_tts_runs_once(
    room: VoiceRoom,
) -> None:
    log = HookLog()
    log.install(room.kit, HookTrigger.AFTER_TTS)

    await room.say()

    (spoken,) = log.of(HookTrigger.AFTER_TTS)
    assert spoken.content.body == REPLY_TEXT
    assert spoken.source.channel_id == "ai"
    transcripts = [c.args["text"] for c in room.backend.calls_of("send_transcription")]
    assert transcripts == ["What is the weather?", REPLY_TEXT]


async def test_after_tts_waits_for_playback_when_the_event_comes_first(kit: RoomKit) -> None:
    backend = MockVoiceBackend(playback_gate=asyncio.Event())
    room = await build_voice_room(kit, backend=backend)
    log = HookLog()
    log.install(kit, HookTrigger.AFTER_TTS)
    processed: list[str | None] = []

    @kit.on("event_processed")
    async def done(event: Any) -> None:
        processed.append(event.event_id)

    await backend.simulate_speech_end(room.session, b"\x00\x00")
    await until(lambda: bool(processed))  # the reply is stored; playback is held
    assert backend.is_playing(room.session)
    assert log.of(HookTrigger.AFTER_TTS) == []

    assert backend.playback_gate is not None
    backend.playback_gate.set()
    await room.voice.wait_idle()
    assert len(log.of(HookTrigger.AFTER_TTS)) == 1


async def test_before_tts_sees_each_streamed_sentence(room: VoiceRoom) -> None:
    seen: list[RoomEvent] = []

    @room.kit.hook(HookTrigger.BEFORE_TTS)
    async def edit(event: RoomEvent, ctx: RoomContext) -> HookResult:
        seen.append(event)
        body = event.content.body  # type: ignore[union-attr]
        if body.startswith("Warm"):
            return HookResult.block("skip")
        if body == "See you.":
            return HookResult.modify(
                event.model_copy(update={"content": TextContent(body="Bye!")})
            )
        return HookResult.allow()

    await room.say()

    assert [e.content.body for e in seen] == ["Sunny today.", "Warm too!", "See you."]  # type: ignore[union-attr]
    assert {e.source.channel_id for e in seen} == {"ai"}
    assert all(e.metadata["voice_streamed_sentence"] for e in seen)
    assert room.backend.sent_audio(room.session) == pcm(room.tts, "Sunny today.", "Bye!")
    assert (await room.texts())[1] == ("ai", REPLY_TEXT)


async def test_requests_with_tools_are_not_streamed(room: VoiceRoom) -> None:
    tool = {"name": "weather", "description": "Look up the weather", "parameters": {}}
    await room.kit.update_binding_metadata(room.room_id, "ai", {"tools": [tool]})

    await room.say()

    assert room.model.stream_calls == []
    assert len(room.model.generate_calls) == 1
    assert room.backend.sent_audio(room.session) == pcm(
        room.tts, "Sunny today.", "Warm too!", "See you."
    )


async def test_replies_outside_a_voice_turn_are_generated_normally(room: VoiceRoom) -> None:
    room.kit.register_channel(WebSocketChannel("chat"))
    await room.kit.attach_channel(room.room_id, "chat")

    await room.kit.process_inbound(
        InboundMessage(channel_id="chat", sender_id="u", content=TextContent(body="Hi"))
    )
    await room.voice.wait_idle()

    assert room.model.stream_calls == []
    assert len(room.model.generate_calls) == 1
    assert room.backend.sent_audio(room.session) == pcm(
        room.tts, "Hi", "Sunny today.", "Warm too!", "See you."
    )


async def test_a_model_failure_keeps_what_was_already_spoken(kit: RoomKit) -> None:
    room = await build_voice_room(kit, model=ScriptedModel(fail_at=2))
    errors: list[str] = []

    @kit.on("channel_error")
    async def record(event: Any) -> None:
        errors.append(event.data["error"])

    await room.say()

    assert errors == ["RuntimeError: model stream broke"]
    assert await room.texts() == [("voice", "What is the weather?")]
    assert room.backend.sent_audio(room.session) == pcm(room.tts, "Sunny today.")
    assert room.model.stream_closed == 1


class StreamingAIChannel(AIChannel):
    """An AI channel that reads its provider's stream (as a streaming UI would)."""

    async def on_event(
        self, event: RoomEvent, binding: ChannelBinding, context: RoomContext
    ) -> ChannelOutput:
        if event.source.channel_id == self.channel_id:
            return ChannelOutput.empty()
        ai_context = self.build_context(event, binding, context)
        text = "".join([d async for d in self.provider.generate_stream(ai_context)])
        reply = RoomEvent(
            room_id=context.room.id,
            source=event.source.model_copy(update={"channel_id": self.channel_id}),
            content=TextContent(body=text),
            parent_event_id=event.id,
            chain_depth=event.chain_depth + 1,
        )
        return ChannelOutput(response_events=[reply])


async def test_a_consumer_of_generate_stream_is_spoken_to_as_well(kit: RoomKit) -> None:
    room = await build_voice_room(kit, streaming=False)
    await kit.detach_channel(room.room_id, "ai")
    wrapper = VoiceStreamingProvider(room.model, room.voice)
    kit.register_channel(StreamingAIChannel("ai-stream", provider=wrapper))
    await kit.attach_channel(room.room_id, "ai-stream")

    await room.say()

    assert room.backend.sent_audio(room.session) == pcm(
        room.tts, "Sunny today.", "Warm too!", "See you."
    )
    assert len(room.tts.calls) == 3


async def test_generate_stream_outside_a_turn_passes_deltas_through(room: VoiceRoom) -> None:
    wrapper = VoiceStreamingProvider(room.model, room.voice)
    deltas = [d async for d in wrapper.generate_stream(AIContext())]
    assert "".join(deltas) == REPLY_TEXT
    assert room.tts.calls == []


async def test_the_wrapper_describes_and_closes_the_wrapped_provider(room: VoiceRoom) -> None:
    closed: list[bool] = []

    async def close() -> None:
        closed.append(True)

    room.model.close = close  # type: ignore[method-assign]
    wrapper = VoiceStreamingProvider(room.model, room.voice)
    assert (wrapper.name, wrapper.model_name, wrapper.supports_vision) == (
        "ScriptedModel",
        "scripted",
        False,
    )
    await wrapper.close()
    assert closed == [True]


async def test_without_listeners_the_reply_is_not_streamed(room: VoiceRoom) -> None:
    @room.kit.hook(HookTrigger.ON_TRANSCRIPTION)
    async def hang_up(event: RoomEvent, ctx: RoomContext) -> None:
        await room.voice.unbind_session(room.session)

    await room.say()

    assert room.model.stream_calls == []
    assert len(room.model.generate_calls) == 1
    assert room.backend.sent_audio(room.session) == b""


def test_a_reply_stream_needs_listeners() -> None:
    with pytest.raises(ValueError, match="at least one"):
        ReplyStream([])


async def test_a_finished_stream_ignores_further_text() -> None:
    session = VoiceSession(id="s", room_id="r", participant_id="p", channel_id="v")
    tts = MockTTSProvider()
    utterance = Utterance(session, tts=tts, backend=MockVoiceBackend())
    stream = ReplyStream([utterance])
    await stream.feed("Hello there")
    await stream.finish()
    await stream.finish()
    assert utterance.sentences == ["Hello there"]
    await stream.feed(" more.")
    assert utterance.sentences == ["Hello there"]
    assert stream.text == "Hello there more."
