"""The TTSProvider contract every text-to-speech vendor implements."""

from __future__ import annotations

import base64
import binascii
import io
import wave
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator

from roomkit.models.content import AudioContent
from roomkit.voice.base import AudioChunk

__all__ = ["TTSProvider"]


class TTSProvider(ABC):
    """Turns text into speech, as a finished clip or as a stream of audio chunks."""

    @property
    def name(self) -> str:
        """Short vendor name used in logs."""
        return type(self).__name__

    @abstractmethod
    async def synthesize(self, text: str, *, voice: str | None = None) -> AudioContent:
        """Return a clip of ``text`` spoken with ``voice`` (vendor default when ``None``)."""

    async def synthesize_stream(
        self, text: str, *, voice: str | None = None
    ) -> AsyncIterator[AudioChunk]:
        """Yield raw audio chunks of ``text`` as they are produced; the last is final.

        Default: synthesize the whole clip, then yield its PCM as one final chunk. That
        needs :meth:`synthesize` to return 16-bit WAV in a ``data:`` URL; vendors that
        stream, or that return audio by reference, override this.
        """
        clip = await self.synthesize(text, voice=voice)
        yield _wav_clip_chunk(clip, self.name)

    async def close(self) -> None:
        """Release connections held by the provider (nothing by default)."""
        return None


def _wav_clip_chunk(clip: AudioContent, provider: str) -> AudioChunk:
    """The PCM of a WAV clip held in a base64 ``data:`` URL, as one final chunk."""
    header, _, payload = clip.url.partition(",")
    if not (header.startswith("data:") and header.endswith(";base64")):
        raise ValueError(
            f"{provider} returned audio at {clip.url[:40]!r}, not inline WAV: the default "
            "synthesize_stream streams only data: URLs (override it to stream this provider)"
        )
    try:
        with wave.open(io.BytesIO(base64.b64decode(payload, validate=True)), "rb") as wav:
            if wav.getsampwidth() != 2:
                raise ValueError(f"expected 16-bit samples, got {8 * wav.getsampwidth()}-bit")
            pcm = wav.readframes(wav.getnframes())
            return AudioChunk(
                data=pcm,
                sample_rate=wav.getframerate(),
                channels=wav.getnchannels(),
                is_final=True,
            )
    except (binascii.Error, wave.Error, EOFError) as exc:
        raise ValueError(f"{provider} returned a clip that is not readable WAV: {exc}") from exc
