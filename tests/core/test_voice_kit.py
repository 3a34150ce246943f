"""Speech-to-text, text-to-speech and voice sessions through the kit, on the voice mocks."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from pipeline_support import FrameworkLog

from roomkit import (
    AudioContent,
    Channel,
    ChannelBinding,
    ChannelOutput,
    ChannelType,
    InboundMessage,
    MockSTTProvider,
    MockTTSCall,
    MockTTSProvider,
    MockVoiceBackend,
    RoomClosedError,
    RoomContext,
    RoomEvent,
    RoomKit,
    RoomNotFoundError,
    VoiceNotConfiguredError,
    VoiceSession,
    VoiceSessionState,
)

CLIP = AudioContent(url="https://example.test/clip.wav")


@dataclass
class Voice:
    """A kit configured with the three voice mocks."""

    kit: RoomKit
    stt: MockSTTProvider
    tts: MockTTSProvider
    backend: MockVoiceBackend
    log: FrameworkLog


def state_of(session: VoiceSession) -> VoiceSessionState:
    """The session's current state (read through a call so each check reads it afresh)."""
    return session.state


@pytest.fixture
async def voice() -> AsyncIterator[Voice]:
    """A kit with STT, TTS and a voice backend, and room ``room-1``."""
    stt = MockSTTProvider(["I would like to book a table"])
    tts = MockTTSProvider()
    backend = MockVoiceBackend()
    async with RoomKit(stt=stt, tts=tts, voice=backend) as kit:
        log = FrameworkLog()
        kit.on("*")(log.record)
        await kit.create_room("room-1")
        yield Voice(kit, stt, tts, backend, log)


async def test_transcribe_uses_the_stt_provider(voice: Voice) -> None:
    assert await voice.kit.transcribe(CLIP) == "I would like to book a table"
    assert voice.stt.calls == [CLIP]


async def test_synthesize_uses_the_tts_provider(voice: Voice) -> None:
    audio = await voice.kit.synthesize("Table for two?", voice="warm")
    assert audio.transcript == "Table for two?"
    assert audio.mime_type == "audio/wav"
    assert voice.tts.calls == [MockTTSCall("synthesize", "Table for two?", "warm")]


async def test_connect_and_disconnect_a_voice_session(voice: Voice) -> None:
    session = await voice.kit.connect_voice("room-1", "caller", "voice-1", {"line": "7"})

    assert state_of(session) is VoiceSessionState.ACTIVE
    assert (session.room_id, session.participant_id, session.channel_id) == (
        "room-1",
        "caller",
        "voice-1",
    )
    assert session.metadata == {"line": "7"}
    assert voice.backend.sessions == {session.id: session}
    binding = await voice.kit.get_binding("room-1", "voice-1")
    assert binding.channel_type is ChannelType.VOICE
    assert binding.participant_id == "caller"
    [started] = voice.log.of("voice_session_started")
    assert started.room_id == "room-1" and started.channel_id == "voice-1"
    assert started.data == {"session_id": session.id, "participant_id": "caller"}

    await voice.kit.disconnect_voice(session)

    assert state_of(session) is VoiceSessionState.ENDED
    assert voice.backend.sessions == {}
    [ended] = voice.log.of("voice_session_ended")
    assert ended.data == {"session_id": session.id}


async def test_a_second_session_reuses_the_binding(voice: Voice) -> None:
    await voice.kit.connect_voice("room-1", "caller", "voice-1")
    await voice.kit.connect_voice("room-1", "caller", "voice-1")
    assert len(voice.log.of("room_channel_attached")) == 1
    assert len(voice.backend.calls_of("connect")) == 2


async def test_voice_needs_an_open_room(voice: Voice) -> None:
    with pytest.raises(RoomNotFoundError):
        await voice.kit.connect_voice("no-room", "caller", "voice-1")
    await voice.kit.close_room("room-1")
    with pytest.raises(RoomClosedError):
        await voice.kit.connect_voice("room-1", "caller", "voice-1")
    assert voice.backend.calls == []


class PhoneLine(Channel):
    """A voice channel that brings its own backend."""

    channel_type = ChannelType.VOICE

    def __init__(self, channel_id: str, backend: MockVoiceBackend) -> None:
        super().__init__(channel_id)
        self.backend = backend

    async def handle_inbound(self, message: InboundMessage, context: RoomContext) -> RoomEvent:
        """Not used by these tests."""
        raise NotImplementedError

    async def deliver(
        self, event: RoomEvent, binding: ChannelBinding, context: RoomContext
    ) -> ChannelOutput:
        """Nothing to deliver."""
        return ChannelOutput.empty()


async def test_a_channel_backend_wins_over_the_kit_backend(voice: Voice) -> None:
    own = MockVoiceBackend()
    voice.kit.register_channel(PhoneLine("phone-1", own))
    session = await voice.kit.connect_voice("room-1", "caller", "phone-1")
    await voice.kit.disconnect_voice(session)
    assert [c.method for c in own.calls] == ["connect", "disconnect"]
    assert voice.backend.calls == []


async def test_a_channel_backend_works_without_a_kit_backend(kit: RoomKit) -> None:
    own = MockVoiceBackend()
    kit.register_channel(PhoneLine("phone-1", own))
    await kit.create_room("room-1")
    session = await kit.connect_voice("room-1", "caller", "phone-1")
    assert own.sessions == {session.id: session}


async def test_closing_the_kit_closes_the_voice_backend() -> None:
    backend = MockVoiceBackend()
    async with RoomKit(voice=backend):
        assert not backend.closed
    assert backend.closed


async def test_every_voice_call_needs_its_provider(kit: RoomKit) -> None:
    await kit.create_room("room-1")
    session = VoiceSession(id="s1", room_id="room-1", participant_id="p", channel_id="voice-1")
    with pytest.raises(VoiceNotConfiguredError, match="stt"):
        await kit.transcribe(CLIP)
    with pytest.raises(VoiceNotConfiguredError, match="tts"):
        await kit.synthesize("hello")
    with pytest.raises(VoiceNotConfiguredError, match="voice"):
        await kit.connect_voice("room-1", "p", "voice-1")
    with pytest.raises(VoiceNotConfiguredError, match="voice"):
        await kit.disconnect_voice(session)
