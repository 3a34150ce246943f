"""The STTProvider contract every speech-to-text vendor implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator

from roomkit.models.content import AudioContent
from roomkit.voice.base import AudioChunk, TranscriptionResult, join_audio_chunks

__all__ = ["STTProvider"]


class STTProvider(ABC):
    """Turns speech into text, either a whole clip at once or a live stream."""

    @property
    def name(self) -> str:
        """Short vendor name used in logs."""
        return type(self).__name__

    @abstractmethod
    async def transcribe(self, audio: AudioContent | AudioChunk) -> str:
        """Return the text spoken in ``audio`` (a clip by URL or raw audio)."""

    async def transcribe_stream(
        self, audio_stream: AsyncIterator[AudioChunk]
    ) -> AsyncIterator[TranscriptionResult]:
        """Yield transcriptions of a live stream.

        Default: gather the whole stream, transcribe it once and yield one final result
        (nothing at all for an empty stream). Vendors with streaming recognition
        override this to yield interim results as the audio arrives.
        """
        chunks = [chunk async for chunk in audio_stream]
        if not chunks:
            return
        text = await self.transcribe(join_audio_chunks(chunks))
        yield TranscriptionResult(text=text, is_final=True)

    async def close(self) -> None:
        """Release connections held by the provider (nothing by default)."""
        return None
