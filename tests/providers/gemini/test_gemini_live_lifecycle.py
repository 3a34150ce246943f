"""GeminiLiveProvider: dropped and closed connections, disconnect, reconnect, close."""

from __future__ import annotations

import pytest

from roomkit.errors import ErrorCode, ProviderError
from roomkit.providers.gemini.live import GeminiLiveProvider
from roomkit.voice.realtime import RealtimeSession, RealtimeSessionState
from tests.providers.gemini.live_server import SPEECH, Calls, FakeGemini, model_audio


async def test_a_dropped_connection_ends_the_session_and_reports_it(
    fake: FakeGemini, provider: GeminiLiveProvider, calls: Calls, live: RealtimeSession
) -> None:
    await fake.send(model_audio(b"\x01\x00"))
    await calls.wait("audio")
    fake.connection.transport.abort()
    events = await calls.wait("error")
    assert events[-2:] == [
        ("response_end",),
        ("error", ErrorCode.NETWORK, "gemini_live closed the connection with code 1006"),
    ]
    assert live.state is RealtimeSessionState.ENDED
    await provider.send_audio(live, SPEECH)  # dropped quietly while disconnected
    await provider.interrupt(live)
    with pytest.raises(ProviderError) as caught:
        await provider.inject_text(live, "hello?")
    assert (caught.value.code, caught.value.retryable) == (ErrorCode.NETWORK, True)
    await provider.connect(live)  # the channel's reconnect
    assert live.state is RealtimeSessionState.ACTIVE
    assert len(fake.setups) == 2


async def test_a_server_error_close_is_classified(
    fake: FakeGemini, calls: Calls, live: RealtimeSession
) -> None:
    await fake.connection.close(1011, "Internal error encountered.")
    await calls.wait("error")
    assert calls.of("error") == [
        (
            "error",
            ErrorCode.SERVER_ERROR,
            "gemini_live closed the connection with code 1011: Internal error encountered.",
        )
    ]


async def test_disconnect_closes_the_socket_and_silences_the_session(
    fake: FakeGemini, provider: GeminiLiveProvider, calls: Calls, live: RealtimeSession
) -> None:
    await provider.disconnect(live)
    await fake.connection.wait_closed()
    assert fake.connection.close_code == 1000
    assert live.state is RealtimeSessionState.ENDED
    await provider.disconnect(live)  # twice is harmless
    assert calls.events == []
    with pytest.raises(ProviderError):
        await provider.submit_tool_result(live, "fc-1", "x")


async def test_a_callback_may_disconnect_its_own_session(
    fake: FakeGemini, provider: GeminiLiveProvider, calls: Calls, live: RealtimeSession
) -> None:
    async def hang_up(session: RealtimeSession, code: str, message: str) -> None:
        await provider.disconnect(session)

    provider.on_error(hang_up)
    await fake.send({"goAway": {"timeLeft": "1s"}}, model_audio(b"\x01\x00"))
    await fake.connection.wait_closed()
    assert live.state is RealtimeSessionState.ENDED
    assert calls.of("audio") == []  # nothing fired after the disconnect


async def test_connecting_a_connected_session_replaces_its_connection(
    fake: FakeGemini, provider: GeminiLiveProvider, live: RealtimeSession
) -> None:
    first = fake.connection
    await provider.connect(live)
    await first.wait_closed()
    assert len(fake.setups) == 2
    await provider.send_audio(live, SPEECH)
    assert "realtimeInput" in await fake.next()


async def test_close_disconnects_every_session(
    fake: FakeGemini, provider: GeminiLiveProvider, live: RealtimeSession
) -> None:
    other = RealtimeSession(room_id="room-2", participant_id="p", channel_id="rt-voice")
    await provider.connect(other)
    await provider.close()
    for connection in fake.connections:
        await connection.wait_closed()
    assert {live.state, other.state} == {RealtimeSessionState.ENDED}
