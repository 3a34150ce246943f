"""The WebSocket plumbing shared by the streaming speech vendors."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest

from roomkit.errors import ErrorCode, ProviderError
from roomkit.voice._vendor_ws import open_ws, ws_url


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        ("https://api.deepgram.com", "wss://api.deepgram.com/v1/listen?a=1&b=x+y"),
        ("http://127.0.0.1:8080/", "ws://127.0.0.1:8080/v1/listen?a=1&b=x+y"),
        ("wss://eu.example.com", "wss://eu.example.com/v1/listen?a=1&b=x+y"),
        ("ws://localhost", "ws://localhost/v1/listen?a=1&b=x+y"),
    ],
)
def test_ws_url_maps_http_schemes_to_websocket_ones(base_url: str, expected: str) -> None:
    assert ws_url(base_url, "/v1/listen", {"a": "1", "b": "x y"}) == expected


def test_ws_url_without_parameters_has_no_query() -> None:
    assert ws_url("https://api.example.com", "v1/x", {}) == "wss://api.example.com/v1/x"


@pytest.mark.parametrize("base_url", ["api.deepgram.com", "ftp://api.deepgram.com"])
def test_ws_url_refuses_other_schemes(base_url: str) -> None:
    with pytest.raises(ValueError, match="base_url"):
        ws_url(base_url, "/v1/listen", {})


async def test_a_server_that_never_answers_the_handshake_times_out() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # never answers; returns when the client gives up
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        with pytest.raises(ProviderError) as caught:
            await open_ws("vendor", f"ws://127.0.0.1:{port}/", {"X-Key": "k"}, timeout=0.05)
    assert (caught.value.code, caught.value.retryable) == (ErrorCode.TIMEOUT, True)


@pytest.mark.parametrize(
    ("module", "dependency"),
    [
        ("roomkit.voice.stt.deepgram", "websockets"),
        ("roomkit.voice.stt.deepgram", "httpx"),
        ("roomkit.voice.tts.elevenlabs", "websockets"),
        ("roomkit.voice.tts.elevenlabs", "httpx"),
        ("roomkit.voice._vendor_ws", "websockets"),
    ],
)
def test_a_missing_dependency_names_the_extra_to_install(module: str, dependency: str) -> None:
    code = f"import sys; sys.modules[{dependency!r}] = None\nimport roomkit\nimport {module}\n"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 1
    assert "install it with: pip install 'roomkit[httpx,websocket]'" in run.stderr
