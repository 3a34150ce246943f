"""VoiceChannel: speech end -> STT -> hooks -> room -> AI -> hooks -> TTS -> backend."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from voice_support import HookLog, ScriptedModel, VoiceRoom, build_voice_room

from roomkit import (
    ConfigurationError,
    HookResult,
    HookTrigger,
    InboundMessage,
    RoomContext,
    RoomEvent,
    RoomKit,
    TextContent,
    WebSocketChannel,
)
from roomkit.channels.voice import VoiceChannel
from roomkit.models import ChannelMediaType, ChannelType, EventType
from roomkit.voice import (
    MockSTTProvider,
    MockTTSProvider,
    MockVoiceBackend,
    PartialTranscriptionEvent,
    SpeechEndEvent,
    SpeechStartEvent,
    VADAudioLevelEvent,
    VADSilenceEvent,
    VoiceSession,
)

REPLY_TEXT = "Sunny today. Warm too! See you."


@pytest.fixture
async def room(kit: RoomKit) -> VoiceRoom:
    """A voice room whose AI answers without streaming."""
    return await build_voice_room(kit, streaming=False)


async def test_an_utterance_is_answered_with_synthesised_speech(room: VoiceRoom) -> None:
    await room.say(b"\x01\x00" * 1600)

    assert room.stt.calls[0].data == b"\x01\x00" * 1600  # type: ignore[union-attr]
    assert await room.texts() == [("voice", "What is the weather?"), ("ai", REPLY_TEXT)]
    assert room.backend.sent_audio(room.session) == room.tts.pcm_for(
        "Sunny today."
    ) + room.tts.pcm_for("Warm too!") + room.tts.pcm_for("See you.")
    transcripts = [c.args for c in room.backend.calls_of("send_transcription")]
    assert transcripts == [
        {"text": "What is the weather?", "role": "user"},
        {"text": REPLY_TEXT, "role": "assistant"},
    ]
    assert len(room.backend.calls_of("send_audio")) == 1  # one stream for the whole reply


async def test_the_transcription_event_records_its_session(room: VoiceRoom) -> None:
    await room.say()
    events = await room.kit.store.list_events(room.room_id)
    said = next(e for e in events if e.source.channel_id == "voice" and e.type == "message")
    assert said.source.participant_id == "caller"
    assert said.source.channel_type is ChannelType.VOICE
    assert said.metadata["voice_session_id"] == room.session.id
    assert said.metadata["audio_duration_ms"] == 100
    assert "_voice_turn" not in said.metadata


async def test_the_input_sample_rate_comes_from_the_session(kit: RoomKit) -> None:
    room = await build_voice_room(kit, streaming=False)
    room.session.metadata["input_sample_rate"] = 8000
    await room.say(b"\x00\x00" * 800)
    chunk = room.stt.calls[0]
    assert chunk.sample_rate == 8000  # type: ignore[union-attr]


async def test_on_transcription_can_rewrite_the_text(room: VoiceRoom) -> None:
    @room.kit.hook(HookTrigger.ON_TRANSCRIPTION)
    async def fix(event: RoomEvent, ctx: RoomContext) -> HookResult:
        assert ctx.room.id == room.room_id
        body = event.content.body.replace("weather", "forecast")  # type: ignore[union-attr]
        return HookResult.modify(event.model_copy(update={"content": TextContent(body=body)}))

    await room.say()

    assert (await room.texts())[0] == ("voice", "What is the forecast?")
    assert room.backend.calls_of("send_transcription")[0].args["text"] == "What is the forecast?"


async def test_on_transcription_can_block_the_turn(room: VoiceRoom) -> None:
    @room.kit.hook(HookTrigger.ON_TRANSCRIPTION)
    async def refuse(event: RoomEvent, ctx: RoomContext) -> HookResult:
        return HookResult.block("not now")

    await room.say()

    assert await room.texts() == []
    assert room.backend.calls_of("send_audio") == []
    assert room.backend.calls_of("send_transcription") == []


async def test_a_failing_transcription_hook_is_skipped_and_reported(room: VoiceRoom) -> None:
    errors: list[Any] = []

    @room.kit.hook(HookTrigger.ON_TRANSCRIPTION)
    async def broken(event: RoomEvent, ctx: RoomContext) -> HookResult:
        raise RuntimeError("hook bug")

    @room.kit.hook(HookTrigger.ON_ERROR)
    async def on_error(event: Any, ctx: Any, error: Any) -> None:
        errors.append(error)

    await room.say()

    assert [e.hook_name for e in errors] == ["broken"]
    assert len(await room.texts()) == 2


async def test_before_tts_can_rewrite_the_spoken_text_and_voice(room: VoiceRoom) -> None:
    @room.kit.hook(HookTrigger.BEFORE_TTS)
    async def shorten(event: RoomEvent, ctx: RoomContext) -> HookResult:
        changed = event.model_copy(
            update={"content": TextContent(body="Sunny."), "metadata": {"tts_voice": "warm"}}
        )
        return HookResult.modify(changed)

    await room.say()

    assert room.backend.sent_audio(room.session) == room.tts.pcm_for("Sunny.")
    assert [(c.text, c.voice) for c in room.tts.calls] == [("Sunny.", "warm")]
    assert (await room.texts())[1] == ("ai", REPLY_TEXT)  # the room keeps the real reply


async def test_before_tts_can_block_speech(room: VoiceRoom) -> None:
    @room.kit.hook(HookTrigger.BEFORE_TTS)
    async def mute(event: RoomEvent, ctx: RoomContext) -> HookResult:
        return HookResult.block("quiet")

    await room.say()

    assert room.backend.calls_of("send_audio") == []
    assert room.tts.calls == []


async def test_after_tts_runs_once_the_reply_was_played(room: VoiceRoom) -> None:
    log = HookLog()
    log.install(room.kit, HookTrigger.AFTER_TTS, HookTrigger.ON_TTS_CANCELLED)

    await room.say()

    (spoken,) = log.of(HookTrigger.AFTER_TTS)
    assert spoken.content.body == REPLY_TEXT
    assert log.of(HookTrigger.ON_TTS_CANCELLED) == []


async def test_speech_hooks_receive_voice_events(room: VoiceRoom) -> None:
    log = HookLog()
    log.install(room.kit, HookTrigger.ON_SPEECH_START, HookTrigger.ON_SPEECH_END)

    await room.say(b"\x00\x00" * 3200)

    (start,) = log.of(HookTrigger.ON_SPEECH_START)
    (end,) = log.of(HookTrigger.ON_SPEECH_END)
    assert isinstance(start, SpeechStartEvent)
    assert start.session is room.session
    assert isinstance(end, SpeechEndEvent)
    assert end.room_id == room.room_id
    assert end.audio.duration_ms == pytest.approx(200.0)


async def test_text_from_another_channel_is_spoken(room: VoiceRoom) -> None:
    room.kit.register_channel(WebSocketChannel("chat"))
    await room.kit.attach_channel(room.room_id, "chat")

    await room.kit.process_inbound(
        InboundMessage(channel_id="chat", sender_id="agent", content=TextContent(body="Hello."))
    )
    await room.voice.wait_idle()

    played = room.backend.sent_audio(room.session)
    assert played.startswith(room.tts.pcm_for("Hello."))
    assert room.tts.calls[0].text == "Hello."


async def test_only_messages_with_text_are_spoken(room: VoiceRoom) -> None:
    await room.kit.detach_channel(room.room_id, "ai")
    await room.kit.send_event(
        room.room_id, "ops", TextContent(body="typing"), event_type=EventType.TYPING
    )
    await room.kit.send_event(room.room_id, "ops", TextContent(body="   "))
    await room.voice.wait_idle()
    assert room.tts.calls == []


async def test_without_tts_the_reply_is_only_shown(kit: RoomKit) -> None:
    backend = MockVoiceBackend()
    voice = VoiceChannel("voice", backend=backend, stt=MockSTTProvider(["Hi"]))
    kit.register_channel(voice)
    room = await kit.create_room()
    session = await kit.connect_voice(room.id, "caller", "voice")

    await kit.send_event(room.id, "ops", TextContent(body="Shown, not spoken."))

    assert backend.calls_of("send_audio") == []
    assert backend.calls_of("send_transcription")[0].args["text"] == "Shown, not spoken."
    assert voice.sessions(room.id) == [session]


async def test_replies_are_spoken_to_every_session_of_the_room(room: VoiceRoom) -> None:
    other = await room.kit.connect_voice(room.room_id, "listener", "voice")

    await room.say()

    reply = room.backend.sent_audio(room.session)
    assert reply
    assert room.backend.sent_audio(other) == reply


async def test_empty_transcriptions_are_ignored(kit: RoomKit) -> None:
    room = await build_voice_room(kit, streaming=False)
    room.stt.transcripts = ["   "]
    await room.say()
    assert await room.texts() == []


async def test_a_failing_stt_provider_ends_the_turn_quietly(
    room: VoiceRoom, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(audio: Any) -> str:
        raise RuntimeError("stt down")

    room.stt.transcribe = broken  # type: ignore[method-assign]
    with caplog.at_level(logging.WARNING, logger="roomkit.channels.voice"):
        await room.say()
    assert "speech-to-text failed" in caplog.text
    assert await room.texts() == []


async def test_without_stt_speech_is_not_transcribed(
    kit: RoomKit, caplog: pytest.LogCaptureFixture
) -> None:
    backend = MockVoiceBackend()
    voice = VoiceChannel("voice", backend=backend, tts=MockTTSProvider())
    kit.register_channel(voice)
    room = await kit.create_room()
    session = await kit.connect_voice(room.id, "caller", "voice")
    with caplog.at_level(logging.WARNING, logger="roomkit.channels.voice"):
        await backend.simulate_speech_end(session, b"\x00\x00")
        await voice.wait_idle()
    assert "needs a kit and an STT provider" in caplog.text


async def test_callbacks_for_sessions_of_another_channel_are_ignored(room: VoiceRoom) -> None:
    stranger = await room.backend.connect(room.room_id, "x", "other-voice")
    await room.backend.simulate_speech_end(stranger, b"\x00\x00")
    await room.voice.wait_idle()
    assert room.stt.calls == []
    assert stranger not in room.voice.sessions()


async def test_sessions_connected_on_the_backend_directly_are_adopted(room: VoiceRoom) -> None:
    direct = await room.backend.connect(room.room_id, "walk-in", "voice")
    await room.backend.simulate_speech_end(direct, b"\x00\x00")
    await room.voice.wait_idle()
    assert direct in room.voice.sessions(room.room_id)
    assert room.backend.sent_audio(direct)


async def test_ended_sessions_are_not_adopted_again(room: VoiceRoom) -> None:
    await room.kit.disconnect_voice(room.session)
    await room.backend.simulate_speech_end(room.session, b"\x00\x00")
    await room.voice.wait_idle()
    assert room.voice.sessions() == []
    assert room.stt.calls == []


async def test_a_channel_belongs_to_one_kit(room: VoiceRoom) -> None:
    room.kit.register_channel(room.voice)  # registering again in the same kit is harmless
    async with RoomKit() as other:
        with pytest.raises(ConfigurationError, match="another kit"):
            other.register_channel(room.voice)


def test_settings_are_validated_and_capabilities_declared() -> None:
    with pytest.raises(ConfigurationError):
        VoiceChannel("voice", backend=MockVoiceBackend(), barge_in_threshold_ms=-1)
    caps = VoiceChannel("voice", backend=MockVoiceBackend()).capabilities()
    assert caps.media_types == [ChannelMediaType.TEXT, ChannelMediaType.AUDIO]
    assert caps.supports_audio


async def test_messages_sent_on_the_channel_become_voice_events(room: VoiceRoom) -> None:
    result = await room.kit.process_inbound(
        InboundMessage(
            channel_id="voice",
            sender_id="caller",
            content=TextContent(body="typed"),
            metadata={"_voice_turn": "unknown"},
        )
    )
    assert result.event is not None
    assert result.event.source.provider == "mock"
    assert result.event.metadata == {}


async def test_close_releases_backend_and_providers(kit: RoomKit) -> None:
    room = await build_voice_room(kit, streaming=False)
    closed: list[str] = []

    async def closing(name: str) -> None:
        closed.append(name)

    room.stt.close = lambda: closing("stt")  # type: ignore[method-assign]
    room.tts.close = lambda: closing("tts")  # type: ignore[method-assign]
    await room.voice.close()
    assert room.backend.closed
    assert closed == ["stt", "tts"]


async def test_a_failing_background_task_is_logged(
    room: VoiceRoom, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(message: InboundMessage, room_id: str | None = None) -> Any:
        raise RuntimeError("pipeline down")

    room.kit.process_inbound = broken  # type: ignore[method-assign]
    with caplog.at_level(logging.ERROR, logger="roomkit.channels.voice"):
        await room.say()
    assert "background task failed" in caplog.text
    assert "pipeline down" in caplog.text


async def test_model_is_asked_once_per_turn(room: VoiceRoom) -> None:
    model: ScriptedModel = room.model
    await room.say()
    await room.say()
    assert len(model.generate_calls) == 2
    assert model.stream_calls == []


async def test_a_channel_outside_any_kit_ignores_speech() -> None:
    backend = MockVoiceBackend()
    stt = MockSTTProvider()
    voice = VoiceChannel("voice", backend=backend, stt=stt)
    session = VoiceSession(id="s", room_id="r", participant_id="p", channel_id="voice")
    await backend.simulate_speech_end(session, b"\x00\x00")
    await voice.wait_idle()
    assert voice.sessions() == [session]
    assert stt.calls == []


async def test_partial_transcription_and_vad_hooks_receive_voice_events(room: VoiceRoom) -> None:
    log = HookLog()
    triggers = (
        HookTrigger.ON_PARTIAL_TRANSCRIPTION,
        HookTrigger.ON_VAD_SILENCE,
        HookTrigger.ON_VAD_AUDIO_LEVEL,
    )
    log.install(room.kit, *triggers)

    await room.backend.simulate_partial_transcription(room.session, "wha", 0.4, False)
    await room.backend.simulate_vad_silence(room.session, 300)
    await room.backend.simulate_audio_level(room.session, -30.0, True)
    await room.voice.wait_idle()

    (partial,) = log.of(HookTrigger.ON_PARTIAL_TRANSCRIPTION)
    assert isinstance(partial, PartialTranscriptionEvent)
    assert (partial.text, partial.confidence, partial.is_stable) == ("wha", 0.4, False)
    (silence,) = log.of(HookTrigger.ON_VAD_SILENCE)
    assert isinstance(silence, VADSilenceEvent)
    assert silence.silence_duration_ms == 300
    (level,) = log.of(HookTrigger.ON_VAD_AUDIO_LEVEL)
    assert isinstance(level, VADAudioLevelEvent)
    assert (level.level_db, level.is_speech, level.room_id) == (-30.0, True, room.room_id)
