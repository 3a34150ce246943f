"""Voice pipeline latency: the framework's own overhead, and time to first audio.

(a) Overhead. With zero-latency mocks (STT, AI, TTS and backend all answer at once)
    every millisecond between the end of the caller's speech and the first TTS chunk
    handed to the backend is the framework's: STT call, ON_TRANSCRIPTION, the inbound
    pipeline (store, broadcast, the AI channel, the reply's store and broadcast),
    BEFORE_TTS, sentence splitting and the playback pipeline. Target: p50 <= 2 ms.

(b) Time to first audio. A mock AI streams a three-sentence reply at 30 tokens per
    second and a mock TTS takes 50 ms before its first chunk. With the AI provider
    wrapped in VoiceStreamingProvider the first sentence is spoken while the rest is
    written; without it the reply is spoken once complete. Target: < 400 ms streamed.

Run with ``uv run python benchmarks/voice.py`` (``--turns N`` for part a).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import platform
import statistics
import time
from collections.abc import AsyncIterator

from roomkit import AIChannel, MockAIProvider, RoomKit
from roomkit.channels.voice import VoiceChannel
from roomkit.models.ai import AIContext, AIResponse
from roomkit.providers.ai.base import AIProvider
from roomkit.voice import AudioChunk, MockSTTProvider, MockTTSProvider, MockVoiceBackend
from roomkit.voice.base import VoiceSession
from roomkit.voice.streaming import VoiceStreamingProvider

REPLY = (
    "The weather is sunny today. It will stay warm all afternoon. "
    "Take a hat if you go out for a walk."
)
TOKENS_PER_SECOND = 30
TTS_FIRST_CHUNK_S = 0.050


class TimingBackend(MockVoiceBackend):
    """A mock backend that notes when it receives the first chunk of audio."""

    first_chunk_at: float | None = None

    async def send_audio(
        self, session: VoiceSession, audio: bytes | AsyncIterator[AudioChunk]
    ) -> None:
        """Play audio, timing the first chunk pulled from the stream."""
        if isinstance(audio, bytes):
            self._mark()
            await super().send_audio(session, audio)
            return

        async def watched() -> AsyncIterator[AudioChunk]:
            async for chunk in audio:
                self._mark()
                yield chunk

        await super().send_audio(session, watched())

    def _mark(self) -> None:
        if self.first_chunk_at is None:
            self.first_chunk_at = time.perf_counter()


class PacedModel(AIProvider):
    """Streams ``REPLY`` word by word at ``TOKENS_PER_SECOND``."""

    @property
    def model_name(self) -> str:
        """A descriptive model name."""
        return "paced-mock"

    async def generate_stream(self, context: AIContext) -> AsyncIterator[str]:
        """Yield one word (with its space) per token period."""
        for word in REPLY.split(" "):
            await asyncio.sleep(1 / TOKENS_PER_SECOND)
            yield word + " "

    async def generate(self, context: AIContext) -> AIResponse:
        """The whole reply, after streaming it all."""
        text = "".join([delta async for delta in self.generate_stream(context)])
        return AIResponse(content=text.strip(), finish_reason="stop")


class SlowStartTTS(MockTTSProvider):
    """The mock TTS, with ``TTS_FIRST_CHUNK_S`` before the first chunk of each request."""

    async def synthesize_stream(
        self, text: str, *, voice: str | None = None
    ) -> AsyncIterator[AudioChunk]:
        """Wait, then stream the mock tone."""
        await asyncio.sleep(TTS_FIRST_CHUNK_S)
        async for chunk in super().synthesize_stream(text, voice=voice):
            yield chunk


async def _setup(
    model: AIProvider, tts: MockTTSProvider, *, streaming: bool
) -> tuple[RoomKit, VoiceChannel, TimingBackend, VoiceSession]:
    backend = TimingBackend()
    kit = RoomKit()
    voice = VoiceChannel("voice", backend=backend, stt=MockSTTProvider(["Weather?"]), tts=tts)
    kit.register_channel(voice)
    provider = VoiceStreamingProvider(model, voice) if streaming else model
    kit.register_channel(AIChannel("ai", provider=provider))
    room = await kit.create_room()
    await kit.attach_channel(room.id, "ai")
    session = await kit.connect_voice(room.id, "caller", "voice")
    return kit, voice, backend, session


async def _turn(voice: VoiceChannel, backend: TimingBackend, session: VoiceSession) -> float:
    """One utterance; seconds from speech end to the first chunk at the backend."""
    backend.first_chunk_at = None
    start = time.perf_counter()
    await backend.simulate_speech_end(session, b"\x00\x00" * 160)
    await voice.wait_idle()
    assert backend.first_chunk_at is not None, "the reply must be played"
    return backend.first_chunk_at - start


async def overhead(turns: int, *, streaming: bool) -> list[float]:
    """Part (a): framework overhead per turn with zero-latency mocks, in seconds."""
    model = MockAIProvider([REPLY], record_calls=False)
    kit, voice, backend, session = await _setup(model, MockTTSProvider(), streaming=streaming)
    for _ in range(50):  # warm up caches and code paths
        await _turn(voice, backend, session)
    samples = []
    gc.collect()
    for _ in range(turns):
        samples.append(await _turn(voice, backend, session))
        backend.calls.clear()
    await kit.close()
    return samples


async def first_audio(runs: int, *, streaming: bool) -> list[float]:
    """Part (b): time to first audio with a paced model and a slow-starting TTS."""
    samples = []
    for _ in range(runs):
        kit, voice, backend, session = await _setup(
            PacedModel(), SlowStartTTS(), streaming=streaming
        )
        samples.append(await _turn(voice, backend, session))
        await kit.close()
    return samples


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.3f} ms"


async def main() -> None:
    """Run both measurements and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--turns", type=int, default=2000, help="turns for part (a)")
    parser.add_argument("--runs", type=int, default=5, help="runs for part (b)")
    args = parser.parse_args()
    print(f"Python {platform.python_version()} on {platform.machine()}")

    print("(a) framework overhead, speech end -> first TTS chunk at the backend (mocks)")
    for streaming in (True, False):
        samples = sorted(await overhead(args.turns, streaming=streaming))
        p50 = statistics.median(samples)
        p90 = samples[int(len(samples) * 0.9)]
        label = "streamed reply" if streaming else "whole reply   "
        verdict = "ok" if p50 <= 0.002 else "ABOVE TARGET"
        print(f"    {label}: p50 {_ms(p50)}  p90 {_ms(p90)}  (target p50 <= 2 ms: {verdict})")

    print(
        f"(b) time to first audio, 3-sentence reply at {TOKENS_PER_SECOND} tokens/s, "
        f"TTS first chunk after {TTS_FIRST_CHUNK_S * 1000:.0f} ms"
    )
    streamed = statistics.median(await first_audio(args.runs, streaming=True))
    whole = statistics.median(await first_audio(args.runs, streaming=False))
    verdict = "ok" if streamed < 0.4 else "ABOVE TARGET"
    print(f"    streamed (VoiceStreamingProvider): {_ms(streamed)}  (target < 400 ms: {verdict})")
    print(f"    without streaming (whole reply):   {_ms(whole)}")


if __name__ == "__main__":
    asyncio.run(main())
