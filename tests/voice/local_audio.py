"""Real speech for the offline-stack tests, synthesised once per test session by eSpeak NG.

Import as ``from local_audio import ...`` (``tests/voice`` is on the path).
"""

from __future__ import annotations

import math

import numpy as np

from roomkit.voice.codecs import level_dbfs, pcm16_from_array, resample_pcm16
from roomkit.voice.tts.espeak import EspeakTTSProvider

PHRASE = "one two three four five"


_SPOKEN: dict[str, tuple[bytes, int]] = {}


async def spoken(text: str = PHRASE) -> tuple[bytes, int]:
    """``text`` spoken by eSpeak NG: 16-bit mono PCM at its native rate (cached)."""
    if text not in _SPOKEN:
        tts = EspeakTTSProvider()
        pcm = b"".join([chunk.data async for chunk in tts.synthesize_stream(text)])
        _SPOKEN[text] = (pcm, tts.sample_rate)
    return _SPOKEN[text]


async def spoken_16k(text: str = PHRASE, *, lead_ms: int = 500, tail_ms: int = 1000) -> bytes:
    """``text`` spoken at 16 kHz with silence before and after (what a caller sends)."""
    pcm, rate = await spoken(text)
    return silence(lead_ms) + resample_pcm16(pcm, rate, 16000) + silence(tail_ms)


def silence(ms: int, rate: int = 16000) -> bytes:
    """``ms`` milliseconds of digital silence."""
    return b"\x00\x00" * (rate * ms // 1000)


def noise(ms: int, level: float = 0.01, rate: int = 16000) -> bytes:
    """Quiet white noise (a deterministic seed)."""
    generator = np.random.default_rng(7)
    return pcm16_from_array(generator.normal(0, level * 32768, rate * ms // 1000))


def is_speech_like(pcm: bytes) -> bool:
    """Loud enough to be speech rather than silence or hiss."""
    level = level_dbfs(pcm)
    return not math.isinf(level) and level > -40
