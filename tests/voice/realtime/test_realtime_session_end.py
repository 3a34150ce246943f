"""How a realtime voice session ends: by the application, the client, the provider, the kit."""

from __future__ import annotations

import asyncio
from typing import Any

from realtime_support import RealtimeRoom, build_realtime_room

from roomkit import RoomKit
from roomkit.voice.realtime import RealtimeSession, RealtimeSessionState


async def test_ending_a_session_closes_both_sides_after_pending_transcripts(
    room: RealtimeRoom, session: RealtimeSession
) -> None:
    await room.provider.simulate_transcription(session, "Goodbye")
    await room.channel.end_session(session)

    assert session.state is RealtimeSessionState.ENDED
    assert room.channel.sessions() == []
    assert await room.messages() == [("voice", "Goodbye")]
    assert len(room.provider.calls_of("disconnect")) == 1
    assert len(room.mock_transport.calls_of("disconnect")) == 1
    assert room.events_of("realtime_session_ended") == [
        {"session_id": session.id, "reason": "ended"}
    ]
    # Late callbacks of the ended session are ignored, and ending twice is harmless.
    await room.provider.simulate_audio(session, b"\x00\x00")
    await room.provider.simulate_transcription(session, "late")
    await room.channel.end_session(session)
    assert room.mock_transport.calls_of("send_audio") == []
    assert len(room.provider.calls_of("disconnect")) == 1


async def test_a_client_that_leaves_ends_the_session(
    room: RealtimeRoom, session: RealtimeSession
) -> None:
    await room.provider.simulate_transcription(session, "Bye")
    await room.mock_transport.simulate_client_disconnect(session)
    await room.channel.wait_idle()

    assert session.state is RealtimeSessionState.ENDED
    assert room.channel.sessions() == []
    assert len(room.provider.calls_of("disconnect")) == 1
    assert await room.messages() == [("voice", "Bye")]
    assert room.events_of("realtime_session_ended")[0]["reason"] == "client_disconnected"


async def test_a_provider_that_drops_the_session_ends_it_without_reconnects(
    kit: RoomKit,
) -> None:
    room = await build_realtime_room(kit, reconnect_attempts=0)
    session = await room.start()

    await room.provider.simulate_disconnect(session)
    await room.channel.wait_idle()

    assert room.channel.sessions() == []
    assert len(room.provider.calls_of("connect")) == 1
    assert room.events_of("realtime_reconnecting") == []
    assert len(room.mock_transport.calls_of("disconnect")) == 1
    assert room.events_of("realtime_error") == [
        {
            "session_id": session.id,
            "code": "connection_closed",
            "message": "the vendor closed the session",
        }
    ]
    assert room.events_of("realtime_session_ended") == [
        {"session_id": session.id, "reason": "provider_disconnected"}
    ]


async def test_client_audio_after_the_provider_gave_up_ends_the_session(
    kit: RoomKit,
) -> None:
    room = await build_realtime_room(kit, reconnect_attempts=0)
    session = await room.start()
    session.state = RealtimeSessionState.ENDED  # the provider marked it, without a word

    await room.mock_transport.simulate_client_audio(session, b"\x00\x00")
    await room.channel.wait_idle()

    assert room.channel.sessions() == []
    assert room.provider.calls_of("send_audio") == []


async def test_closing_the_kit_ends_sessions_and_stops_pending_work(kit: RoomKit) -> None:
    started = asyncio.Event()

    async def never_answers(session: RealtimeSession, name: str, arguments: dict[str, Any]) -> str:
        started.set()
        await asyncio.Event().wait()
        return "unreachable"

    room = await build_realtime_room(kit, tool_handler=never_answers)
    session = await room.start()
    await room.provider.simulate_tool_call(session, "slow_tool")
    await started.wait()

    await kit.close()

    assert session.state is RealtimeSessionState.ENDED
    assert room.provider.closed and room.mock_transport.closed
    assert room.provider.calls_of("submit_tool_result") == []
    assert room.events_of("realtime_session_ended")[0]["reason"] == "closed"


async def test_a_session_ended_twice_at_once_ends_once(
    room: RealtimeRoom, session: RealtimeSession
) -> None:
    await room.mock_transport.simulate_client_disconnect(session)  # its ending is queued
    await room.channel.end_session(session)  # and this one runs first
    await room.channel.wait_idle()

    assert len(room.provider.calls_of("disconnect")) == 1
    assert room.events_of("realtime_session_ended") == [
        {"session_id": session.id, "reason": "ended"}
    ]
