"""Speaking an AI reply while it is generated, so the first audio comes after one sentence.

Design. The room's :class:`~roomkit.channels.ai.AIChannel` stays in charge of the reply:
it asks its provider, turns the answer into one room event and the pipeline stores and
broadcasts it as usual. :class:`VoiceStreamingProvider` wraps that provider. When the
AI is answering a transcription the voice channel is processing (a *voice turn*), the
wrapper calls the wrapped provider's ``generate_stream`` instead of ``generate`` and
feeds the deltas to a :class:`ReplyStream`, which cuts them into sentences
(:class:`~roomkit.voice.sentences.SentenceSplitter`), runs each through the
``BEFORE_TTS`` hooks and hands it to the :class:`~roomkit.voice.playback.Utterance` of
every voice session in the room. Three stages then overlap: the model writes sentence
N+2 while sentence N+1 is synthesised and sentence N plays. When the model is done,
the wrapper returns the whole text as one response, so the room still gets exactly one
reply event; the voice channel recognises that event when it is delivered and does not
speak it a second time.

If every session interrupts the reply (barge-in), the wrapper stops reading the
model's stream (the rest of the reply is dropped) and returns what was generated so
far, marked with ``finish_reason="interrupted"``.

Outside a voice turn, for requests carrying tools (tool calls need ``generate``), or
when no session listens in the room, the wrapper passes requests straight through.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING

from roomkit.models.ai import AIContext, AIResponse
from roomkit.providers.ai.base import AIProvider
from roomkit.voice.playback import Utterance
from roomkit.voice.sentences import SentenceSplitter

if TYPE_CHECKING:
    from roomkit.channels.voice import VoiceChannel

__all__ = ["ReplyStream", "SentenceFilter", "VoiceStreamingProvider"]

logger = logging.getLogger("roomkit.voice.streaming")

SentenceFilter = Callable[[str], Awaitable[str | None]]
"""Rewrites a sentence before synthesis, or returns ``None`` to skip it."""


class ReplyStream:
    """A reply being generated and spoken to the voice sessions of one room."""

    def __init__(
        self,
        utterances: list[Utterance],
        *,
        channel_id: str | None = None,
        sentence_filter: SentenceFilter | None = None,
    ) -> None:
        if not utterances:
            raise ValueError("a reply stream needs at least one utterance")
        self.utterances = utterances
        self.channel_id = channel_id
        """Id of the AI channel whose reply this is (``None`` if not found)."""
        self.finished = False
        self._filter = sentence_filter
        self._splitter = SentenceSplitter()
        self._parts: list[str] = []

    @property
    def text(self) -> str:
        """Everything generated so far."""
        return "".join(self._parts)

    @property
    def interrupted(self) -> bool:
        """Whether every session cut the reply off (nobody listens any more)."""
        return all(u.state == "cancelled" for u in self.utterances)

    async def feed(self, delta: str) -> None:
        """Take the next piece of generated text; speak the sentences it completes."""
        self._parts.append(delta)
        if self.interrupted:
            return
        for sentence in self._splitter.feed(delta):
            await self._say(sentence)

    async def finish(self, *, complete: bool = True) -> None:
        """The model is done: speak the last sentence and close the utterances.

        With ``complete=False`` (the model failed or its reader stopped early) an
        unfinished last sentence is dropped rather than spoken.
        """
        if self.finished:
            return
        self.finished = True
        rest = self._splitter.flush()
        if complete and rest is not None and not self.interrupted:
            await self._say(rest)
        for utterance in self.utterances:
            utterance.close()

    async def speak(self, deltas: AsyncIterator[str]) -> str:
        """Consume a model stream, speaking it; stop early if the reply is interrupted."""
        reader = asyncio.create_task(self._read(deltas))
        stopper = asyncio.create_task(self._until_interrupted())
        try:
            await asyncio.wait({reader, stopper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopper.cancel()
            if not reader.done():
                reader.cancel()
            await asyncio.gather(stopper, reader, return_exceptions=True)
        error = None if reader.cancelled() else reader.exception()
        await self.finish(complete=error is None)
        if error is not None:
            raise error
        return self.text

    async def _read(self, deltas: AsyncIterator[str]) -> None:
        try:
            async for delta in deltas:
                await self.feed(delta)
        finally:
            await _close(deltas)

    async def _until_interrupted(self) -> None:
        """Return once every utterance was cut off; wait forever if one ends otherwise."""
        await asyncio.gather(*(u.wait() for u in self.utterances))
        if not self.interrupted:
            await asyncio.Event().wait()

    async def _say(self, sentence: str) -> None:
        text: str | None = sentence
        if self._filter is not None:
            text = await self._filter(sentence)
        if text:
            for utterance in self.utterances:
                utterance.add(text)


async def _close(stream: AsyncIterator[str]) -> None:
    """Close an async generator early (stops the vendor's HTTP stream)."""
    aclose = getattr(stream, "aclose", None)
    if aclose is not None:
        await aclose()


class VoiceStreamingProvider(AIProvider):
    """Wraps an AI provider so replies to voice turns are spoken while generated.

    Give it to the room's AI channel:
    ``AIChannel("ai", provider=VoiceStreamingProvider(provider, voice_channel))``.
    """

    def __init__(self, provider: AIProvider, voice: VoiceChannel) -> None:
        self.provider = provider
        self.voice = voice

    @property
    def name(self) -> str:
        """The wrapped provider's name."""
        return self.provider.name

    @property
    def model_name(self) -> str:
        """The wrapped provider's model."""
        return self.provider.model_name

    @property
    def supports_vision(self) -> bool:
        """Whether the wrapped provider understands images."""
        return self.provider.supports_vision

    def _claim(self, context: AIContext) -> ReplyStream | None:
        if context.room is None or context.tools:
            return None
        return self.voice.claim_reply_stream(context.room, self)

    async def generate(self, context: AIContext) -> AIResponse:
        """Generate a reply; during a voice turn, stream and speak it sentence by sentence."""
        stream = self._claim(context)
        if stream is None:
            return await self.provider.generate(context)
        text = await stream.speak(self.provider.generate_stream(context))
        reason = "interrupted" if stream.interrupted else "stop"
        return AIResponse(content=text, finish_reason=reason)

    async def generate_stream(self, context: AIContext) -> AsyncIterator[str]:
        """Yield the reply's deltas; during a voice turn, speak them as they pass."""
        stream = self._claim(context)
        deltas = self.provider.generate_stream(context)
        complete = False
        try:
            async for delta in deltas:
                if stream is not None:
                    await stream.feed(delta)
                yield delta
                if stream is not None and stream.interrupted:
                    break
            else:
                complete = True
        finally:
            await _close(deltas)
            if stream is not None:
                await stream.finish(complete=complete)

    async def close(self) -> None:
        """Close the wrapped provider."""
        await self.provider.close()
