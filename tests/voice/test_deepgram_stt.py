"""DeepgramSTTProvider against Deepgram's documented REST and live WebSocket protocols."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from vendor_ws_server import LoopbackWS, fixture_json, fixture_text
from websockets.asyncio.server import ServerConnection

from roomkit.errors import ErrorCode, ProviderError
from roomkit.models.content import AudioContent
from roomkit.voice.base import AudioChunk, TranscriptionResult
from roomkit.voice.codecs import pcm16_to_wav
from roomkit.voice.stt.deepgram import DeepgramConfig, DeepgramSTTProvider

KEY = "dg-secret-key-123"
PCM = b"\x01\x00\x02\x00" * 400
Handler = Callable[[httpx.Request], httpx.Response]


def rest_provider(handler: Handler, **options: Any) -> DeepgramSTTProvider:
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return DeepgramSTTProvider(DeepgramConfig(api_key=KEY, **options), http_client=client)


def answer(seen: list[httpx.Request]) -> Handler:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=fixture_json("deepgram", "prerecorded.json"))

    return handle


async def stream(*chunks: AudioChunk) -> AsyncIterator[AudioChunk]:
    for chunk in chunks:
        yield chunk


def chunks(count: int = 3, rate: int = 16000) -> list[AudioChunk]:
    return [AudioChunk(data=PCM[i::count], sample_rate=rate) for i in range(count)]


async def collect(results: AsyncIterator[TranscriptionResult]) -> list[TranscriptionResult]:
    return [result async for result in results]


async def deepgram_live(server: LoopbackWS, connection: ServerConnection) -> None:
    """Deepgram's side: an interim result after the first audio, finals on CloseStream."""
    interim_sent = False
    while True:
        frame = await server.receive(connection)
        if isinstance(frame, bytes):
            if not interim_sent:
                await connection.send(fixture_text("deepgram", "live_interim.json"))
                interim_sent = True
        elif json.loads(frame).get("type") == "CloseStream":
            for name in ("live_utterance_end", "live_final", "live_silence", "live_metadata"):
                await connection.send(fixture_text("deepgram", f"{name}.json"))
            await connection.send(b"\x00")  # stray binary frames are ignored
            await connection.send("[1, 2]")  # as are JSON values that are not objects
            await connection.close()
            return


def live(script: Any = deepgram_live) -> LoopbackWS:
    return LoopbackWS(script, auth_header="Authorization", auth_value=f"Token {KEY}")


def live_provider(server: LoopbackWS, **options: Any) -> DeepgramSTTProvider:
    return DeepgramSTTProvider(DeepgramConfig(api_key=KEY, base_url=server.base_url, **options))


async def test_transcribe_posts_an_inline_wav_clip_with_the_token() -> None:
    seen: list[httpx.Request] = []
    wav = pcm16_to_wav(PCM, 16000)
    clip = AudioContent(url="data:audio/wav;base64," + base64.b64encode(wav).decode())
    text = await rest_provider(answer(seen)).transcribe(clip)
    assert text == "What are your opening hours?"
    request = seen[0]
    assert request.method == "POST"
    assert request.url.path == "/v1/listen"
    assert request.url.host == "api.deepgram.com"
    assert dict(request.url.params) == {
        "model": "nova-2",
        "language": "en-US",
        "punctuate": "true",
    }
    assert request.headers["authorization"] == f"Token {KEY}"
    assert request.headers["content-type"] == "audio/wav"
    assert request.content == wav


@pytest.mark.parametrize(
    ("fmt", "encoding", "rate", "channels"),
    [("pcm_s16le", "linear16", 8000, 1), ("mulaw", "mulaw", 8000, 1), ("alaw", "alaw", 16000, 2)],
)
async def test_transcribe_sends_raw_chunks_with_their_encoding(
    fmt: str, encoding: str, rate: int, channels: int
) -> None:
    seen: list[httpx.Request] = []
    provider = rest_provider(answer(seen), model="nova-3", language="fr", punctuate=False)
    chunk = AudioChunk(data=PCM, sample_rate=rate, channels=channels, format=fmt)
    assert await provider.transcribe(chunk) == "What are your opening hours?"
    assert dict(seen[0].url.params) == {
        "model": "nova-3",
        "language": "fr",
        "punctuate": "false",
        "encoding": encoding,
        "sample_rate": str(rate),
        "channels": str(channels),
    }
    assert seen[0].headers["content-type"] == "application/octet-stream"
    assert seen[0].content == PCM


async def test_transcribe_sends_a_remote_clip_by_reference() -> None:
    seen: list[httpx.Request] = []
    clip = AudioContent(url="https://cdn.example.com/call.mp3", mime_type="audio/mpeg")
    await rest_provider(answer(seen)).transcribe(clip)
    assert seen[0].headers["content-type"] == "application/json"
    assert json.loads(seen[0].content) == {"url": "https://cdn.example.com/call.mp3"}


@pytest.mark.parametrize(
    "audio",
    [
        AudioChunk(data=PCM, format="pcm_f32le"),
        AudioContent(url="data:audio/wav,notbase64"),
        AudioContent(url="data:audio/wav;base64,***"),
    ],
)
async def test_transcribe_refuses_audio_it_cannot_describe(
    audio: AudioContent | AudioChunk,
) -> None:
    seen: list[httpx.Request] = []
    with pytest.raises(ValueError):
        await rest_provider(answer(seen)).transcribe(audio)
    assert seen == []


@pytest.mark.parametrize(
    ("status", "code", "retryable"),
    [
        (401, ErrorCode.AUTHENTICATION, False),
        (402, ErrorCode.INVALID_REQUEST, False),
        (429, ErrorCode.RATE_LIMITED, True),
        (500, ErrorCode.SERVER_ERROR, True),
        (503, ErrorCode.OVERLOADED, True),
    ],
)
async def test_vendor_errors_become_provider_errors(
    status: int, code: ErrorCode, retryable: bool
) -> None:
    body = {"err_code": "INVALID_AUTH", "err_msg": "Invalid credentials.", "request_id": "r-1"}
    provider = rest_provider(
        lambda request: httpx.Response(status, json=body, headers={"Retry-After": "2"})
    )
    with pytest.raises(ProviderError) as caught:
        await provider.transcribe(AudioChunk(data=PCM))
    error = caught.value
    assert (error.code, error.retryable, error.status_code) == (code, retryable, status)
    assert error.provider == "deepgram"
    assert KEY not in str(error)


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"results": {"channels": []}},
        {"results": {"channels": [{"alternatives": []}]}},
        {"results": {"channels": [{"alternatives": [{"transcript": 3}]}]}},
        {"results": {"channels": [{"alternatives": ["text"]}]}},
        ["not", "an", "object"],
    ],
)
async def test_malformed_answers_are_invalid_payloads(payload: Any) -> None:
    provider = rest_provider(lambda request: httpx.Response(200, json=payload))
    with pytest.raises(ProviderError) as caught:
        await provider.transcribe(AudioChunk(data=PCM))
    assert caught.value.code == ErrorCode.INVALID_PAYLOAD


async def test_the_key_never_shows_in_config_or_provider_text() -> None:
    config = DeepgramConfig(api_key=KEY)
    provider = DeepgramSTTProvider(config)
    for text in (str(config), repr(config), repr(provider), str(provider)):
        assert KEY not in text
    assert "nova-2" in repr(provider)
    await provider.close()


async def test_close_leaves_an_injected_client_open() -> None:
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer([])))
    await DeepgramSTTProvider(DeepgramConfig(api_key=KEY), http_client=client).close()
    assert not client.is_closed
    await client.aclose()


async def test_stream_yields_interim_then_final_results() -> None:
    parts = chunks()
    async with live() as server:
        provider = live_provider(server)
        results = await collect(provider.transcribe_stream(stream(*parts)))
    assert results == [
        TranscriptionResult("what are your", is_final=False, confidence=0.87, language="en-US"),
        TranscriptionResult(
            "What are your opening hours?", is_final=True, confidence=0.9921875, language="en-US"
        ),
    ]
    assert server.path() == "/v1/listen"
    assert server.query() == {
        "model": "nova-2",
        "language": "en-US",
        "punctuate": "true",
        "encoding": "linear16",
        "sample_rate": "16000",
        "channels": "1",
        "interim_results": "true",
    }
    assert server.audio() == b"".join(part.data for part in parts)
    assert server.text_frames() == [{"type": "CloseStream"}]


async def test_stream_can_turn_interim_results_off_and_skips_empty_frames() -> None:
    parts = [AudioChunk(data=b"", sample_rate=8000, format="mulaw")]
    parts += [AudioChunk(data=b"\xff" * 160, sample_rate=8000, format="mulaw"), parts[0]]
    async with live() as server:
        provider = live_provider(server, interim_results=False)
        await collect(provider.transcribe_stream(stream(*parts)))
    assert server.query()["interim_results"] == "false"
    assert server.query()["encoding"] == "mulaw"
    assert [frame for frame in server.frames if isinstance(frame, bytes)] == [b"\xff" * 160]


async def test_an_empty_stream_opens_no_connection() -> None:
    async with live() as server:
        assert await collect(live_provider(server).transcribe_stream(stream())) == []
    assert server.handshakes == []


async def test_a_wrong_key_is_refused_at_the_handshake() -> None:
    async with live() as server:
        provider = DeepgramSTTProvider(
            DeepgramConfig(api_key="wrong-key", base_url=server.base_url)
        )
        with pytest.raises(ProviderError) as caught:
            await collect(provider.transcribe_stream(stream(*chunks())))
    assert (caught.value.code, caught.value.retryable) == (ErrorCode.AUTHENTICATION, False)
    assert caught.value.status_code == 401
    assert "wrong-key" not in str(caught.value)


def closing_with(code: int, reason: str) -> Any:
    async def script(server: LoopbackWS, connection: ServerConnection) -> None:
        await server.receive(connection)
        await connection.close(code, reason)

    return script


@pytest.mark.parametrize(
    ("close_code", "code", "retryable"),
    [
        (1008, ErrorCode.INVALID_REQUEST, False),
        (1011, ErrorCode.SERVER_ERROR, True),
        (1013, ErrorCode.OVERLOADED, True),
        (4000, ErrorCode.PROVIDER_ERROR, False),
    ],
)
async def test_abnormal_closes_become_provider_errors(
    close_code: int, code: ErrorCode, retryable: bool
) -> None:
    async with live(closing_with(close_code, "DATA-0000")) as server:
        with pytest.raises(ProviderError) as caught:
            await collect(live_provider(server).transcribe_stream(stream(*chunks())))
    assert (caught.value.code, caught.value.retryable) == (code, retryable)
    assert f"code {close_code}: DATA-0000" in str(caught.value)


def replying(text: str) -> Any:
    async def script(server: LoopbackWS, connection: ServerConnection) -> None:
        await server.receive(connection)
        await connection.send(text)
        await connection.wait_closed()

    return script


@pytest.mark.parametrize(
    ("message", "code", "fragment"),
    [
        (fixture_text("deepgram", "live_error.json"), ErrorCode.PROVIDER_ERROR, "decode audio"),
        ("{not json", ErrorCode.INVALID_PAYLOAD, "not JSON"),
        ('{"type": "Results", "channel": {}}', ErrorCode.INVALID_PAYLOAD, "transcript"),
    ],
)
async def test_error_and_malformed_messages_raise(
    message: str, code: ErrorCode, fragment: str
) -> None:
    async with live(replying(message)) as server:
        with pytest.raises(ProviderError) as caught:
            await collect(live_provider(server).transcribe_stream(stream(*chunks())))
        await server.done.wait()  # the provider closed the connection
    assert caught.value.code == code
    assert fragment in str(caught.value)


async def test_a_failing_audio_stream_closes_the_connection_and_raises() -> None:
    async def broken() -> AsyncIterator[AudioChunk]:
        yield chunks()[0]
        raise RuntimeError("microphone unplugged")

    async def listen(server: LoopbackWS, connection: ServerConnection) -> None:
        async for frame in connection:
            server.frames.append(frame)

    async with live(listen) as server:
        with pytest.raises(RuntimeError, match="microphone unplugged"):
            await collect(live_provider(server).transcribe_stream(broken()))
        await server.done.wait()
    assert server.text_frames() == []


async def test_stopping_early_closes_the_connection() -> None:
    async def endless() -> AsyncIterator[AudioChunk]:
        yield chunks()[0]
        await asyncio.Event().wait()  # a live microphone with nothing more to send yet
        yield chunks()[1]  # pragma: no cover - never reached

    async with live() as server:
        results = live_provider(server).transcribe_stream(endless())
        first = await anext(aiter(results))
        await results.aclose()  # type: ignore[attr-defined]
        await server.done.wait()
    assert first.is_final is False


async def test_an_unreachable_server_is_a_retryable_network_error() -> None:
    async with live() as server:
        base_url = server.base_url
    provider = DeepgramSTTProvider(DeepgramConfig(api_key=KEY, base_url=base_url))
    with pytest.raises(ProviderError) as caught:
        await collect(provider.transcribe_stream(stream(*chunks())))
    assert (caught.value.code, caught.value.retryable) == (ErrorCode.NETWORK, True)


async def test_a_normal_hang_up_mid_stream_ends_the_results_quietly() -> None:
    async def hang_up(server: LoopbackWS, connection: ServerConnection) -> None:
        await server.receive(connection)
        await connection.send(fixture_text("deepgram", "live_final.json"))
        await connection.close()

    async with live(hang_up) as server:

        async def late_audio() -> AsyncIterator[AudioChunk]:
            yield chunks()[0]
            await server.done.wait()  # more audio arrives only after Deepgram hung up
            yield chunks()[1]

        results = await collect(live_provider(server).transcribe_stream(late_audio()))
    assert [result.text for result in results] == ["What are your opening hours?"]
    assert len(server.audio()) == len(chunks()[0].data)
