"""MockVoiceBackend: sessions, recorded sends, playback control and simulated input."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from roomkit.errors import NotFoundError
from roomkit.models.enums import VoiceSessionState
from roomkit.voice import AudioChunk, MockVoiceBackend, VoiceCapability, VoiceSession


async def test_connect_creates_an_active_session(backend: MockVoiceBackend) -> None:
    metadata = {"input_sample_rate": 48000}
    session = await backend.connect("room-1", "alice", "voice-main", metadata=metadata)
    metadata["input_sample_rate"] = 1
    assert session.state is VoiceSessionState.ACTIVE
    assert (session.room_id, session.participant_id, session.channel_id) == (
        "room-1",
        "alice",
        "voice-main",
    )
    assert session.metadata == {"input_sample_rate": 48000}
    assert backend.sessions == {session.id: session}
    other = await backend.connect("room-1", "bob", "voice-main")
    assert other.id != session.id
    assert backend.calls_of("connect")[0].args == {
        "room_id": "room-1",
        "participant_id": "alice",
        "channel_id": "voice-main",
    }


async def test_disconnect_ends_and_forgets_the_session(
    backend: MockVoiceBackend, session: VoiceSession
) -> None:
    await backend.disconnect(session)
    assert session.state is VoiceSessionState.ENDED
    assert backend.sessions == {}
    assert [call.method for call in backend.calls] == ["connect", "disconnect"]


def test_name_and_capabilities() -> None:
    caps = VoiceCapability.INTERRUPTION | VoiceCapability.BARGE_IN
    backend = MockVoiceBackend(caps)
    assert backend.name == "mock"
    assert backend.capabilities == caps
    assert VoiceCapability.BARGE_IN in backend.capabilities
    assert MockVoiceBackend().capabilities is VoiceCapability.NONE


async def test_send_bytes_is_recorded_and_totalled(
    backend: MockVoiceBackend, session: VoiceSession
) -> None:
    await backend.send_audio(session, b"\x01\x02")
    await backend.send_audio(session, b"\x03")
    calls = backend.calls_of("send_audio")
    assert [call.args["audio"] for call in calls] == [b"\x01\x02", b"\x03"]
    assert calls[0].args == {
        "audio": b"\x01\x02",
        "streamed": False,
        "chunks": 1,
        "cancelled": False,
    }
    assert backend.sent_audio(session) == b"\x01\x02\x03"
    assert backend.is_playing(session) is False


async def test_send_stream_collects_every_chunk_and_closes_it(
    backend: MockVoiceBackend, session: VoiceSession, chunk_stream: Any
) -> None:
    stream = chunk_stream([AudioChunk(data=b"ab"), AudioChunk(data=b"cd", is_final=True)])
    await backend.send_audio(session, stream)
    (call,) = backend.calls_of("send_audio")
    assert call.args == {"audio": b"abcd", "streamed": True, "chunks": 2, "cancelled": False}
    assert call.session_id == session.id
    assert stream.closed


async def test_send_to_unknown_session_raises(backend: MockVoiceBackend) -> None:
    stranger = VoiceSession(id="nope", room_id="r", participant_id="p", channel_id="c")
    with pytest.raises(NotFoundError, match="nope"):
        await backend.send_audio(stranger, b"\x00")
    assert backend.calls == []


async def test_sent_audio_is_kept_per_session(backend: MockVoiceBackend) -> None:
    alice = await backend.connect("r", "alice", "c")
    bob = await backend.connect("r", "bob", "c")
    await backend.send_audio(alice, b"aa")
    await backend.send_audio(bob, b"b")
    assert (backend.sent_audio(alice), backend.sent_audio(bob)) == (b"aa", b"b")


async def test_gate_holds_playback_until_released(
    session: VoiceSession, chunk_stream: Any
) -> None:
    gate = asyncio.Event()
    backend = MockVoiceBackend(playback_gate=gate)
    backend.sessions[session.id] = session
    stream = chunk_stream([AudioChunk(data=b"ab"), AudioChunk(data=b"cd")])
    sending = asyncio.create_task(backend.send_audio(session, stream))
    await stream.started.wait()
    assert backend.is_playing(session)
    assert backend.sent_audio(session) == b""
    gate.set()
    await sending
    assert backend.is_playing(session) is False
    assert backend.sent_audio(session) == b"abcd"


async def test_cancel_stops_a_playing_stream(session: VoiceSession, chunk_stream: Any) -> None:
    gate = asyncio.Event()
    backend = MockVoiceBackend(VoiceCapability.INTERRUPTION, playback_gate=gate)
    backend.sessions[session.id] = session
    stream = chunk_stream([AudioChunk(data=b"ab"), AudioChunk(data=b"cd")])
    sending = asyncio.create_task(backend.send_audio(session, stream))
    await stream.started.wait()

    assert await backend.cancel_audio(session) is True
    assert backend.is_playing(session) is False
    await sending  # returns normally: the cancellation was asked for
    (call,) = backend.calls_of("send_audio")
    assert call.args["cancelled"] is True
    assert call.args["audio"] == b""
    assert stream.pulled == 1
    assert stream.closed
    assert backend.calls_of("cancel_audio")[0].args == {"was_playing": True}


async def test_cancel_interrupts_a_producer_that_is_still_working(
    backend: MockVoiceBackend, session: VoiceSession, chunk_stream: Any
) -> None:
    stream = chunk_stream([AudioChunk(data=b"ab")], hang=True)
    sending = asyncio.create_task(backend.send_audio(session, stream))
    await stream.started.wait()
    while backend.sent_audio(session) != b"ab":
        await asyncio.sleep(0)
    assert await backend.cancel_audio(session) is True
    await sending
    assert backend.calls_of("send_audio")[0].args["audio"] == b"ab"


async def test_cancel_when_idle_returns_false(
    backend: MockVoiceBackend, session: VoiceSession
) -> None:
    await backend.send_audio(session, b"\x00")
    assert await backend.cancel_audio(session) is False
    assert backend.calls_of("cancel_audio")[0].args == {"was_playing": False}


async def test_cancel_before_playback_starts(session: VoiceSession, chunk_stream: Any) -> None:
    backend = MockVoiceBackend()
    backend.sessions[session.id] = session
    stream = chunk_stream([AudioChunk(data=b"ab")])
    sending = asyncio.create_task(backend.send_audio(session, stream))
    while not backend.is_playing(session):
        await asyncio.sleep(0)
    assert await backend.cancel_audio(session) is True
    await sending
    assert stream.pulled == 0
    assert stream.closed
    assert backend.calls_of("send_audio")[0].args["cancelled"] is True


async def test_cancelling_the_sender_propagates(session: VoiceSession, chunk_stream: Any) -> None:
    backend = MockVoiceBackend(playback_gate=asyncio.Event())
    backend.sessions[session.id] = session
    stream = chunk_stream([AudioChunk(data=b"ab")])
    sending = asyncio.create_task(backend.send_audio(session, stream))
    await stream.started.wait()
    sending.cancel()
    with pytest.raises(asyncio.CancelledError):
        await sending
    assert backend.is_playing(session) is False
    assert backend.calls_of("send_audio")[0].args["cancelled"] is True
    assert stream.closed


async def test_disconnect_stops_playback(session: VoiceSession, chunk_stream: Any) -> None:
    backend = MockVoiceBackend(playback_gate=asyncio.Event())
    backend.sessions[session.id] = session
    stream = chunk_stream([AudioChunk(data=b"ab")])
    sending = asyncio.create_task(backend.send_audio(session, stream))
    await stream.started.wait()
    await backend.disconnect(session)
    await sending
    assert backend.is_playing(session) is False
    assert session.state is VoiceSessionState.ENDED


async def test_close_ends_every_session(session: VoiceSession, chunk_stream: Any) -> None:
    backend = MockVoiceBackend(playback_gate=asyncio.Event())
    backend.sessions[session.id] = session
    stream = chunk_stream([AudioChunk(data=b"ab")])
    sending = asyncio.create_task(backend.send_audio(session, stream))
    await stream.started.wait()
    await backend.close()
    await sending
    assert backend.closed
    assert backend.sessions == {}
    assert session.state is VoiceSessionState.ENDED


async def test_send_transcription_is_recorded(
    backend: MockVoiceBackend, session: VoiceSession
) -> None:
    await backend.send_transcription(session, "hello")
    await backend.send_transcription(session, "hi!", role="assistant")
    assert [call.args for call in backend.calls_of("send_transcription")] == [
        {"text": "hello", "role": "user"},
        {"text": "hi!", "role": "assistant"},
    ]


async def test_simulators_invoke_registered_callbacks(
    backend: MockVoiceBackend, session: VoiceSession
) -> None:
    seen: list[tuple[str, tuple[Any, ...]]] = []

    def recorder(kind: str) -> Any:
        async def record(*args: Any) -> None:
            seen.append((kind, args))

        return record

    backend.on_speech_start(recorder("start"))
    backend.on_speech_end(recorder("end"))
    backend.on_partial_transcription(recorder("partial"))
    backend.on_vad_silence(recorder("silence"))
    backend.on_vad_audio_level(recorder("level"))
    backend.on_barge_in(recorder("barge_in"))

    await backend.simulate_speech_start(session)
    await backend.simulate_speech_end(session, b"utterance")
    await backend.simulate_partial_transcription(session, "hel")
    await backend.simulate_partial_transcription(session, "hello", 0.9, is_stable=True)
    await backend.simulate_vad_silence(session, 800)
    await backend.simulate_audio_level(session, -20.5)
    await backend.simulate_audio_level(session, -60.0, is_speech=False)
    await backend.simulate_barge_in(session)

    assert seen == [
        ("start", (session,)),
        ("end", (session, b"utterance")),
        ("partial", (session, "hel", 1.0, False)),
        ("partial", (session, "hello", 0.9, True)),
        ("silence", (session, 800)),
        ("level", (session, -20.5, True)),
        ("level", (session, -60.0, False)),
        ("barge_in", (session,)),
    ]


async def test_simulate_without_callbacks_does_nothing(
    backend: MockVoiceBackend, session: VoiceSession
) -> None:
    await backend.simulate_speech_start(session)
    assert [call.method for call in backend.calls] == ["connect"]
