"""TTSProvider contract and the deterministic MockTTSProvider."""

from __future__ import annotations

import base64
import io
import wave
from collections.abc import AsyncIterator

import pytest

from roomkit.models.content import AudioContent
from roomkit.voice import AudioChunk, MockTTSCall, MockTTSProvider, TTSProvider

PREFIX = "data:audio/wav;base64,"


def _wav(content: AudioContent) -> wave.Wave_read:
    assert content.url.startswith(PREFIX)
    return wave.open(io.BytesIO(base64.b64decode(content.url[len(PREFIX) :])), "rb")


async def _chunks(stream: AsyncIterator[AudioChunk]) -> list[AudioChunk]:
    return [chunk async for chunk in stream]


async def test_synthesize_returns_a_readable_wav_of_proportional_length() -> None:
    tts = MockTTSProvider(sample_rate=8000, ms_per_char=10)
    content = await tts.synthesize("Hello world")  # 11 chars -> 110 ms
    with _wav(content) as wav:
        assert wav.getnchannels() == 1
        assert wav.getsampwidth() == 2
        assert wav.getframerate() == 8000
        assert wav.getnframes() == 880
        frames = wav.readframes(wav.getnframes())
    assert frames == tts.pcm_for("Hello world")
    assert any(frames)  # a tone, not silence
    assert content.mime_type == "audio/wav"
    assert content.transcript == "Hello world"
    assert content.duration_seconds == pytest.approx(0.11)


async def test_synthesize_is_deterministic() -> None:
    tts = MockTTSProvider()
    assert (await tts.synthesize("same")).url == (await tts.synthesize("same")).url


async def test_synthesize_empty_text_is_an_empty_wav() -> None:
    content = await MockTTSProvider().synthesize("")
    with _wav(content) as wav:
        assert wav.getnframes() == 0
    assert content.duration_seconds == 0


async def test_stream_yields_one_chunk_per_sentence_and_ends_final() -> None:
    tts = MockTTSProvider(sample_rate=16000, ms_per_char=10)
    text = "Hi there. How are you? Fine!"
    chunks = await _chunks(tts.synthesize_stream(text))
    assert [chunk.duration_ms for chunk in chunks] == [100.0, 130.0, 50.0]
    assert [chunk.timestamp_ms for chunk in chunks] == [0, 100, 230]
    assert [chunk.is_final for chunk in chunks] == [False, False, True]
    assert all(chunk.sample_rate == 16000 for chunk in chunks)
    assert b"".join(chunk.data for chunk in chunks) == tts.pcm_for(text)


async def test_stream_keeps_text_without_terminal_punctuation() -> None:
    chunks = await _chunks(MockTTSProvider().synthesize_stream("One. and more"))
    assert [chunk.duration_ms for chunk in chunks] == [50.0, 80.0]
    assert chunks[-1].is_final


async def test_stream_of_empty_text_is_one_empty_final_chunk() -> None:
    chunks = await _chunks(MockTTSProvider().synthesize_stream(""))
    assert chunks == [AudioChunk(data=b"", timestamp_ms=0, is_final=True)]


async def test_calls_are_recorded_with_voice() -> None:
    tts = MockTTSProvider()
    await tts.synthesize("a", voice="rachel")
    await _chunks(tts.synthesize_stream("b"))
    assert tts.calls == [
        MockTTSCall("synthesize", "a", "rachel"),
        MockTTSCall("synthesize_stream", "b", None),
    ]
    tts.reset()
    assert tts.calls == []


def test_sample_rates_give_matching_byte_counts() -> None:
    assert len(MockTTSProvider(sample_rate=24000, ms_per_char=20).pcm_for("abc")) == 2880


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"sample_rate": 0}, "sample_rate"), ({"ms_per_char": -1}, "ms_per_char")],
)
def test_invalid_settings_are_rejected(kwargs: dict[str, int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        MockTTSProvider(**kwargs)


async def test_base_name_and_close() -> None:
    tts = MockTTSProvider()
    assert tts.name == "MockTTSProvider"
    await tts.close()


class _ClipOnly(TTSProvider):
    """A provider implementing only ``synthesize``, as the spec allows."""

    def __init__(self, url: str) -> None:
        self.url = url

    async def synthesize(self, text: str, *, voice: str | None = None) -> AudioContent:
        return AudioContent(url=self.url)


def _wav_url(pcm: bytes, rate: int, width: int = 2) -> str:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(width)
        wav.setframerate(rate)
        wav.writeframes(pcm)
    return "data:audio/wav;base64," + base64.b64encode(buffer.getvalue()).decode()


async def test_default_stream_yields_the_clip_as_one_final_chunk() -> None:
    pcm = bytes(range(200)) * 4
    tts = _ClipOnly(_wav_url(pcm, 22050))
    chunks = [chunk async for chunk in tts.synthesize_stream("hello")]
    assert len(chunks) == 1
    assert chunks[0].data == pcm
    assert chunks[0].sample_rate == 22050
    assert chunks[0].is_final


@pytest.mark.parametrize(
    ("url", "error", "message"),
    [
        ("https://cdn.example/clip.wav", ValueError, "synthesize_stream"),
        ("data:audio/wav;base64,@@@", ValueError, "not readable WAV"),
        ("data:audio/wav;base64," + base64.b64encode(b"RIFF").decode(), ValueError, "WAV"),
        (_wav_url(b"\x00" * 30, 8000, width=1), ValueError, "16-bit"),
    ],
    ids=["remote-url", "bad-base64", "truncated-wav", "8-bit"],
)
async def test_default_stream_refuses_what_it_cannot_decode(
    url: str, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        [chunk async for chunk in _ClipOnly(url).synthesize_stream("hello")]
