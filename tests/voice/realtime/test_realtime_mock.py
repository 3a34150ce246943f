"""The realtime mocks record what they are asked and fire what they simulate."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from roomkit.errors import NotFoundError
from roomkit.models import AITool
from roomkit.voice.realtime import (
    MockRealtimeProvider,
    MockRealtimeTransport,
    RealtimeSession,
    RealtimeSessionState,
)


def new_session(session_id: str = "s-1") -> RealtimeSession:
    return RealtimeSession(
        room_id="room-1", participant_id="caller", channel_id="voice", id=session_id
    )


async def test_the_provider_records_the_session_it_opens() -> None:
    provider = MockRealtimeProvider(name="fake")
    session = new_session()
    tool = AITool(name="get_weather")

    await provider.connect(session, system_prompt="Hi", tools=[tool], provider_config={"a": 1})

    assert provider.name == "fake" and provider.interrupts_on_speech is False
    assert session.state is RealtimeSessionState.ACTIVE
    assert session.provider_session_id is not None
    assert provider.calls_of("connect")[0].args == {
        "system_prompt": "Hi",
        "voice": None,
        "tools": [tool],
        "temperature": None,
        "input_sample_rate": 16000,
        "output_sample_rate": 24000,
        "server_vad": True,
        "provider_config": {"a": 1},
    }


async def test_the_provider_cuts_itself_only_in_sessions_with_server_vad() -> None:
    provider = MockRealtimeProvider(interrupts_on_speech=True)
    with_vad, without_vad = new_session("s-1"), new_session("s-2")
    await provider.connect(with_vad)
    await provider.connect(without_vad, server_vad=False)

    assert provider.interrupts_on_speech is True
    assert provider.interrupts_on_speech_for(with_vad) is True
    assert provider.interrupts_on_speech_for(without_vad) is False
    assert MockRealtimeProvider().interrupts_on_speech_for(with_vad) is False
    await provider.disconnect(without_vad)
    assert provider.interrupts_on_speech_for(without_vad) is True  # unknown: the default


async def test_the_provider_records_what_each_session_received() -> None:
    provider = MockRealtimeProvider()
    first, second = new_session("s-1"), new_session("s-2")
    await provider.connect(first)
    await provider.connect(second)

    await provider.send_audio(first, b"\x01\x00")
    await provider.send_audio(second, b"\x02\x00")
    await provider.send_audio(first, b"\x03\x00")
    await provider.inject_text(first, "hello")
    await provider.inject_text(first, "noted", role="assistant")
    await provider.submit_tool_result(second, "c-1", '{"ok": true}')
    await provider.interrupt(first)

    assert provider.sent_audio(first) == b"\x01\x00\x03\x00"
    assert provider.injected_texts(first) == [("hello", "user"), ("noted", "assistant")]
    assert provider.injected_texts(second) == []
    assert provider.tool_results(second) == {"c-1": '{"ok": true}'}
    assert [c.session_id for c in provider.calls_of("interrupt")] == ["s-1"]
    assert len(provider.calls_of("send_audio")) == 3


async def test_the_provider_refuses_sessions_it_does_not_serve() -> None:
    provider = MockRealtimeProvider()
    session = new_session()
    provider.connect_error = ConnectionError("down")

    with pytest.raises(ConnectionError):
        await provider.connect(session)
    for call in (
        provider.send_audio(session, b"\x00\x00"),
        provider.inject_text(session, "hi"),
        provider.submit_tool_result(session, "c", "r"),
        provider.interrupt(session),
    ):
        with pytest.raises(NotFoundError):
            await call

    await provider.disconnect(session)
    await provider.close()
    assert provider.closed and provider.sessions == {}


async def test_the_provider_simulations_fire_the_callbacks() -> None:
    provider = MockRealtimeProvider()
    session = new_session()
    seen: list[tuple[Any, ...]] = []

    async def record(*args: Any) -> None:
        seen.append(args[1:])

    provider.on_transcription(record)
    provider.on_speech_start(record)
    provider.on_speech_end(record)
    provider.on_audio(record)
    provider.on_tool_call(record)
    provider.on_response_start(record)
    provider.on_response_end(record)
    provider.on_error(record)

    await provider.simulate_transcription(session, "hi", role="assistant", is_final=False)
    await provider.simulate_speech_start(session)
    await provider.simulate_speech_end(session)
    await provider.simulate_audio(session, b"\x01\x00")
    call_id = await provider.simulate_tool_call(session, "lookup", {"id": 1})
    await provider.simulate_response_start(session)
    await provider.simulate_response_end(session)
    await provider.simulate_error(session, "bad", "bad request")

    assert seen == [
        ("hi", "assistant", False),
        (),
        (),
        (b"\x01\x00",),
        (call_id, "lookup", {"id": 1}),
        (),
        (),
        ("bad", "bad request"),
    ]
    assert call_id.startswith("call-")


async def test_a_simulated_disconnect_ends_the_session() -> None:
    provider = MockRealtimeProvider()
    session = new_session()
    await provider.connect(session)
    codes: list[str] = []

    async def on_error(s: RealtimeSession, code: str, message: str) -> None:
        codes.append(code)

    provider.on_error(on_error)
    await provider.simulate_disconnect(session)

    assert session.state is RealtimeSessionState.ENDED
    assert codes == ["connection_closed"]
    assert provider.sessions == {}


async def test_wait_for_call_returns_once_enough_calls_were_made() -> None:
    provider = MockRealtimeProvider()
    session = new_session()
    await provider.connect(session)

    async def later() -> None:
        await provider.send_audio(session, b"\x01\x00")
        await asyncio.sleep(0)
        await provider.send_audio(session, b"\x02\x00")

    task = asyncio.create_task(later())
    async with asyncio.timeout(5):
        call = await provider.wait_for_call("send_audio", count=2)
    await task

    assert call.args == {"audio": b"\x02\x00"}
    assert (await provider.wait_for_call("connect")).method == "connect"


async def test_the_transport_records_what_the_client_was_sent() -> None:
    transport = MockRealtimeTransport()
    session = new_session()

    await transport.accept(session, "socket")
    await transport.send_audio(session, b"\x01\x00")
    await transport.send_message(session, {"type": "transcript", "text": "hi"})
    await transport.send_message(session, {"type": "speaking", "speaking": True})
    await transport.clear_audio(session)

    assert transport.name == "mock"
    assert transport.connections == {"s-1": "socket"}
    assert transport.sent_audio(session) == b"\x01\x00"
    assert transport.sent_messages(session, "speaking") == [{"type": "speaking", "speaking": True}]
    assert len(transport.sent_messages(session)) == 2
    assert len(transport.calls_of("clear_audio", session)) == 1

    await transport.disconnect(session)
    with pytest.raises(NotFoundError):
        await transport.send_audio(session, b"\x00\x00")
    with pytest.raises(NotFoundError):
        await transport.send_message(session, {"type": "late"})
    await transport.close()
    assert transport.closed


async def test_the_transport_simulations_fire_the_callbacks() -> None:
    transport = MockRealtimeTransport()
    session = new_session()
    await transport.accept(session, "socket")
    heard: list[bytes] = []
    gone: list[str] = []

    async def on_audio(s: RealtimeSession, audio: bytes) -> None:
        heard.append(audio)

    async def on_gone(s: RealtimeSession) -> None:
        gone.append(s.id)

    transport.on_audio_received(on_audio)
    transport.on_client_disconnected(on_gone)
    await transport.simulate_client_audio(session, b"\x05\x00")
    await transport.simulate_client_disconnect(session)

    assert heard == [b"\x05\x00"] and gone == ["s-1"]
    assert transport.sessions == {}
