"""Offline speech-to-text with PocketSphinx (the US-English model ships with the wheel).

The decoder loads once (about a quarter of a second), lazily, in a worker thread, and
decodes in worker threads; one decoder serves one utterance at a time, so calls are
serialised. Audio is taken as 16-bit PCM (or G.711 μ-law) at any sample rate and is
converted to the model's 16 kHz mono first. A JSGF ``grammar`` restricts recognition
to the phrases it describes, which makes recognition of a known vocabulary reliable.

Install with ``pip install 'roomkit[voice-local]'``.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
from typing import Any

from roomkit.errors import ConfigurationError
from roomkit.models.content import AudioContent
from roomkit.voice.base import AudioChunk, TranscriptionResult
from roomkit.voice.codecs import mulaw_decode, resample_pcm16, stereo_to_mono, wav_to_pcm16
from roomkit.voice.stt.base import STTProvider

try:
    from pocketsphinx import Decoder  # type: ignore[import-untyped]
except ImportError as exc:  # pragma: no cover - the extra ships with the dev environment
    raise ImportError(
        "PocketSphinxSTTProvider needs pocketsphinx; "
        "install it with: pip install 'roomkit[voice-local]'"
    ) from exc

__all__ = ["PocketSphinxSTTProvider"]

MODEL_RATE = 16000
_WAV_DATA_URL = "data:audio/wav;base64,"


def pcm_of(audio: AudioContent | AudioChunk) -> tuple[bytes, int]:
    """Mono 16-bit PCM and its sample rate, from a chunk or an inline WAV clip.

    Raises ``ValueError`` for formats it cannot read, including clips behind a URL
    (an offline provider does not download).
    """
    if isinstance(audio, AudioContent):
        if not audio.url.startswith(_WAV_DATA_URL):
            raise ValueError("only inline WAV clips (data:audio/wav;base64,...) can be read")
        pcm, rate, channels = wav_to_pcm16(base64.b64decode(audio.url[len(_WAV_DATA_URL) :]))
        return (stereo_to_mono(pcm) if channels == 2 else pcm), rate
    if audio.format == "mulaw":
        data = mulaw_decode(audio.data)
    elif audio.format == "pcm_s16le":
        data = audio.data
    else:
        raise ValueError(f"cannot transcribe {audio.format!r} audio")
    if audio.channels == 2:
        data = stereo_to_mono(data)
    elif audio.channels != 1:
        raise ValueError("only mono or stereo audio can be transcribed")
    return data, audio.sample_rate


class PocketSphinxSTTProvider(STTProvider):
    """Transcribes speech offline with CMU PocketSphinx.

    ``model_dir``, ``dictionary`` and ``language_model`` default to the bundled
    US-English model; ``grammar`` (JSGF text) replaces the language model.
    """

    def __init__(
        self,
        *,
        model_dir: str | None = None,
        dictionary: str | None = None,
        language_model: str | None = None,
        grammar: str | None = None,
    ) -> None:
        self._options: dict[str, Any] = {"loglevel": "FATAL"}
        for key, value in (("hmm", model_dir), ("dict", dictionary), ("lm", language_model)):
            if value is not None:
                self._options[key] = value
        self.grammar = grammar
        self._decoder: Any = None
        self._lock = asyncio.Lock()

    def _load(self) -> Any:
        if self._decoder is None:
            try:
                decoder = Decoder(**self._options)
                if self.grammar is not None:
                    decoder.add_jsgf_string("grammar", self.grammar)
                    decoder.activate_search("grammar")
            except (RuntimeError, ValueError) as exc:
                raise ConfigurationError(f"PocketSphinx could not load its model: {exc}") from exc
            self._decoder = decoder
        return self._decoder

    async def transcribe(self, audio: AudioContent | AudioChunk) -> str:
        """Return the words spoken in ``audio`` (empty when nothing was recognised)."""
        pcm, rate = pcm_of(audio)
        if rate != MODEL_RATE:
            pcm = resample_pcm16(pcm, rate, MODEL_RATE)
        async with self._lock:
            return await asyncio.to_thread(self._decode, pcm)

    def _decode(self, pcm: bytes) -> str:
        decoder = self._load()
        decoder.start_utt()
        decoder.process_raw(pcm, full_utt=True)
        decoder.end_utt()
        return _text(decoder)

    async def transcribe_stream(
        self, audio_stream: AsyncIterator[AudioChunk]
    ) -> AsyncIterator[TranscriptionResult]:
        """Decode as audio arrives: interim results when the guess changes, then the final."""
        async with self._lock:
            decoder = await asyncio.to_thread(self._load)
            decoder.start_utt()
            last = ""
            try:
                async for chunk in audio_stream:
                    pcm, rate = pcm_of(chunk)
                    if rate != MODEL_RATE:
                        pcm = resample_pcm16(pcm, rate, MODEL_RATE)
                    guess = await asyncio.to_thread(self._feed, decoder, pcm)
                    if guess and guess != last:
                        last = guess
                        yield TranscriptionResult(text=guess, is_final=False)
            finally:
                decoder.end_utt()
            yield TranscriptionResult(text=_text(decoder), is_final=True)

    @staticmethod
    def _feed(decoder: Any, pcm: bytes) -> str:
        decoder.process_raw(pcm)
        return _text(decoder)


def _text(decoder: Any) -> str:
    hypothesis = decoder.hyp()
    return hypothesis.hypstr.strip() if hypothesis is not None else ""
