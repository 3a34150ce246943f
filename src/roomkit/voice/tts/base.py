"""The TTSProvider contract every text-to-speech vendor implements."""

from __future__ import annotations

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

    @abstractmethod
    def synthesize_stream(
        self, text: str, *, voice: str | None = None
    ) -> AsyncIterator[AudioChunk]:
        """Yield raw audio chunks of ``text`` as they are produced; the last is final.

        Implement it as an ``async def`` generator; consume it with ``async for``.
        """

    async def close(self) -> None:
        """Release connections held by the provider (nothing by default)."""
        return None
