"""EspeakTTSProvider: real offline synthesis through the bundled eSpeak NG library."""

from __future__ import annotations

import asyncio
import base64
import importlib
import sys

import pytest
from local_audio import is_speech_like

from roomkit import ConfigurationError
from roomkit.voice.codecs import wav_to_pcm16
from roomkit.voice.tts.espeak import EspeakTTSProvider


async def collect(tts: EspeakTTSProvider, text: str, voice: str | None = None) -> bytes:
    return b"".join([c.data async for c in tts.synthesize_stream(text, voice=voice)])


async def test_speech_streams_in_chunks_at_22050_hz() -> None:
    tts = EspeakTTSProvider()
    chunks = [c async for c in tts.synthesize_stream("Hello there, how are you today?")]

    assert tts.sample_rate == 22050
    assert len(chunks) > 1
    assert [c.is_final for c in chunks] == [False] * (len(chunks) - 1) + [True]
    assert {c.sample_rate for c in chunks} == {22050}
    assert chunks[0].timestamp_ms == 0
    assert chunks[1].timestamp_ms == len(chunks[0].data) * 1000 // (2 * 22050)
    pcm = b"".join(c.data for c in chunks)
    seconds = len(pcm) / 2 / 22050
    assert 1.0 < seconds < 4.0
    assert is_speech_like(pcm)


async def test_synthesize_returns_a_wav_clip() -> None:
    tts = EspeakTTSProvider()
    clip = await tts.synthesize("Good morning")
    assert clip.mime_type == "audio/wav"
    assert clip.transcript == "Good morning"
    pcm, rate, channels = wav_to_pcm16(base64.b64decode(clip.url.split(",", 1)[1]))
    assert (rate, channels) == (22050, 1)
    assert clip.duration_seconds == pytest.approx(len(pcm) / 2 / 22050)
    again = await collect(tts, "Good morning")
    assert abs(len(pcm) - len(again)) <= len(again) // 20  # eSpeak varies slightly per run


async def test_rate_voice_and_volume_change_the_audio() -> None:
    text = "The quick brown fox"
    normal = await collect(EspeakTTSProvider(), text)
    fast = await collect(EspeakTTSProvider(rate=350), text)
    assert len(fast) < len(normal) * 0.75
    french = await collect(EspeakTTSProvider(), text, voice="fr")
    assert french != normal
    quiet = await collect(EspeakTTSProvider(volume=20, pitch=40), text)
    assert quiet != normal


async def test_concurrent_requests_are_serialised_and_stay_intact() -> None:
    tts = EspeakTTSProvider()
    texts = ["first sentence here", "a second one", "and the third"]
    alone = [len(await collect(tts, t)) for t in texts]
    together = await asyncio.gather(*(collect(tts, t) for t in texts))
    # Interleaved synthesis would mix the clips up: each keeps its own length.
    for size, pcm in zip(alone, together, strict=True):
        assert abs(len(pcm) - size) <= size // 20
        assert is_speech_like(pcm)


async def test_stopping_early_releases_the_engine() -> None:
    tts = EspeakTTSProvider()
    stream = tts.synthesize_stream("This is a rather long sentence that we stop early. " * 5)
    first = await anext(stream)  # type: ignore[arg-type]
    assert first.data
    await stream.aclose()  # type: ignore[attr-defined]
    assert is_speech_like(await collect(tts, "Still working"))


async def test_empty_text_gives_one_final_chunk() -> None:
    chunks = [c async for c in EspeakTTSProvider().synthesize_stream("")]
    assert len(chunks) == 1
    assert chunks[0].is_final


async def test_configuration_errors() -> None:
    with pytest.raises(ConfigurationError, match="rate"):
        EspeakTTSProvider(rate=10)
    with pytest.raises(ConfigurationError, match="no voice named"):
        await collect(EspeakTTSProvider(voice="klingon-xx"), "Hello")


def test_a_missing_extra_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "espeakng_loader", None)
    monkeypatch.delitem(sys.modules, "roomkit.voice.tts.espeak")
    with pytest.raises(ImportError, match=r"pip install 'roomkit\[voice-local\]'"):
        importlib.import_module("roomkit.voice.tts.espeak")
