"""Speaking text to one voice session: sentence-by-sentence synthesis and playback.

An :class:`Utterance` is one reply spoken to one session. Its sentences arrive one at a
time (all at once for a finished reply, or as a model streams them) and flow through a
two-stage pipeline::

    sentences --> [synthesis: tts.synthesize_stream per sentence] --> chunk queue
              --> [playback: one backend.send_audio over the whole reply]

Synthesis of sentence N+1 runs while sentence N plays, and playback starts with the
first chunk of the first sentence. The utterance records how much audio it handed to
the backend and which sentences were heard completely, so an interruption can say
where it cut. :class:`SessionPlayer` plays a session's utterances one after another.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Literal

from roomkit.models.event import RoomEvent
from roomkit.voice.backends.base import VoiceBackend
from roomkit.voice.base import AudioChunk, VoiceSession
from roomkit.voice.events import TTSCancelReason
from roomkit.voice.tts.base import TTSProvider

__all__ = ["Interruption", "SessionPlayer", "Utterance", "UtteranceState"]

logger = logging.getLogger("roomkit.voice.playback")

UtteranceState = Literal["waiting", "playing", "finished", "cancelled", "failed"]

_END = None


@dataclass(frozen=True)
class Interruption:
    """Where an utterance was cut: what was heard and what was not."""

    reason: TTSCancelReason
    audio_position_ms: int
    spoken_text: str
    """Sentences whose audio was entirely handed to the backend."""
    interrupted_text: str
    """The sentence being played when the cut came, and every sentence after it."""

    def as_metadata(self, session_id: str) -> dict[str, object]:
        """The record kept in the reply event's ``metadata["voice_interruption"]``."""
        return {
            "session_id": session_id,
            "reason": self.reason,
            "audio_position_ms": self.audio_position_ms,
            "spoken_text": self.spoken_text,
            "interrupted_text": self.interrupted_text,
        }


class Utterance:
    """One reply spoken to one session, synthesised and played sentence by sentence."""

    def __init__(
        self,
        session: VoiceSession,
        *,
        tts: TTSProvider,
        backend: VoiceBackend,
        voice: str | None = None,
        event: RoomEvent | None = None,
    ) -> None:
        self.session = session
        self.event = event
        """The room event being spoken, once known (a streamed reply is stored later)."""
        self.voice = voice
        self.state: UtteranceState = "waiting"
        self.sentences: list[str] = []
        self.audio_ms = 0.0
        """Milliseconds of audio handed to the backend so far."""
        self.interruption: Interruption | None = None
        self.error: BaseException | None = None
        self.reported = False
        """Whether AFTER_TTS ran for this utterance."""
        self._tts = tts
        self._backend = backend
        self._incoming: asyncio.Queue[str | None] = asyncio.Queue()
        self._closed = False
        self._current = -1
        """Index of the sentence whose audio is being handed over."""
        self._done = asyncio.Event()
        self._chunks: asyncio.Queue[tuple[int, AudioChunk] | None] | None = None

    @property
    def text(self) -> str:
        """Everything this utterance was asked to say so far."""
        return " ".join(self.sentences)

    @property
    def active(self) -> bool:
        """Whether the utterance is waiting to play or playing."""
        return self.state in ("waiting", "playing")

    @property
    def audio_position_ms(self) -> int:
        """Audio handed to the backend so far, in whole milliseconds."""
        return int(self.audio_ms)

    def add(self, sentence: str) -> None:
        """Queue one more sentence to say (ignored once closed or over)."""
        if self._closed or not self.active or not sentence.strip():
            return
        self.sentences.append(sentence)
        self._incoming.put_nowait(sentence)

    def close(self) -> None:
        """No more sentences will come: the utterance ends after the queued ones."""
        if not self._closed:
            self._closed = True
            self._incoming.put_nowait(_END)

    async def wait(self) -> None:
        """Wait until the utterance finished, was cancelled or failed."""
        await self._done.wait()

    def interrupt(self, reason: TTSCancelReason) -> Interruption | None:
        """Stop speaking; return where the cut came (``None`` if already over)."""
        if not self.active:
            return None
        heard = max(self._current, 0)
        self.interruption = Interruption(
            reason=reason,
            audio_position_ms=self.audio_position_ms,
            spoken_text=" ".join(self.sentences[:heard]),
            interrupted_text=" ".join(self.sentences[heard:]),
        )
        self._finish("cancelled")
        return self.interruption

    async def play(self) -> None:
        """Synthesise and play every sentence; returns when done, cut or failed."""
        if not self.active:
            return
        self.state = "playing"
        chunks = self._chunks = asyncio.Queue()
        producer = asyncio.create_task(self._synthesise(chunks))
        try:
            await self._backend.send_audio(self.session, self._audio(chunks))
        except Exception as exc:
            if self.active:
                self.error = exc
                self._finish("failed")
        finally:
            producer.cancel()
            await asyncio.gather(producer, return_exceptions=True)
        if self.active:
            self._finish("failed" if self.error is not None else "finished")

    def _finish(self, state: UtteranceState) -> None:
        self.state = state
        self._closed = True
        self._done.set()
        if self._chunks is not None:
            self._chunks.put_nowait(_END)  # wake the playback stage if it waits for audio

    async def _synthesise(self, chunks: asyncio.Queue[tuple[int, AudioChunk] | None]) -> None:
        """Stage one: turn each sentence into audio chunks, in order."""
        index = 0
        try:
            while (sentence := await self._incoming.get()) is not _END:
                async for chunk in self._tts.synthesize_stream(sentence, voice=self.voice):
                    await chunks.put((index, chunk))
                index += 1
        except Exception as exc:
            logger.warning("speech synthesis failed for session %s: %r", self.session.id, exc)
            self.error = exc
        finally:
            chunks.put_nowait(_END)

    async def _audio(
        self, chunks: asyncio.Queue[tuple[int, AudioChunk] | None]
    ) -> AsyncIterator[AudioChunk]:
        """Stage two: the chunk stream handed to the backend, tracking what was played."""
        while self.active:
            item = await chunks.get()
            if item is _END or not self.active:
                break
            index, chunk = item
            self._current = index
            self.audio_ms += chunk.duration_ms or 0.0
            yield chunk
        if self.active:
            self._current = len(self.sentences)


class SessionPlayer:
    """Plays a session's utterances in order, one at a time."""

    def __init__(self, session: VoiceSession) -> None:
        self.session = session
        self.queue: list[Utterance] = []
        self.last: Utterance | None = None
        """The utterance playing now, or the one that played last."""
        self._lock = asyncio.Lock()

    @property
    def current(self) -> Utterance | None:
        """The utterance being played right now, if any."""
        last = self.last
        return last if last is not None and last.state == "playing" else None

    async def play(self, utterance: Utterance) -> None:
        """Play ``utterance`` after the ones queued before it."""
        self.queue.append(utterance)
        try:
            async with self._lock:
                if not utterance.active:
                    return
                self.last = utterance
                await utterance.play()
        finally:
            self.queue.remove(utterance)

    def pending(self) -> list[Utterance]:
        """Utterances queued or playing, oldest first."""
        return [u for u in self.queue if u.active]
