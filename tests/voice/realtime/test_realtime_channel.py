"""RealtimeVoiceChannel: audio both ways, transcripts into the room, session lifecycle."""

from __future__ import annotations

import pytest
from realtime_support import ROOM, RealtimeRoom, build_realtime_room

from roomkit import (
    ChannelDirection,
    ConfigurationError,
    EventType,
    HookResult,
    HookTrigger,
    RoomClosedError,
    RoomContext,
    RoomEvent,
    RoomKit,
    RoomNotFoundError,
    TextContent,
)
from roomkit.channels import RealtimeVoiceChannel
from roomkit.models import AITool, ChannelMediaType, ChannelType
from roomkit.voice.realtime import (
    MockRealtimeProvider,
    MockRealtimeTransport,
    RealtimeSession,
    RealtimeSessionState,
)

WEATHER = AITool(name="get_weather", description="Weather of a city")


async def test_a_session_connects_both_sides_and_attaches_the_channel(room: RealtimeRoom) -> None:
    session = await room.start(connection="socket-1")

    assert session.state is RealtimeSessionState.ACTIVE
    assert room.channel.sessions(ROOM) == [session]
    assert room.channel.sessions("other-room") == []
    assert room.mock_transport.connections[session.id] == "socket-1"
    binding = await room.kit.get_binding(ROOM, "voice")
    assert binding.participant_id == "caller"
    assert binding.channel_type is ChannelType.VOICE
    connect = room.provider.calls_of("connect")[0].args
    assert connect["input_sample_rate"] == 16000 and connect["output_sample_rate"] == 24000
    assert connect["server_vad"] is True
    assert room.mock_transport.sent_messages(session, "session_started") == [
        {
            "type": "session_started",
            "session_id": session.id,
            "input_sample_rate": 16000,
            "output_sample_rate": 24000,
        }
    ]
    assert room.events_of("realtime_session_started") == [
        {"session_id": session.id, "participant_id": "caller", "provider": "mock"}
    ]


async def test_audio_flows_from_the_client_to_the_model_and_back(
    room: RealtimeRoom, session: RealtimeSession
) -> None:
    await room.mock_transport.simulate_client_audio(session, b"\x01\x00" * 160)
    await room.mock_transport.simulate_client_audio(session, b"\x02\x00" * 160)
    await room.provider.simulate_audio(session, b"\x03\x00" * 240)

    assert room.provider.sent_audio(session) == b"\x01\x00" * 160 + b"\x02\x00" * 160
    assert room.mock_transport.sent_audio(session) == b"\x03\x00" * 240
    assert room.mock_transport.sent_messages(session, "speaking") == [
        {"type": "speaking", "speaking": True}
    ]


async def test_the_client_is_told_who_is_speaking(
    room: RealtimeRoom, session: RealtimeSession
) -> None:
    await room.provider.simulate_speech_start(session)
    await room.provider.simulate_speech_end(session)
    await room.provider.simulate_response_start(session)
    await room.provider.simulate_audio(session, b"\x00\x00")
    await room.provider.simulate_response_end(session)
    await room.provider.simulate_response_end(session)

    sent = [m for m in room.mock_transport.sent_messages(session) if "speaking" in m]
    assert sent == [
        {"type": "user_speaking", "speaking": True},
        {"type": "user_speaking", "speaking": False},
        {"type": "speaking", "speaking": True},
        {"type": "speaking", "speaking": False},
    ]


async def test_partial_transcripts_only_reach_the_client(
    room: RealtimeRoom, session: RealtimeSession
) -> None:
    await room.provider.simulate_transcription(session, "What is", is_final=False)
    await room.provider.simulate_transcription(
        session, " the wea", role="assistant", is_final=False
    )
    await room.channel.wait_idle()

    assert room.mock_transport.sent_messages(session, "transcript") == [
        {"type": "transcript", "role": "user", "text": "What is", "final": False},
        {"type": "transcript", "role": "assistant", "text": " the wea", "final": False},
    ]
    assert await room.messages() == []
    assert room.inbox.events == []


async def test_final_transcripts_enter_the_room_in_order_and_reach_other_channels(
    room: RealtimeRoom, session: RealtimeSession
) -> None:
    await room.provider.simulate_transcription(session, "  What is the weather?  ")
    await room.provider.simulate_transcription(session, "Sunny.", role="assistant")
    await room.provider.simulate_transcription(session, "Thanks!")
    await room.provider.simulate_transcription(session, "   ")
    await room.channel.wait_idle()

    assert await room.messages() == [
        ("voice", "What is the weather?"),
        ("voice", "Sunny."),
        ("voice", "Thanks!"),
    ]
    assert room.inbox.texts == ["What is the weather?", "Sunny.", "Thanks!"]
    user, model, _ = [event for _, event in room.inbox.events]
    assert user.source.direction is ChannelDirection.INBOUND
    assert user.source.participant_id == "caller"
    assert user.source.provider == "mock"
    assert user.metadata["realtime_session_id"] == session.id
    assert model.source.direction is ChannelDirection.OUTBOUND
    assert room.provider.injected_texts(session) == []  # nothing echoed back to the model
    assert [m["text"] for m in room.mock_transport.sent_messages(session, "transcript")] == [
        "What is the weather?",
        "Sunny.",
        "Thanks!",
    ]


async def test_a_participant_transcript_passes_the_room_hooks(
    room: RealtimeRoom, session: RealtimeSession
) -> None:
    @room.kit.hook(HookTrigger.BEFORE_BROADCAST)
    async def redact(event: RoomEvent, ctx: RoomContext) -> HookResult:
        if "1234" in room.channel.extract_text(event):
            return HookResult.block("card number")
        return HookResult.allow()

    await room.provider.simulate_transcription(session, "my card is 1234")
    await room.channel.wait_idle()

    assert room.inbox.events == []
    timeline = await room.kit.get_timeline(ROOM)
    assert [e.blocked_by for e in timeline if e.type is EventType.MESSAGE] == ["redact"]


async def test_transcripts_stay_out_of_the_room_when_told(kit: RoomKit) -> None:
    room = await build_realtime_room(kit, emit_transcription_events=False)
    session = await room.start()

    await room.provider.simulate_transcription(session, "Hello")
    await room.provider.simulate_transcription(session, "Hi there", role="assistant")
    await room.channel.wait_idle()

    assert await room.messages() == []
    assert len(room.mock_transport.sent_messages(session, "transcript")) == 2


async def test_binding_metadata_overrides_the_channel_settings(kit: RoomKit) -> None:
    room = await build_realtime_room(
        kit,
        system_prompt="Be brief.",
        voice="alloy",
        tools=[WEATHER],
        temperature=0.5,
        binding_metadata={
            "system_prompt": "You are a pirate.",
            "voice": "verse",
            "tools": [{"name": "lookup_order", "parameters": {"type": "object"}}],
            "provider_config": {"model": "mini"},
        },
    )
    await room.start()

    connect = room.provider.calls_of("connect")[0].args
    assert connect["system_prompt"] == "You are a pirate."
    assert connect["voice"] == "verse"
    assert [tool.name for tool in connect["tools"]] == ["lookup_order"]
    assert connect["temperature"] == 0.5
    assert connect["provider_config"] == {"model": "mini"}


async def test_the_channel_settings_apply_without_overrides(kit: RoomKit) -> None:
    room = await build_realtime_room(
        kit,
        system_prompt="Be brief.",
        voice="alloy",
        tools=[WEATHER],
        input_sample_rate=8000,
        output_sample_rate=16000,
        server_vad=False,
    )
    await room.start()

    connect = room.provider.calls_of("connect")[0].args
    assert (connect["system_prompt"], connect["voice"], connect["tools"]) == (
        "Be brief.",
        "alloy",
        [WEATHER],
    )
    assert (connect["input_sample_rate"], connect["output_sample_rate"]) == (8000, 16000)
    assert connect["server_vad"] is False and connect["provider_config"] == {}


@pytest.mark.parametrize(
    "metadata",
    [{"tools": "get_weather"}, {"provider_config": "mini"}],
)
async def test_malformed_binding_metadata_is_refused(
    kit: RoomKit, metadata: dict[str, object]
) -> None:
    room = await build_realtime_room(kit, binding_metadata=metadata)

    with pytest.raises(ConfigurationError):
        await room.start()
    assert room.provider.calls_of("connect") == []


async def test_a_provider_error_is_reported_and_the_session_goes_on(
    room: RealtimeRoom, session: RealtimeSession, caplog: pytest.LogCaptureFixture
) -> None:
    await room.provider.simulate_error(session, "rate_limited", "slow down")
    await room.mock_transport.simulate_client_audio(session, b"\x05\x00")

    assert room.events_of("realtime_error") == [
        {"session_id": session.id, "code": "rate_limited", "message": "slow down"}
    ]
    assert "rate_limited" in caplog.text
    assert room.channel.sessions() == [session]
    assert room.provider.sent_audio(session) == b"\x05\x00"


async def test_audio_the_provider_refuses_is_logged_once(
    room: RealtimeRoom, session: RealtimeSession, caplog: pytest.LogCaptureFixture
) -> None:
    room.provider.sessions.clear()  # the provider lost track of the session

    await room.mock_transport.simulate_client_audio(session, b"\x00\x00")
    await room.mock_transport.simulate_client_audio(session, b"\x00\x00")

    assert caplog.text.count("streaming audio of session") == 1


async def test_a_failing_provider_connect_releases_the_client(room: RealtimeRoom) -> None:
    room.provider.connect_error = ConnectionError("vendor unreachable")

    with pytest.raises(ConnectionError):
        await room.start()

    assert room.channel.sessions() == []
    assert len(room.mock_transport.calls_of("disconnect")) == 1
    assert room.events_of("realtime_session_started") == []
    assert room.events_of("realtime_session_ended") == []


async def test_audio_arriving_before_the_model_is_live_is_dropped(kit: RoomKit) -> None:
    class EagerTransport(MockRealtimeTransport):
        async def accept(self, session: RealtimeSession, connection: object) -> None:
            await super().accept(session, connection)
            await self.simulate_client_audio(session, b"\x09\x00")

    room = await build_realtime_room(kit, transport=EagerTransport())
    session = await room.start()

    assert room.provider.calls_of("send_audio") == []
    assert session.state is RealtimeSessionState.ACTIVE


async def test_a_session_needs_a_registered_channel_and_an_open_room(kit: RoomKit) -> None:
    lonely = RealtimeVoiceChannel(
        "lonely", provider=MockRealtimeProvider(), transport=MockRealtimeTransport()
    )
    with pytest.raises(ConfigurationError):
        await lonely.start_session(ROOM, "caller", "conn")

    room = await build_realtime_room(kit)
    with pytest.raises(RoomNotFoundError):
        await room.channel.start_session("missing", "caller", "conn")
    await kit.close_room(ROOM)
    with pytest.raises(RoomClosedError):
        await room.start()
    assert room.provider.calls == []


async def test_a_channel_belongs_to_one_kit(room: RealtimeRoom) -> None:
    room.kit.register_channel(room.channel)  # registering again in the same kit is fine

    with pytest.raises(ConfigurationError):
        async with RoomKit() as other:
            other.register_channel(room.channel)


def test_sample_rates_must_be_positive() -> None:
    with pytest.raises(ConfigurationError):
        RealtimeVoiceChannel(
            "voice",
            provider=MockRealtimeProvider(),
            transport=MockRealtimeTransport(),
            input_sample_rate=0,
        )


async def test_the_channel_declares_text_and_audio(room: RealtimeRoom) -> None:
    capabilities = room.channel.capabilities()

    assert capabilities.media_types == [ChannelMediaType.TEXT, ChannelMediaType.AUDIO]
    assert capabilities.supports_audio
    assert room.channel.info["channel_type"] == "voice"


async def test_text_sent_on_the_realtime_channel_itself_is_not_given_back(
    room: RealtimeRoom, session: RealtimeSession
) -> None:
    await room.kit.send_event(ROOM, "voice", TextContent(body="said by the model"))

    assert room.provider.injected_texts(session) == []
    assert room.inbox.texts == ["said by the model"]


async def test_a_failed_room_write_is_logged_and_later_ones_still_run(
    room: RealtimeRoom, session: RealtimeSession, caplog: pytest.LogCaptureFixture
) -> None:
    await room.kit.close_room(ROOM)
    await room.provider.simulate_transcription(session, "into a closed room")
    await room.provider.simulate_transcription(session, "and again", role="assistant")
    await room.channel.wait_idle()

    assert caplog.text.count(f"room write of realtime session {session.id} failed") == 2
    assert room.channel.sessions() == [session]


async def test_an_unreachable_client_does_not_stop_the_session(
    room: RealtimeRoom, session: RealtimeSession, caplog: pytest.LogCaptureFixture
) -> None:
    room.mock_transport.sessions.clear()  # sends to the client now raise NotFoundError

    await room.provider.simulate_audio(session, b"\x01\x00")
    await room.provider.simulate_transcription(session, "Still heard")
    await room.channel.wait_idle()

    assert "playing audio" in caplog.text
    assert await room.messages() == [("voice", "Still heard")]


async def test_callbacks_for_sessions_of_no_live_link_are_ignored(room: RealtimeRoom) -> None:
    stranger = RealtimeSession(room_id=ROOM, participant_id="x", channel_id="other-voice")

    await room.mock_transport.simulate_client_audio(stranger, b"\x00\x00")
    await room.mock_transport.simulate_client_disconnect(stranger)
    await room.provider.simulate_speech_start(stranger)
    await room.provider.simulate_speech_end(stranger)
    await room.provider.simulate_response_start(stranger)
    await room.provider.simulate_response_end(stranger)
    await room.provider.simulate_audio(stranger, b"\x00\x00")
    await room.provider.simulate_transcription(stranger, "not ours")
    await room.provider.simulate_tool_call(stranger, "get_weather")
    await room.provider.simulate_error(stranger, "bad", "not ours")
    await room.channel.wait_idle()

    assert room.provider.calls == []
    assert [c.method for c in room.mock_transport.calls] == []
    assert room.framework == []
    assert await room.messages() == []
