"""Utterance and SessionPlayer: sentence-by-sentence synthesis overlapping playback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from voice_support import until

from roomkit.voice import AudioChunk, MockTTSProvider, MockVoiceBackend, VoiceSession
from roomkit.voice.playback import Interruption, SessionPlayer, Utterance


@pytest.fixture
def tts() -> MockTTSProvider:
    return MockTTSProvider()


def make(
    session: VoiceSession, backend: MockVoiceBackend, tts: MockTTSProvider, *sentences: str
) -> Utterance:
    utterance = Utterance(session, tts=tts, backend=backend, voice="calm")
    for sentence in sentences:
        utterance.add(sentence)
    return utterance


async def test_sentences_are_spoken_in_order_as_one_stream(
    backend: MockVoiceBackend, session: VoiceSession, tts: MockTTSProvider
) -> None:
    utterance = make(session, backend, tts, "One.", "Two two.")
    utterance.close()
    await utterance.play()
    await utterance.wait()

    assert utterance.state == "finished"
    assert utterance.text == "One. Two two."
    assert backend.sent_audio(session) == tts.pcm_for("One.") + tts.pcm_for("Two two.")
    assert utterance.audio_position_ms == 120
    assert [(c.text, c.voice) for c in tts.calls] == [("One.", "calm"), ("Two two.", "calm")]
    assert len(backend.calls_of("send_audio")) == 1


async def test_the_next_sentence_is_synthesised_while_the_first_plays(
    tts: MockTTSProvider,
) -> None:
    gate = asyncio.Event()
    backend = MockVoiceBackend(playback_gate=gate)
    session = await backend.connect("room-1", "alice", "voice-main")
    utterance = make(session, backend, tts, "First one.", "Second one.")
    utterance.close()
    task = asyncio.create_task(utterance.play())

    await until(lambda: len(tts.calls) == 2)
    assert backend.sent_audio(session) == b""  # the first sentence is still being played

    gate.set()
    await task
    assert backend.sent_audio(session) == tts.pcm_for("First one.") + tts.pcm_for("Second one.")


async def test_sentences_can_arrive_while_playing(
    backend: MockVoiceBackend, session: VoiceSession, tts: MockTTSProvider
) -> None:
    utterance = make(session, backend, tts, "Early.")
    task = asyncio.create_task(utterance.play())
    await until(lambda: backend.sent_audio(session) == tts.pcm_for("Early."))
    utterance.add("Late.")
    utterance.close()
    utterance.add("Ignored after close.")
    utterance.add("   ")
    await task
    assert utterance.sentences == ["Early.", "Late."]
    assert backend.sent_audio(session) == tts.pcm_for("Early.") + tts.pcm_for("Late.")


async def test_an_interruption_records_what_was_heard(
    backend: MockVoiceBackend, session: VoiceSession, tts: MockTTSProvider
) -> None:
    utterance = make(session, backend, tts, "Heard.", "Cut here.")
    task = asyncio.create_task(utterance.play())
    await until(lambda: utterance.audio_position_ms == 150)  # both handed over; more to come

    cut = utterance.interrupt("explicit")
    await task

    assert cut == Interruption("explicit", 150, "Heard.", "Cut here.")
    assert utterance.state == "cancelled"
    assert utterance.interrupt("explicit") is None
    assert cut.as_metadata("s1") == {
        "session_id": "s1",
        "reason": "explicit",
        "audio_position_ms": 150,
        "spoken_text": "Heard.",
        "interrupted_text": "Cut here.",
    }


async def test_an_interrupted_utterance_never_plays(
    backend: MockVoiceBackend, session: VoiceSession, tts: MockTTSProvider
) -> None:
    utterance = make(session, backend, tts, "Never said.")
    assert utterance.interrupt("barge_in") == Interruption("barge_in", 0, "", "Never said.")
    await utterance.play()
    utterance.add("nothing")
    assert backend.calls_of("send_audio") == []
    assert utterance.sentences == ["Never said."]


async def test_a_backend_failure_fails_the_utterance(
    session: VoiceSession, tts: MockTTSProvider
) -> None:
    backend = MockVoiceBackend()  # the session is not connected: send_audio raises
    utterance = make(session, backend, tts, "Hello.")
    utterance.close()
    await utterance.play()
    assert utterance.state == "failed"
    assert utterance.error is not None


async def test_a_synthesis_failure_fails_the_utterance(
    backend: MockVoiceBackend, session: VoiceSession, tts: MockTTSProvider
) -> None:
    async def broken(text: str, *, voice: str | None = None) -> AsyncIterator[AudioChunk]:
        yield AudioChunk(data=b"\x01\x00" * 16)
        raise RuntimeError("engine crashed")

    tts.synthesize_stream = broken  # type: ignore[method-assign]
    utterance = make(session, backend, tts, "Hello.")
    utterance.close()
    await utterance.play()
    assert utterance.state == "failed"
    assert str(utterance.error) == "engine crashed"
    assert backend.sent_audio(session) == b"\x01\x00" * 16


async def test_a_player_speaks_one_utterance_at_a_time(
    backend: MockVoiceBackend, session: VoiceSession, tts: MockTTSProvider
) -> None:
    player = SessionPlayer(session)
    first = make(session, backend, tts, "First.")
    second = make(session, backend, tts, "Second.")
    skipped = make(session, backend, tts, "Skipped.")
    for utterance in (first, second, skipped):
        utterance.close()
    tasks = [asyncio.create_task(player.play(u)) for u in (first, second, skipped)]
    await until(lambda: player.current is first)
    assert player.pending() == [first, second, skipped]
    skipped.interrupt("explicit")

    await asyncio.gather(*tasks)

    assert backend.sent_audio(session) == tts.pcm_for("First.") + tts.pcm_for("Second.")
    assert player.last is second
    assert player.current is None
    assert player.pending() == []
