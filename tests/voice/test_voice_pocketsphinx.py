"""PocketSphinxSTTProvider: offline recognition of real (eSpeak-synthesised) speech."""

from __future__ import annotations

import base64
import importlib
import sys
from collections.abc import AsyncIterator

import pytest
from local_audio import PHRASE, spoken, spoken_16k

from roomkit import AudioContent, ConfigurationError
from roomkit.voice import AudioChunk
from roomkit.voice.codecs import mulaw_encode, pcm16_to_wav, resample_pcm16
from roomkit.voice.stt.pocketsphinx import PocketSphinxSTTProvider

GRAMMAR = """#JSGF V1.0;
grammar requests;
public <request> = what is the weather today | open the door please | call me later;
"""


@pytest.fixture(scope="module")
def stt() -> PocketSphinxSTTProvider:
    return PocketSphinxSTTProvider()


def heard(text: str) -> int:
    """How many words of the phrase were recognised (the open vocabulary model may
    mishear a word of synthetic speech, so tests ask for most of them, not all)."""
    return len(set(text.split()) & set(PHRASE.split()))


async def test_speech_at_the_model_rate_is_recognised(stt: PocketSphinxSTTProvider) -> None:
    text = await stt.transcribe(AudioChunk(data=await spoken_16k()))
    assert heard(text) >= 4


async def test_other_rates_and_mulaw_are_converted_first(stt: PocketSphinxSTTProvider) -> None:
    pcm, rate = await spoken()
    assert heard(await stt.transcribe(AudioChunk(data=pcm, sample_rate=rate))) >= 4
    phone = mulaw_encode(resample_pcm16(pcm, rate, 8000))
    text = await stt.transcribe(AudioChunk(data=phone, sample_rate=8000, format="mulaw"))
    assert heard(text) >= 3  # telephone quality


async def test_stereo_chunks_and_inline_wav_clips(stt: PocketSphinxSTTProvider) -> None:
    pcm = await spoken_16k()
    stereo = b"".join(pcm[i : i + 2] * 2 for i in range(0, len(pcm), 2))
    mono_text = await stt.transcribe(AudioChunk(data=pcm))
    assert await stt.transcribe(AudioChunk(data=stereo, channels=2)) == mono_text
    wav = base64.b64encode(pcm16_to_wav(stereo, 16000, channels=2)).decode()
    clip = AudioContent(url=f"data:audio/wav;base64,{wav}")
    assert await stt.transcribe(clip) == mono_text


async def test_a_grammar_restricts_what_can_be_heard() -> None:
    stt = PocketSphinxSTTProvider(grammar=GRAMMAR)
    pcm, rate = await spoken("what is the weather today")
    assert await stt.transcribe(AudioChunk(data=pcm, sample_rate=rate)) == (
        "what is the weather today"
    )


async def test_a_stream_yields_interim_guesses_then_the_final_text(
    stt: PocketSphinxSTTProvider,
) -> None:
    pcm = await spoken_16k(lead_ms=100, tail_ms=300)

    async def chunks() -> AsyncIterator[AudioChunk]:
        for start in range(0, len(pcm), 3200):
            yield AudioChunk(data=pcm[start : start + 3200])

    results = [r async for r in stt.transcribe_stream(chunks())]
    assert results[-1].is_final and heard(results[-1].text) >= 4
    interim = [r.text for r in results[:-1]]
    assert interim and not any(r.is_final for r in results[:-1])
    assert len(set(interim)) == len(interim)  # only changes are reported


@pytest.mark.parametrize(
    ("audio", "message"),
    [
        (AudioContent(url="https://example.test/clip.wav"), "inline WAV"),
        (AudioChunk(data=b"\x00" * 8, format="opus"), "cannot transcribe 'opus'"),
        (AudioChunk(data=b"\x00" * 12, channels=3), "mono or stereo"),
    ],
)
async def test_unreadable_audio_is_refused(
    stt: PocketSphinxSTTProvider, audio: AudioContent | AudioChunk, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        await stt.transcribe(audio)


async def test_a_missing_model_is_a_configuration_error(tmp_path: object) -> None:
    stt = PocketSphinxSTTProvider(model_dir=str(tmp_path))
    with pytest.raises(ConfigurationError, match="could not load"):
        await stt.transcribe(AudioChunk(data=b"\x00\x00" * 160))


def test_a_missing_extra_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pocketsphinx", None)
    monkeypatch.delitem(sys.modules, "roomkit.voice.stt.pocketsphinx")
    with pytest.raises(ImportError, match=r"pip install 'roomkit\[voice-local\]'"):
        importlib.import_module("roomkit.voice.stt.pocketsphinx")
