"""End to end with real audio, offline: eSpeak speech -> Silero VAD -> PocketSphinx ->
mock AI -> eSpeak -> the mock backend."""

from __future__ import annotations

from local_audio import PHRASE, is_speech_like, spoken_16k

from roomkit import AIChannel, MockAIProvider, RoomKit
from roomkit.channels.voice import VoiceChannel
from roomkit.voice import MockVoiceBackend, VoiceSession
from roomkit.voice.streaming import VoiceStreamingProvider
from roomkit.voice.stt.pocketsphinx import PocketSphinxSTTProvider
from roomkit.voice.tts.espeak import EspeakTTSProvider
from roomkit.voice.vad import LocalVAD, SpeechEnded, SpeechStarted

ANSWER = "It is sunny and warm. Enjoy your day!"


async def play_into(backend: MockVoiceBackend, session: VoiceSession, audio: bytes) -> None:
    """Stream the caller's audio through the VAD in 20 ms frames, as a transport would."""
    vad = LocalVAD()
    for start in range(0, len(audio), 640):
        for event in vad.feed(audio[start : start + 640]):
            if isinstance(event, SpeechStarted):
                await backend.simulate_speech_start(session)
            elif isinstance(event, SpeechEnded):
                await backend.simulate_speech_end(session, event.audio)


async def test_a_spoken_question_gets_a_spoken_answer(kit: RoomKit) -> None:
    backend = MockVoiceBackend()
    tts = EspeakTTSProvider()
    voice = VoiceChannel("voice", backend=backend, stt=PocketSphinxSTTProvider(), tts=tts)
    model = MockAIProvider([ANSWER])
    kit.register_channel(voice)
    kit.register_channel(AIChannel("ai", provider=VoiceStreamingProvider(model, voice)))
    room = await kit.create_room()
    await kit.attach_channel(room.id, "ai")
    session = await kit.connect_voice(room.id, "caller", "voice")

    await play_into(backend, session, await spoken_16k(PHRASE))
    await voice.wait_idle()

    events = [e for e in await kit.store.list_events(room.id) if e.type == "message"]
    assert [e.source.channel_id for e in events] == ["voice", "ai"]
    heard = events[0].content.body.split()  # type: ignore[union-attr]
    assert len(set(heard) & set(PHRASE.split())) >= 4
    assert events[1].content.body == ANSWER  # type: ignore[union-attr]
    assert model.calls[0].messages[-1].content == events[0].content.body  # type: ignore[union-attr]

    reply = backend.sent_audio(session)
    seconds = len(reply) / 2 / tts.sample_rate
    assert 1.0 < seconds < 5.0
    assert is_speech_like(reply)
    (playback,) = backend.calls_of("send_audio")
    assert playback.args["streamed"] and playback.args["chunks"] > 2
