"""A deterministic text-to-speech provider for tests and examples.

It speaks every text as a quiet tone whose length is proportional to the text, so
tests can check durations, chunking and playback without any real synthesis.
"""

from __future__ import annotations

import base64
import io
import math
import re
import sys
import wave
from array import array
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Literal

from roomkit.models.content import AudioContent
from roomkit.voice.base import AudioChunk
from roomkit.voice.tts.base import TTSProvider

__all__ = ["MockTTSCall", "MockTTSProvider"]

_TONE_HZ = 440
_AMPLITUDE = 3000
_SAMPLE_WIDTH = 2  # pcm_s16le
_SENTENCE_END = re.compile(r"[.!?]+\s*")


@dataclass(frozen=True)
class MockTTSCall:
    """One request received by :class:`MockTTSProvider`."""

    method: Literal["synthesize", "synthesize_stream"]
    text: str
    voice: str | None


def _tone_period(sample_rate: int) -> bytes:
    """One period of a sine tone as 16-bit little-endian mono PCM."""
    samples = max(2, round(sample_rate / _TONE_HZ))
    values = array(
        "h", (round(_AMPLITUDE * math.sin(2 * math.pi * i / samples)) for i in range(samples))
    )
    if sys.byteorder == "big":  # pragma: no cover - depends on the host CPU
        values.byteswap()
    return values.tobytes()


def _split_sentences(text: str) -> list[str]:
    """Split ``text`` after each run of ``.``, ``!`` or ``?``; the pieces join back to it."""
    pieces: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        pieces.append(text[start : match.end()])
        start = match.end()
    if start < len(text):
        pieces.append(text[start:])
    return pieces


class MockTTSProvider(TTSProvider):
    """Synthesizes ``ms_per_char`` milliseconds of mono 16-bit tone per character.

    ``synthesize`` answers a WAV clip inlined as a ``data:`` URL with the text as its
    transcript; ``synthesize_stream`` yields one chunk per sentence, the last marked
    final, whose bytes concatenate to the clip's samples. Requests go to ``calls``.
    """

    def __init__(self, sample_rate: int = 16000, ms_per_char: int = 10) -> None:
        if sample_rate <= 0:
            raise ValueError("sample_rate must be positive")
        if ms_per_char < 0:
            raise ValueError("ms_per_char must not be negative")
        self.sample_rate = sample_rate
        self.ms_per_char = ms_per_char
        self.calls: list[MockTTSCall] = []
        self._period = _tone_period(sample_rate)

    def _frames_for(self, char_count: int) -> int:
        return char_count * self.ms_per_char * self.sample_rate // 1000

    def pcm_for(self, text: str) -> bytes:
        """The raw samples (pcm_s16le, mono) this provider produces for ``text``."""
        size = self._frames_for(len(text)) * _SAMPLE_WIDTH
        repeats = size // len(self._period) + 1
        return (self._period * repeats)[:size]

    async def synthesize(self, text: str, *, voice: str | None = None) -> AudioContent:
        """Return ``text`` as a WAV clip in a ``data:audio/wav;base64`` URL."""
        self.calls.append(MockTTSCall("synthesize", text, voice))
        pcm = self.pcm_for(text)
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(_SAMPLE_WIDTH)
            wav.setframerate(self.sample_rate)
            wav.writeframes(pcm)
        encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
        return AudioContent(
            url=f"data:audio/wav;base64,{encoded}",
            mime_type="audio/wav",
            duration_seconds=len(pcm) / _SAMPLE_WIDTH / self.sample_rate,
            transcript=text,
        )

    async def synthesize_stream(
        self, text: str, *, voice: str | None = None
    ) -> AsyncIterator[AudioChunk]:
        """Yield one chunk per sentence of ``text`` (one empty final chunk for no text)."""
        self.calls.append(MockTTSCall("synthesize_stream", text, voice))
        pcm = self.pcm_for(text)
        sentences = _split_sentences(text) or [""]
        offset = 0
        for index, sentence in enumerate(sentences):
            end = offset + len(sentence)
            start_byte = self._frames_for(offset) * _SAMPLE_WIDTH
            end_byte = self._frames_for(end) * _SAMPLE_WIDTH
            yield AudioChunk(
                data=pcm[start_byte:end_byte],
                sample_rate=self.sample_rate,
                timestamp_ms=offset * self.ms_per_char,
                is_final=index == len(sentences) - 1,
            )
            offset = end

    def reset(self) -> None:
        """Forget the recorded calls."""
        self.calls.clear()
