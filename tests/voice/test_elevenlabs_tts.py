"""ElevenLabsTTSProvider against ElevenLabs' documented REST and stream-input protocols."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pydantic
import pytest
from vendor_ws_server import LoopbackWS, fixture_json, fixture_text
from websockets.asyncio.server import ServerConnection

from roomkit.errors import ErrorCode, ProviderError
from roomkit.voice.base import AudioChunk
from roomkit.voice.codecs import mulaw_decode, mulaw_encode, wav_to_pcm16
from roomkit.voice.tts.elevenlabs import ElevenLabsConfig, ElevenLabsTTSProvider

KEY = "xi-secret-key-456"
PCM = bytes(range(256)) * 4
Handler = Callable[[httpx.Request], httpx.Response]
AUDIO = [
    base64.b64decode(fixture_json("elevenlabs", name)["audio"])
    for name in ("stream_audio_1.json", "stream_audio_2.json")
]


def rest_provider(handler: Handler, **options: Any) -> ElevenLabsTTSProvider:
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    config = ElevenLabsConfig(api_key=KEY, voice_id="voice-1", **options)
    return ElevenLabsTTSProvider(config, http_client=client)


def speaking(seen: list[httpx.Request], audio: bytes = PCM) -> Handler:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=audio, headers={"Content-Type": "audio/pcm"})

    return handle


def clip_pcm(url: str) -> tuple[bytes, int]:
    assert url.startswith("data:audio/wav;base64,")
    pcm, rate, channels = wav_to_pcm16(base64.b64decode(url.split(",", 1)[1]))
    assert channels == 1
    return pcm, rate


async def elevenlabs_stream(server: LoopbackWS, connection: ServerConnection) -> None:
    """ElevenLabs' side: read the text up to the empty message, then stream the audio."""
    while json.loads(await server.receive(connection)).get("text") != "":
        pass
    for name in ("stream_audio_1.json", "stream_audio_2.json", "stream_final.json"):
        await connection.send(fixture_text("elevenlabs", name))
    await connection.wait_closed()


def live(script: Any = elevenlabs_stream) -> LoopbackWS:
    return LoopbackWS(script, auth_header="xi-api-key", auth_value=KEY)


def live_provider(server: LoopbackWS, **options: Any) -> ElevenLabsTTSProvider:
    config = ElevenLabsConfig(api_key=KEY, voice_id="voice-1", base_url=server.base_url, **options)
    return ElevenLabsTTSProvider(config)


async def collect(chunks: AsyncIterator[AudioChunk]) -> list[AudioChunk]:
    return [chunk async for chunk in chunks]


async def test_synthesize_posts_the_text_and_wraps_the_pcm_in_a_wav_clip() -> None:
    seen: list[httpx.Request] = []
    text = "Hi there. How can I help?"
    clip = await rest_provider(speaking(seen)).synthesize(text)
    assert clip.transcript == text
    assert clip.mime_type == "audio/wav"
    assert clip_pcm(clip.url) == (PCM, 16000)
    assert clip.duration_seconds == pytest.approx(len(PCM) / 2 / 16000)
    request = seen[0]
    assert request.method == "POST"
    assert request.url.host == "api.elevenlabs.io"
    assert request.url.path == "/v1/text-to-speech/voice-1"
    assert dict(request.url.params) == {"output_format": "pcm_16000"}
    assert request.headers["xi-api-key"] == KEY
    assert json.loads(request.content) == fixture_json("elevenlabs", "rest_request.json")


async def test_synthesize_decodes_ulaw_and_honours_the_voice_override() -> None:
    seen: list[httpx.Request] = []
    ulaw = mulaw_encode(PCM)
    provider = rest_provider(
        speaking(seen, ulaw), output_format="ulaw_8000", stability=0.2, similarity_boost=1.0
    )
    clip = await provider.synthesize("Hello", voice="other/voice")
    assert clip_pcm(clip.url) == (mulaw_decode(ulaw), 8000)
    assert seen[0].url.raw_path.startswith(b"/v1/text-to-speech/other%2Fvoice?")
    body = json.loads(seen[0].content)
    assert body["voice_settings"] == {"stability": 0.2, "similarity_boost": 1.0}
    assert provider.sample_rate == 8000


@pytest.mark.parametrize(
    "options",
    [
        {"output_format": "mp3_44100_128"},
        {"output_format": "pcm_"},
        {"stability": 1.5},
        {"similarity_boost": -0.1},
        {"timeout": 0},
    ],
)
def test_config_refuses_formats_and_settings_it_cannot_use(options: dict[str, Any]) -> None:
    with pytest.raises(pydantic.ValidationError):
        ElevenLabsConfig(api_key=KEY, voice_id="voice-1", **options)


@pytest.mark.parametrize(
    ("status", "fixture", "code", "retryable"),
    [
        (401, "rest_error_invalid_key.json", ErrorCode.AUTHENTICATION, False),
        (429, "rest_error_rate_limited.json", ErrorCode.RATE_LIMITED, True),
        (500, None, ErrorCode.SERVER_ERROR, True),
        (422, None, ErrorCode.INVALID_REQUEST, False),
    ],
)
async def test_vendor_errors_become_provider_errors(
    status: int, fixture: str | None, code: ErrorCode, retryable: bool
) -> None:
    body = fixture_text("elevenlabs", fixture) if fixture else "upstream failure"
    provider = rest_provider(lambda request: httpx.Response(status, text=body))
    with pytest.raises(ProviderError) as caught:
        await provider.synthesize("Hello")
    error = caught.value
    assert (error.code, error.retryable, error.status_code) == (code, retryable, status)
    assert error.provider == "elevenlabs"
    assert KEY not in str(error)


async def test_the_key_never_shows_in_config_or_provider_text() -> None:
    config = ElevenLabsConfig(api_key=KEY, voice_id="voice-1")
    provider = ElevenLabsTTSProvider(config)
    for text in (str(config), repr(config), repr(provider), str(provider)):
        assert KEY not in text
    assert "voice-1" in repr(provider)
    await provider.close()


async def test_close_leaves_an_injected_client_open() -> None:
    client = httpx.AsyncClient(transport=httpx.MockTransport(speaking([])))
    config = ElevenLabsConfig(api_key=KEY, voice_id="voice-1")
    await ElevenLabsTTSProvider(config, http_client=client).close()
    assert not client.is_closed
    await client.aclose()


async def test_stream_sends_settings_and_sentences_then_yields_the_audio() -> None:
    async with live() as server:
        chunks = await collect(
            live_provider(server).synthesize_stream("Hi there. How can I help?")
        )
    assert [chunk.data for chunk in chunks] == AUDIO
    assert [chunk.is_final for chunk in chunks] == [False, True]
    assert [chunk.timestamp_ms for chunk in chunks] == [0, len(AUDIO[0]) * 1000 // (2 * 16000)]
    assert {(chunk.sample_rate, chunk.format, chunk.channels) for chunk in chunks} == {
        (16000, "pcm_s16le", 1)
    }
    assert server.path() == "/v1/text-to-speech/voice-1/stream-input"
    assert server.query() == {"model_id": "eleven_turbo_v2_5", "output_format": "pcm_16000"}
    assert server.text_frames() == [
        {
            "text": " ",
            "voice_settings": {"stability": 0.5, "similarity_boost": 0.75},
            "xi_api_key": KEY,
        },
        {"text": "Hi there. "},
        {"text": "How can I help? "},
        {"text": ""},
    ]


async def test_stream_in_ulaw_with_another_voice() -> None:
    async with live() as server:
        provider = live_provider(server, output_format="ulaw_8000", model_id="eleven_flash_v2_5")
        chunks = await collect(provider.synthesize_stream("Hello", voice="voice-2"))
    assert {(chunk.sample_rate, chunk.format) for chunk in chunks} == {(8000, "mulaw")}
    assert chunks[1].timestamp_ms == len(AUDIO[0]) * 1000 // 8000
    assert server.path() == "/v1/text-to-speech/voice-2/stream-input"
    assert server.query()["model_id"] == "eleven_flash_v2_5"


def sending(*messages: str) -> Any:
    async def script(server: LoopbackWS, connection: ServerConnection) -> None:
        while json.loads(await server.receive(connection)).get("text") != "":
            pass
        for message in messages:
            await connection.send(message)
        await connection.close()

    return script


async def test_a_stream_that_ends_without_is_final_still_ends_with_a_final_chunk() -> None:
    audio = fixture_text("elevenlabs", "stream_audio_1.json")
    silent = json.dumps({"audio": None, "isFinal": None})
    async with live(sending(audio, silent)) as server:
        chunks = await collect(live_provider(server).synthesize_stream("Hi"))
    assert [(chunk.data, chunk.is_final) for chunk in chunks] == [(AUDIO[0], True)]


async def test_a_stream_without_audio_yields_one_empty_final_chunk() -> None:
    async with live(sending(fixture_text("elevenlabs", "stream_final.json"))) as server:
        chunks = await collect(live_provider(server).synthesize_stream("Hi"))
    assert [(chunk.data, chunk.is_final) for chunk in chunks] == [(b"", True)]


@pytest.mark.parametrize(
    ("message", "code", "retryable"),
    [
        (fixture_text("elevenlabs", "stream_error_quota.json"), ErrorCode.RATE_LIMITED, True),
        ('{"error": "invalid_api_key"}', ErrorCode.AUTHENTICATION, False),
        (
            '{"error": "input_timeout_exceeded", "message": "idle"}',
            ErrorCode.PROVIDER_ERROR,
            False,
        ),
        ('{"audio": "***", "isFinal": null}', ErrorCode.INVALID_PAYLOAD, False),
    ],
)
async def test_stream_errors_become_provider_errors(
    message: str, code: ErrorCode, retryable: bool
) -> None:
    async with live(sending(message)) as server:
        with pytest.raises(ProviderError) as caught:
            await collect(live_provider(server).synthesize_stream("Hi"))
    assert (caught.value.code, caught.value.retryable) == (code, retryable)
    assert KEY not in str(caught.value)


async def test_a_wrong_key_is_refused_at_the_handshake() -> None:
    async with live() as server:
        config = ElevenLabsConfig(api_key="wrong-key", voice_id="v", base_url=server.base_url)
        with pytest.raises(ProviderError) as caught:
            await collect(ElevenLabsTTSProvider(config).synthesize_stream("Hi"))
    assert (caught.value.code, caught.value.status_code) == (ErrorCode.AUTHENTICATION, 401)
    assert "wrong-key" not in str(caught.value)


async def test_an_abnormal_close_is_a_provider_error() -> None:
    async def refuse(server: LoopbackWS, connection: ServerConnection) -> None:
        await server.receive(connection)
        await connection.close(1008, "Invalid voice settings")

    async with live(refuse) as server:
        with pytest.raises(ProviderError, match="Invalid voice settings") as caught:
            await collect(live_provider(server).synthesize_stream("Hi"))
    assert (caught.value.code, caught.value.retryable) == (ErrorCode.INVALID_REQUEST, False)


async def test_stopping_early_closes_the_connection() -> None:
    async with live() as server:
        chunks = live_provider(server).synthesize_stream("Hi there.")
        first = await anext(aiter(chunks))
        await chunks.aclose()  # type: ignore[attr-defined]
        await server.done.wait()
    assert (first.data, first.is_final) == (AUDIO[0], False)
