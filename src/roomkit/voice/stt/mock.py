"""A scripted speech-to-text provider for tests and examples."""

from __future__ import annotations

from collections.abc import AsyncIterator

from roomkit.models.content import AudioContent
from roomkit.voice.base import AudioChunk, TranscriptionResult, join_audio_chunks
from roomkit.voice.stt.base import STTProvider

__all__ = ["MockSTTProvider"]

_DEFAULT_TRANSCRIPT = "Hello"


class MockSTTProvider(STTProvider):
    """Answers each transcription with the next of ``transcripts``, cycling round.

    Every input is appended to ``calls`` (a stream is recorded as its joined chunk).
    With ``partials=True`` a stream first yields interim results holding the growing
    word prefixes of the transcript, then the final result.
    """

    def __init__(self, transcripts: list[str] | None = None, *, partials: bool = False) -> None:
        if transcripts is not None and not transcripts:
            raise ValueError("transcripts must hold at least one entry")
        self.transcripts: list[str] = list(transcripts or [_DEFAULT_TRANSCRIPT])
        self.partials = partials
        self.calls: list[AudioContent | AudioChunk] = []
        self._next = 0

    async def transcribe(self, audio: AudioContent | AudioChunk) -> str:
        """Record ``audio`` and return the next scripted transcript."""
        self.calls.append(audio)
        text = self.transcripts[self._next % len(self.transcripts)]
        self._next += 1
        return text

    async def transcribe_stream(
        self, audio_stream: AsyncIterator[AudioChunk]
    ) -> AsyncIterator[TranscriptionResult]:
        """Consume the stream, then yield optional word-by-word partials and the final text."""
        chunks = [chunk async for chunk in audio_stream]
        if not chunks:
            return
        text = await self.transcribe(join_audio_chunks(chunks))
        if self.partials:
            words = text.split()
            for count in range(1, len(words)):
                yield TranscriptionResult(text=" ".join(words[:count]), is_final=False)
        yield TranscriptionResult(text=text, is_final=True)

    def reset(self) -> None:
        """Forget recorded calls and restart the transcript cycle."""
        self.calls.clear()
        self._next = 0
