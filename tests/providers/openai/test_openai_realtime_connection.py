"""OpenAIRealtimeProvider's connection life: failures to connect, errors, drops, teardown."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
from collections.abc import AsyncIterator

import openai
import pytest

from roomkit.errors import ErrorCode, ProviderError
from roomkit.providers.openai import OpenAIRealtimeConfig, OpenAIRealtimeProvider
from roomkit.voice.realtime import RealtimeSession, RealtimeSessionState
from tests.providers.openai.realtime_support import KEY, SESSION_CREATED, Calls, FakeRealtime

OPENAI_401 = json.dumps(
    {
        "error": {
            "message": "Incorrect API key provided: sk-wrong***.",
            "type": "invalid_request_error",
            "code": "invalid_api_key",
        }
    }
)


@pytest.fixture
async def refusing(request: pytest.FixtureRequest) -> AsyncIterator[FakeRealtime]:
    """A server refusing the handshake with the ``(status, body)`` the test is given."""
    status, body = request.param
    server = FakeRealtime(refusal_status=status, refusal_body=body)
    async with server.ws:
        yield server


async def connect_error(config: OpenAIRealtimeConfig, session: RealtimeSession) -> ProviderError:
    """The ProviderError raised by connecting a fresh provider with ``config``."""
    provider = OpenAIRealtimeProvider(config)
    assert config.api_key.get_secret_value() not in repr(provider)
    try:
        with pytest.raises(ProviderError) as caught:
            await provider.connect(session)
    finally:
        await provider.close()
    assert session.state is RealtimeSessionState.CONNECTING
    return caught.value


@pytest.mark.parametrize(
    ("refusing", "code", "retryable"),
    [
        ((401, OPENAI_401), ErrorCode.AUTHENTICATION, False),
        ((403, "Forbidden\n"), ErrorCode.PERMISSION_DENIED, False),
        ((429, "Too many sessions\n"), ErrorCode.RATE_LIMITED, True),
        ((503, "Try later\n"), ErrorCode.OVERLOADED, True),
    ],
    indirect=["refusing"],
)
async def test_a_refused_handshake_is_a_classified_provider_error(
    refusing: FakeRealtime,
    session: RealtimeSession,
    caplog: pytest.LogCaptureFixture,
    code: ErrorCode,
    retryable: bool,
) -> None:
    secret = "sk-wrong-key-never-shown"
    config = OpenAIRealtimeConfig(api_key=secret, base_url=refusing.url)

    error = await connect_error(config, session)

    assert (error.code, error.retryable, error.provider) == (code, retryable, "openai")
    assert error.status_code is not None
    assert refusing.ws.handshakes[0].headers["Authorization"] == f"Bearer {secret}"
    assert secret not in str(error) and secret not in caplog.text
    assert secret not in repr(config)


@pytest.mark.parametrize("refusing", [(401, OPENAI_401)], indirect=True)
async def test_the_vendor_explanation_is_kept(
    refusing: FakeRealtime, session: RealtimeSession
) -> None:
    error = await connect_error(refusing.config(api_key="sk-wrong"), session)

    assert "Incorrect API key provided" in str(error)


async def test_an_unreachable_server_is_a_retryable_network_error(
    session: RealtimeSession,
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = OpenAIRealtimeConfig(api_key=KEY, base_url=f"ws://127.0.0.1:{port}/v1/realtime")

    error = await connect_error(config, session)

    assert (error.code, error.retryable) == (ErrorCode.NETWORK, True)


async def test_no_session_created_in_time_is_a_timeout(
    fake: FakeRealtime, session: RealtimeSession
) -> None:
    fake.greeting = []

    error = await connect_error(fake.config(connect_timeout=0.2), session)

    assert (error.code, error.retryable) == (ErrorCode.TIMEOUT, True)
    await asyncio.wait_for(fake.closed.wait(), 5)
    assert fake.closes == [1000]


async def test_cancelling_a_connect_closes_the_socket(
    provider: OpenAIRealtimeProvider, fake: FakeRealtime, session: RealtimeSession
) -> None:
    fake.greeting = []
    connecting = asyncio.create_task(provider.connect(session))
    await asyncio.wait_for(fake.connected.wait(), 5)

    connecting.cancel()

    with pytest.raises(asyncio.CancelledError):
        await connecting
    await asyncio.wait_for(fake.closed.wait(), 5)  # cut mid-handshake or closed cleanly
    assert len(fake.closes) == 1
    assert session.state is RealtimeSessionState.CONNECTING


async def test_a_hang_up_while_connecting_is_a_network_error(
    fake: FakeRealtime, session: RealtimeSession
) -> None:
    fake.greeting, fake.hang_up = [], 1011

    error = await connect_error(fake.config(), session)

    assert (error.code, error.retryable) == (ErrorCode.NETWORK, True)


async def test_an_error_instead_of_session_created_fails_the_connect(
    fake: FakeRealtime, session: RealtimeSession
) -> None:
    fake.greeting = [
        "not json",
        {
            "type": "error",
            "error": {
                "type": "invalid_request_error",
                "code": "model_not_found",
                "message": "No such model",
            },
        },
    ]

    error = await connect_error(fake.config(model="gpt-nope"), session)

    assert "No such model" in str(error)
    await asyncio.wait_for(fake.closed.wait(), 5)


async def test_frames_before_session_created_are_skipped(
    provider: OpenAIRealtimeProvider, fake: FakeRealtime, session: RealtimeSession
) -> None:
    fake.greeting = ["[1]", {"type": "session.updated", "session": {}}, SESSION_CREATED]

    await provider.connect(session)

    assert session.state is RealtimeSessionState.ACTIVE
    assert (await fake.next_event())["type"] == "session.update"


async def test_error_events_reach_the_error_callback(
    fake: FakeRealtime, calls: Calls, live: RealtimeSession
) -> None:
    await fake.send(
        {
            "type": "error",
            "error": {
                "type": "invalid_request_error",
                "code": "response_cancel_not_active",
                "message": "no",
            },
        },
        {
            "type": "error",
            "error": {
                "type": "invalid_request_error",
                "code": "bad_param",
                "message": "Unknown parameter",
            },
        },
        {"type": "error", "error": {"type": "server_error", "message": "Try again"}},
        {
            "type": "conversation.item.input_audio_transcription.failed",
            "error": {"code": "audio_unintelligible", "message": "Could not transcribe"},
        },
        {
            "type": "response.done",
            "response": {
                "status": "failed",
                "status_details": {"error": {"type": "server_error", "message": "Boom"}},
            },
        },
    )

    assert await calls.wait_for("error", 4) == [
        ("bad_param", "Unknown parameter"),
        ("server_error", "Try again"),
        ("audio_unintelligible", "Could not transcribe"),
        ("server_error", "Boom"),
    ]
    assert live.state is RealtimeSessionState.ACTIVE


async def test_malformed_messages_are_reported_and_the_session_goes_on(
    fake: FakeRealtime, calls: Calls, live: RealtimeSession
) -> None:
    await fake.send(
        "not json at all",
        {"no": "type"},
        {"type": "response.output_audio.delta", "item_id": "i1", "delta": "!!not base64!!"},
        {"type": "error", "error": "boom"},
        {"type": "conversation.item.input_audio_transcription.completed"},
        {"type": "input_audio_buffer.speech_started"},
    )

    await calls.wait_for("speech_start")
    errors = calls.of("error")
    assert [code for code, _ in errors] == [ErrorCode.INVALID_PAYLOAD] * 5
    assert "response.output_audio.delta" in errors[2][1]
    assert live.state is RealtimeSessionState.ACTIVE


@pytest.mark.parametrize("abrupt", [False, True])
async def test_a_dropped_connection_ends_the_session_and_allows_reconnecting(
    provider: OpenAIRealtimeProvider,
    fake: FakeRealtime,
    calls: Calls,
    live: RealtimeSession,
    abrupt: bool,
) -> None:
    if abrupt:
        fake.abort()
    else:
        await fake.drop(1011, "server restart")

    ((code, message),) = await calls.wait_for("error")
    assert code == ErrorCode.NETWORK
    assert ("code 1006" if abrupt else "code 1011: server restart") in message
    assert live.state is RealtimeSessionState.ENDED
    await provider.send_audio(live, b"\x00\x00")  # dropped quietly
    await provider.interrupt(live)
    with pytest.raises(ProviderError) as caught:
        await provider.inject_text(live, "hello")
    assert (caught.value.code, caught.value.retryable) == (ErrorCode.NETWORK, True)

    await provider.connect(live)
    assert live.state is RealtimeSessionState.ACTIVE
    assert len(fake.ws.handshakes) == 2


async def test_a_send_on_a_closing_connection_is_reported(
    provider: OpenAIRealtimeProvider, fake: FakeRealtime, calls: Calls, live: RealtimeSession
) -> None:
    dropped = asyncio.Event()

    async def hold(session: RealtimeSession) -> None:
        await dropped.wait()

    provider.on_response_end(hold)
    await fake.send({"type": "response.created"})
    await calls.wait_for("response_start")
    await provider.inject_text(live, "more")  # its response.create waits for the end
    await fake.send({"type": "response.done", "response": {"status": "completed"}})
    await calls.wait_for("response_end")
    await fake.drop(1011)
    dropped.set()

    errors = await calls.wait_for("error", 2)
    assert [code for code, _ in errors] == [ErrorCode.NETWORK, ErrorCode.NETWORK]
    assert "is closed" in errors[0][1] and "connection lost" in errors[1][1]


async def test_disconnect_closes_the_socket_and_silences_callbacks(
    provider: OpenAIRealtimeProvider, fake: FakeRealtime, calls: Calls, live: RealtimeSession
) -> None:
    await provider.disconnect(live)

    await asyncio.wait_for(fake.closed.wait(), 5)
    assert fake.closes == [1000]
    assert live.state is RealtimeSessionState.ENDED
    await provider.disconnect(live)
    with pytest.raises(ProviderError):
        await provider.submit_tool_result(live, "call_1", "late")
    assert calls.log == []


async def test_a_callback_may_disconnect_its_own_session(
    provider: OpenAIRealtimeProvider, fake: FakeRealtime, live: RealtimeSession
) -> None:
    done = asyncio.Event()

    async def hang_up(session: RealtimeSession, code: str, message: str) -> None:
        await provider.disconnect(session)
        done.set()

    provider.on_error(hang_up)
    await fake.send({"type": "error", "error": {"code": "session_expired", "message": "Expired"}})

    await asyncio.wait_for(done.wait(), 5)
    await asyncio.wait_for(fake.closed.wait(), 5)
    assert live.state is RealtimeSessionState.ENDED


async def test_close_ends_every_session_but_leaves_an_injected_client_open(
    fake: FakeRealtime,
) -> None:
    client = openai.AsyncOpenAI(api_key=KEY, websocket_base_url=fake.url.removesuffix("/realtime"))
    provider = OpenAIRealtimeProvider(OpenAIRealtimeConfig(api_key="unused"), client=client)
    sessions = [RealtimeSession(room_id="r", participant_id=p, channel_id="v") for p in ("a", "b")]
    for session in sessions:
        await provider.connect(session)

    await provider.close()

    assert [session.state for session in sessions] == [RealtimeSessionState.ENDED] * 2
    assert fake.ws.handshakes[0].headers["Authorization"] == f"Bearer {KEY}"
    assert not client.is_closed()
    await client.close()


def test_a_missing_sdk_names_the_extras_to_install() -> None:
    code = (
        "import sys\n"
        "sys.modules['openai'] = None\n"
        "import roomkit.providers.openai as package\n"
        "print(package.OpenAIRealtimeConfig(api_key='k').model)\n"
        "package.OpenAIRealtimeProvider\n"
    )

    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)

    assert run.returncode == 1
    assert run.stdout == "gpt-realtime\n"
    assert "install it with: pip install 'roomkit[openai-realtime]'" in run.stderr
