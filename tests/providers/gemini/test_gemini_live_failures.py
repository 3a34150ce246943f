"""GeminiLiveProvider: connection failures, key hygiene, resampling and wire details."""

from __future__ import annotations

import asyncio
import base64
import logging
import socket
import subprocess
import sys
from http import HTTPStatus
from typing import Any

import numpy as np
import pytest
from websockets.asyncio.server import ServerConnection, serve
from websockets.http11 import Request, Response

from roomkit.errors import ErrorCode, ProviderError
from roomkit.providers.gemini import GeminiLiveConfig
from roomkit.providers.gemini._live_wire import (
    RedactingLogger,
    audio_rate,
    close_error,
    handshake_error,
    setup_message,
)
from roomkit.providers.gemini.live import GeminiLiveProvider
from roomkit.voice.codecs import resample_pcm16
from roomkit.voice.realtime import RealtimeSession, RealtimeSessionState
from tests.providers.gemini.live_server import (
    KEY,
    PATH,
    TURN_COMPLETE,
    Calls,
    FakeGemini,
    live_provider,
    model_audio,
    new_session,
)
from tests.voice.vendor_ws_server import LoopbackWS


def tone(rate: int, samples: int, hz: float = 440.0) -> bytes:
    t = np.arange(samples) / rate
    return (np.sin(2 * np.pi * hz * t) * 12000).astype("<i2").tobytes()


async def connect_error(url: str, **options: Any) -> ProviderError:
    provider = GeminiLiveProvider(GeminiLiveConfig(api_key=KEY, base_url=url, **options))
    session = new_session()
    with pytest.raises(ProviderError) as caught:
        await provider.connect(session)
    assert session.state is RealtimeSessionState.ENDED
    assert KEY not in str(caught.value)
    return caught.value


def closing(code: int, reason: str) -> LoopbackWS:
    async def script(server: LoopbackWS, connection: ServerConnection) -> None:
        await server.receive(connection)
        await connection.close(code, reason)

    return LoopbackWS(script, auth_header="x-goog-api-key", auth_value=KEY)


async def test_a_refused_key_is_an_authentication_error(fake: FakeGemini) -> None:
    provider = GeminiLiveProvider(GeminiLiveConfig(api_key="AIza-wrong", base_url=fake.url))
    with pytest.raises(ProviderError) as caught:
        await provider.connect(new_session())
    assert (caught.value.code, caught.value.retryable) == (ErrorCode.AUTHENTICATION, False)
    assert caught.value.status_code == 401


async def test_a_google_error_body_is_classified() -> None:
    body = '{"error": {"code": 429, "message": "Quota exceeded.", "status": "RESOURCE_EXHAUSTED"}}'

    def refuse(connection: ServerConnection, request: Request) -> Response:
        return connection.respond(HTTPStatus.TOO_MANY_REQUESTS, body)

    async with serve(lambda c: c.close(), "127.0.0.1", 0, process_request=refuse) as server:
        port = server.sockets[0].getsockname()[1]
        error = await connect_error(f"ws://127.0.0.1:{port}{PATH}")
    assert (error.code, error.retryable) == (ErrorCode.RATE_LIMITED, True)
    assert "Quota exceeded." in str(error)


async def test_an_unreachable_server_is_a_retryable_network_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    error = await connect_error(f"ws://127.0.0.1:{port}{PATH}")
    assert (error.code, error.retryable) == (ErrorCode.NETWORK, True)


async def test_a_server_that_never_answers_the_handshake_times_out() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        error = await connect_error(f"ws://127.0.0.1:{port}{PATH}", connect_timeout=0.1)
    assert (error.code, error.retryable) == (ErrorCode.TIMEOUT, True)


async def test_a_setup_that_is_never_confirmed_times_out() -> None:
    async with FakeGemini(setup_reply=False) as fake:
        error = await connect_error(fake.url, connect_timeout=0.2)
    assert (error.code, error.retryable) == (ErrorCode.TIMEOUT, True)


async def test_a_malformed_setup_answer_is_an_invalid_payload() -> None:
    async with FakeGemini(setup_reply="<html>oops</html>") as fake:
        error = await connect_error(fake.url)
    assert error.code == ErrorCode.INVALID_PAYLOAD


async def test_messages_before_setup_complete_are_skipped() -> None:
    async def script(server: LoopbackWS, connection: ServerConnection) -> None:
        await server.receive(connection)
        await connection.send('{"usageMetadata": {}}')
        await connection.send('{"setupComplete": []}')
        await connection.wait_closed()

    async with LoopbackWS(script, auth_header="x-goog-api-key", auth_value=KEY) as server:
        provider = GeminiLiveProvider(
            GeminiLiveConfig(api_key=KEY, base_url=f"ws://127.0.0.1:{server.port}{PATH}")
        )
        session = new_session()
        await provider.connect(session)
        assert (session.state, session.provider_session_id) == (RealtimeSessionState.ACTIVE, None)
        await provider.close()


async def test_sending_on_a_connection_the_server_just_closed_raises(fake: FakeGemini) -> None:
    provider = live_provider(fake)
    session = new_session()
    failures: list[ProviderError] = []

    async def answer(live: RealtimeSession, call_id: str, name: str, args: Any) -> None:
        await fake.connection.close(1011, "Internal error encountered.")
        await fake.connection.wait_closed()
        try:
            await provider.submit_tool_result(live, call_id, "done")
        except ProviderError as exc:
            failures.append(exc)

    provider.on_tool_call(answer)
    calls = Calls(provider)
    await provider.connect(session)
    await fake.send({"toolCall": {"functionCalls": [{"id": "fc-1", "name": "f"}]}})
    await calls.wait("error")
    assert session.state is RealtimeSessionState.ENDED
    assert [(f.code, f.retryable) for f in failures] == [(ErrorCode.SERVER_ERROR, True)]


@pytest.mark.parametrize(
    ("code", "reason", "expected"),
    [
        (1008, "API key not valid. Please pass a valid API key.", ErrorCode.AUTHENTICATION),
        (1007, "Request contains an invalid argument.", ErrorCode.INVALID_REQUEST),
        (1011, "Quota exceeded for quota metric.", ErrorCode.RATE_LIMITED),
    ],
)
async def test_a_setup_refused_by_a_close_is_classified(
    code: int, reason: str, expected: ErrorCode
) -> None:
    async with closing(code, reason) as server:
        error = await connect_error(f"ws://127.0.0.1:{server.port}{PATH}")
    assert error.code == expected
    assert f"code {code}: {reason}" in str(error)


async def test_the_key_is_never_logged_nor_put_in_errors(
    fake: FakeGemini, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="roomkit")
    provider = live_provider(fake)
    calls = Calls(provider)
    session = new_session()
    await provider.connect(session)
    await provider.send_audio(session, b"\x01\x00" * 8)
    await fake.next()
    await fake.connection.close(1008, f"API key not valid: {KEY}")
    await calls.wait("error")
    assert calls.of("error") == [
        (
            "error",
            ErrorCode.AUTHENTICATION,
            "gemini_live closed the connection with code 1008: API key not valid: ***",
        )
    ]
    assert "x-goog-api-key: ***" in caplog.text  # the handshake was logged, masked
    assert KEY not in caplog.text
    assert KEY not in repr(provider) + repr(provider.config)


async def test_audio_at_other_rates_is_resampled_both_ways(fake: FakeGemini) -> None:
    provider = live_provider(fake)
    calls = Calls(provider)
    session = new_session()
    await provider.connect(session, input_sample_rate=8000, output_sample_rate=16000)
    speech = tone(8000, 800)
    for start in range(0, len(speech), 400):
        await provider.send_audio(session, speech[start : start + 400])
    sent = b""
    while len(sent) < 2 * 1590:
        audio = (await fake.next())["realtimeInput"]["audio"]
        assert audio["mimeType"] == "audio/pcm;rate=16000"
        sent += base64.b64decode(audio["data"])
    expected_in = np.frombuffer(resample_pcm16(speech, 8000, 16000), "<i2").astype(float)
    got_in = np.frombuffer(sent, "<i2").astype(float)
    assert np.abs(got_in - expected_in[: got_in.size]).max() < 200

    reply = tone(24000, 1440, hz=300.0)
    parts = [reply[:960], reply[960:1920], reply[1920:]]
    await fake.send(*[model_audio(part) for part in parts], TURN_COMPLETE)
    await calls.wait("response_end")
    assert calls.events[-1] == ("response_end",)
    played = b"".join(event[1] for event in calls.of("audio"))
    assert abs(len(played) // 2 - 960) <= 1
    expected_out = np.frombuffer(resample_pcm16(reply, 24000, 16000), "<i2").astype(float)
    got_out = np.frombuffer(played, "<i2").astype(float)[:900]
    assert np.abs(got_out - expected_out[:900]).max() < 600
    await provider.close()


def test_a_part_at_another_rate_rebuilds_the_output_resampler() -> None:
    from roomkit.providers.gemini._live_session import LiveSession

    state = LiveSession(
        session=new_session(), ws=None, input_rate=16000, output_rate=16000, manual_activity=False
    )
    assert state.to_gemini(b"\x01\x00") == b"\x01\x00"
    first = state.from_gemini(tone(24000, 480), 24000)
    assert 0 < len(first) <= 640
    same = tone(16000, 10)
    assert state.from_gemini(same, 16000).endswith(same)  # 24 kHz tail flushed first


@pytest.mark.parametrize(
    ("code", "reason", "expected", "retryable"),
    [
        (None, "", ErrorCode.NETWORK, True),
        (1000, "", ErrorCode.NETWORK, True),
        (1008, "Requested entity was not found.", ErrorCode.INVALID_REQUEST, False),
        (1011, "The service is currently unavailable, overloaded.", ErrorCode.OVERLOADED, True),
        (1013, "", ErrorCode.OVERLOADED, True),
        (4000, "", ErrorCode.PROVIDER_ERROR, False),
    ],
)
def test_close_codes_are_classified(
    code: int | None, reason: str, expected: ErrorCode, retryable: bool
) -> None:
    error = close_error(code, reason, KEY)
    assert (error.code, error.retryable, error.provider) == (expected, retryable, "gemini_live")


def test_a_handshake_body_that_is_not_google_json_is_kept_as_text() -> None:
    error = handshake_error(503, b"upstream connect error", KEY)
    assert (error.code, error.status_code) == (ErrorCode.OVERLOADED, 503)
    assert "upstream connect error" in str(error)
    assert "[1]" in str(handshake_error(400, b"[1]", KEY))
    assert "x" in str(handshake_error(400, b'{"error": "x"}', KEY))


def test_the_websocket_logger_masks_the_key_in_every_record(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="roomkit.test")
    quiet = RedactingLogger(logging.getLogger("roomkit.test"), KEY)
    quiet.debug("> %s: %s", "x-goog-api-key", KEY)
    quiet.info("< CLOSE 1008 %s", f"bad key {KEY}")
    quiet.debug("plain")
    assert caplog.messages == ["> x-goog-api-key: ***", "< CLOSE 1008 bad key ***", "plain"]


def test_wire_details() -> None:
    assert audio_rate("audio/pcm") == audio_rate(None) == 24000
    assert audio_rate("audio/pcm;rate=16000") == 16000
    setup = setup_message(
        "tunedModels/mine",
        system_prompt=None,
        voice=None,
        tools=(),
        temperature=None,
        server_vad=True,
    )
    assert setup["setup"]["model"] == "tunedModels/mine"
    assert "speechConfig" not in setup["setup"]["generationConfig"]


def test_the_config_wants_a_websocket_url() -> None:
    with pytest.raises(ValueError, match="ws://"):
        GeminiLiveConfig(api_key=KEY, base_url="https://example.com/live")


def test_without_websockets_the_error_names_the_extra() -> None:
    code = (
        "import sys; sys.modules['websockets'] = None\n"
        "from roomkit.providers.gemini import GeminiLiveConfig\n"
        "import roomkit.providers.gemini.live\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 1
    assert "install it with: pip install 'roomkit[gemini-live]'" in run.stderr


def test_the_provider_is_exported_lazily() -> None:
    import roomkit.providers.gemini as gemini

    assert gemini.GeminiLiveProvider is GeminiLiveProvider
    with pytest.raises(AttributeError):
        _ = gemini.NoSuchProvider
