"""RealtimeVoiceChannel: the participant talking over the model cuts it (barge-in)."""

from __future__ import annotations

from typing import Any

import pytest
from realtime_support import RealtimeRoom, build_realtime_room

from roomkit import RoomKit
from roomkit.voice.realtime import (
    MockRealtimeProvider,
    RealtimeSession,
    RealtimeSessionState,
    RealtimeVoiceProvider,
)


async def test_speaking_over_the_model_interrupts_it(
    room: RealtimeRoom, session: RealtimeSession
) -> None:
    await room.provider.simulate_response_start(session)
    await room.provider.simulate_audio(session, b"\x01\x00" * 100)

    await room.provider.simulate_speech_start(session)

    assert len(room.mock_transport.calls_of("clear_audio")) == 1
    assert len(room.provider.calls_of("interrupt")) == 1
    assert room.mock_transport.sent_messages(session, "interrupted") == [{"type": "interrupted"}]
    assert room.events_of("realtime_interrupted") == [
        {"session_id": session.id, "explicit": False}
    ]
    # The model is no longer speaking: speaking again interrupts nothing.
    await room.provider.simulate_speech_start(session)
    assert len(room.provider.calls_of("interrupt")) == 1


async def test_speech_while_the_model_is_silent_interrupts_nothing(
    room: RealtimeRoom, session: RealtimeSession
) -> None:
    await room.provider.simulate_response_start(session)
    await room.provider.simulate_response_end(session)

    await room.provider.simulate_speech_start(session)

    assert room.mock_transport.calls_of("clear_audio") == []
    assert room.provider.calls_of("interrupt") == []
    assert room.events_of("realtime_interrupted") == []


async def test_a_vendor_that_interrupts_itself_is_not_asked_to(kit: RoomKit) -> None:
    room = await build_realtime_room(kit, provider=MockRealtimeProvider(interrupts_on_speech=True))
    session = await room.start()
    await room.provider.simulate_audio(session, b"\x01\x00")

    await room.provider.simulate_speech_start(session)

    assert room.provider.calls_of("interrupt") == []
    assert len(room.mock_transport.calls_of("clear_audio")) == 1
    assert room.mock_transport.sent_messages(session, "interrupted") == [{"type": "interrupted"}]


async def test_the_application_can_interrupt_the_model(kit: RoomKit) -> None:
    room = await build_realtime_room(kit, provider=MockRealtimeProvider(interrupts_on_speech=True))
    session = await room.start()

    assert await room.channel.interrupt(session) is False  # nothing to cut yet
    await room.provider.simulate_response_start(session)
    assert await room.channel.interrupt(session) is True

    assert len(room.provider.calls_of("interrupt")) == 1  # asked even if the vendor cuts itself
    assert room.events_of("realtime_interrupted") == [{"session_id": session.id, "explicit": True}]


async def test_a_failing_interrupt_still_tells_the_client(
    room: RealtimeRoom, session: RealtimeSession, caplog: pytest.LogCaptureFixture
) -> None:
    await room.provider.simulate_response_start(session)
    room.provider.sessions.clear()  # interrupt now raises NotFoundError

    await room.provider.simulate_speech_start(session)

    assert "interrupting the model" in caplog.text
    assert room.mock_transport.sent_messages(session, "interrupted") == [{"type": "interrupted"}]


async def test_a_vendor_that_interrupts_itself_is_asked_without_server_vad(kit: RoomKit) -> None:
    provider = MockRealtimeProvider(interrupts_on_speech=True)
    room = await build_realtime_room(kit, provider=provider, server_vad=False)
    session = await room.start()
    await room.provider.simulate_response_start(session)

    await room.provider.simulate_speech_start(session)

    assert provider.interrupts_on_speech is True
    assert provider.interrupts_on_speech_for(session) is False
    assert len(room.provider.calls_of("interrupt")) == 1


async def test_the_channel_asks_the_provider_about_each_session(kit: RoomKit) -> None:
    class PerSession(MockRealtimeProvider):
        """Cuts its own responses only for the participant ``vip``."""

        def interrupts_on_speech_for(self, session: RealtimeSession) -> bool:
            return session.participant_id == "vip"

    room = await build_realtime_room(kit, provider=PerSession())
    vip, other = await room.start("vip"), await room.start("other")
    for session in (vip, other):
        await room.provider.simulate_response_start(session)
        await room.provider.simulate_speech_start(session)

    assert room.provider.calls_of("interrupt", vip) == []
    assert len(room.provider.calls_of("interrupt", other)) == 1
    assert len(room.mock_transport.calls_of("clear_audio")) == 2


class SilentProvider(RealtimeVoiceProvider):
    """A provider written against the contract before per-session answers existed."""

    @property
    def name(self) -> str:
        return "silent"

    async def connect(self, session: RealtimeSession, **options: Any) -> None:
        session.state = RealtimeSessionState.ACTIVE

    async def send_audio(self, session: RealtimeSession, audio: bytes) -> None:
        return None

    async def inject_text(
        self, session: RealtimeSession, text: str, *, role: Any = "user"
    ) -> None:
        return None

    async def submit_tool_result(
        self, session: RealtimeSession, call_id: str, result: str
    ) -> None:
        return None

    async def interrupt(self, session: RealtimeSession) -> None:
        return None

    async def disconnect(self, session: RealtimeSession) -> None:
        return None


class SelfCuttingProvider(SilentProvider):
    """Overrides only the provider-wide property, as providers did before."""

    @property
    def interrupts_on_speech(self) -> bool:
        return True


def test_the_per_session_answer_defaults_to_the_provider_wide_property() -> None:
    session = RealtimeSession(room_id="room-1", participant_id="p", channel_id="voice")

    assert SilentProvider().interrupts_on_speech is False
    assert SilentProvider().interrupts_on_speech_for(session) is False
    assert SelfCuttingProvider().interrupts_on_speech_for(session) is True
