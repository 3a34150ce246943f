"""A voice conversation that runs entirely offline: real speech in, real speech out.

The caller's question is itself synthesised with eSpeak NG (standing in for a
microphone), cut into an utterance by the Silero voice activity detector, transcribed
by PocketSphinx, answered by a mock AI (streamed: each sentence is spoken as soon as
it is written) and spoken back with eSpeak NG into an in-memory voice backend.

Needs the ``voice-local`` extra: ``pip install 'roomkit[voice-local]'``.
Run it with ``uv run python examples/voice_local.py``.
"""

from __future__ import annotations

import asyncio

from roomkit import AIChannel, MockAIProvider, RoomKit
from roomkit.channels.voice import VoiceChannel
from roomkit.voice import MockVoiceBackend, VoiceSession
from roomkit.voice.codecs import level_dbfs, resample_pcm16
from roomkit.voice.streaming import VoiceStreamingProvider
from roomkit.voice.stt.pocketsphinx import PocketSphinxSTTProvider
from roomkit.voice.tts.espeak import EspeakTTSProvider
from roomkit.voice.vad import LocalVAD, SpeechEnded, SpeechStarted

QUESTION = "how is the weather tomorrow"
ANSWER = "Tomorrow will be sunny and warm. Enjoy your day!"


async def microphone(text: str) -> bytes:
    """What a caller's microphone would send: 16 kHz speech between short silences."""
    tts = EspeakTTSProvider(rate=130)  # a slow, clear caller
    speech = b"".join([chunk.data async for chunk in tts.synthesize_stream(text)])
    silence = b"\x00\x00" * 8000  # half a second
    return silence + resample_pcm16(speech, tts.sample_rate, 16000) + silence * 2


async def play(backend: MockVoiceBackend, session: VoiceSession, audio: bytes) -> None:
    """Feed the audio to the VAD in 20 ms frames and report what it hears to the backend."""
    vad = LocalVAD()
    for start in range(0, len(audio), 640):
        for event in vad.feed(audio[start : start + 640]):
            if isinstance(event, SpeechStarted):
                await backend.simulate_speech_start(session)
            elif isinstance(event, SpeechEnded):
                await backend.simulate_speech_end(session, event.audio)


async def main() -> None:
    """Hold one exchange and print what was heard and said."""
    backend = MockVoiceBackend()
    tts = EspeakTTSProvider()
    voice = VoiceChannel("voice", backend=backend, stt=PocketSphinxSTTProvider(), tts=tts)
    model = VoiceStreamingProvider(MockAIProvider([ANSWER]), voice)
    async with RoomKit() as kit:
        kit.register_channel(voice)
        kit.register_channel(AIChannel("assistant", provider=model))
        room = await kit.create_room()
        await kit.attach_channel(room.id, "assistant")
        session = await kit.connect_voice(room.id, "caller", "voice")

        await play(backend, session, await microphone(QUESTION))
        await voice.wait_idle()

        for call in backend.calls_of("send_transcription"):
            print(f"{call.args['role']:>9}: {call.args['text']}")
        reply = backend.sent_audio(session)
        seconds = len(reply) / 2 / tts.sample_rate
        print(f"    audio: {seconds:.1f} s of speech played ({level_dbfs(reply):.0f} dBFS)")


if __name__ == "__main__":
    asyncio.run(main())
