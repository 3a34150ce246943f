"""Paced, cancellable playback of audio to one FastRTC client connection.

A :class:`Playout` takes the chunks of a ``send_audio`` call (any sample rate, 16-bit
PCM), converts them to the connection's rate and writes them in short frames, no
further ahead of the listener than ``lead_ms``. Because audio is not dumped into the
connection all at once, :meth:`Playout.cancel` stops a reply within ``lead_ms``, and
``playing`` stays true until the listener has heard the last frame. Calls to
:meth:`Playout.play` queue behind one another.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from roomkit.voice.base import AudioChunk
from roomkit.voice.codecs import Resampler, stereo_to_mono

__all__ = ["Playout"]

logger = logging.getLogger("roomkit.voice.backends.fastrtc")

Write = Callable[[bytes], Awaitable[bool]]
"""Sends one frame of PCM at the playout's rate; False when the connection is gone."""

Clear = Callable[[], Awaitable[None]]
"""Asks the client to drop audio it buffered but has not played."""


@dataclass(eq=False)
class _Playback:
    task: asyncio.Task[None]
    interrupted: bool = False


class _Clock:
    """Tracks how far the audio sent is ahead of what the listener has heard."""

    def __init__(self, lead_s: float) -> None:
        self._loop = asyncio.get_running_loop()
        self._lead = lead_s
        self._start = self._loop.time()
        self._sent = 0.0

    async def wait_turn(self) -> None:
        """Wait until the next frame is due; re-anchor if the listener ran dry."""
        now = self._loop.time()
        if now > self._start + self._sent:
            self._start = now - self._sent
        delay = self._start + self._sent - self._lead - now
        if delay > 0:
            await asyncio.sleep(delay)

    def sent(self, seconds: float) -> None:
        """Count a frame as sent."""
        self._sent += seconds

    async def drain(self) -> None:
        """Wait until the listener has heard everything sent."""
        delay = self._start + self._sent - self._loop.time()
        if delay > 0:
            await asyncio.sleep(delay)


class Playout:
    """Plays audio streams to one connection, one after another, in real time."""

    def __init__(
        self,
        write: Write,
        *,
        sample_rate: int,
        clear: Clear,
        frame_ms: int = 20,
        lead_ms: int = 200,
    ) -> None:
        self.sample_rate = sample_rate
        self._write = write
        self._clear = clear
        self._frame_bytes = 2 * sample_rate * frame_ms // 1000
        self._lead_s = lead_ms / 1000
        self._lock = asyncio.Lock()
        self._playbacks: list[_Playback] = []

    @property
    def playing(self) -> bool:
        """Whether a stream is being played (or waits for its turn)."""
        return any(not p.task.done() for p in self._playbacks)

    async def play(self, audio: AsyncIterator[AudioChunk]) -> None:
        """Play ``audio``; return once it was heard, was cancelled or the connection went."""
        playback = _Playback(asyncio.create_task(self._run(audio)))
        self._playbacks.append(playback)
        try:
            await playback.task
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if (current is not None and current.cancelling() > 0) or not playback.interrupted:
                raise
        finally:
            self._playbacks.remove(playback)
            aclose = getattr(audio, "aclose", None)
            if aclose is not None:
                await aclose()

    async def cancel(self) -> bool:
        """Stop every stream being played or waiting; True if there was one."""
        active = [p for p in self._playbacks if not p.task.done()]
        for playback in active:
            playback.interrupted = True
            playback.task.cancel()
        if active:
            await asyncio.wait([p.task for p in active])
            await self._clear()
        return bool(active)

    async def _run(self, audio: AsyncIterator[AudioChunk]) -> None:
        async with self._lock:
            clock = _Clock(self._lead_s)
            pending = bytearray()
            resampler: Resampler | None = None
            async for chunk in audio:
                pcm = _mono_pcm16(chunk)
                if resampler is None or resampler.from_rate != chunk.sample_rate:
                    if resampler is not None:
                        pending += resampler.flush()
                    resampler = Resampler(chunk.sample_rate, self.sample_rate)
                pending += resampler.process(pcm)
                if not await self._send_frames(pending, clock, final=False):
                    return
            if resampler is not None:
                pending += resampler.flush()
            if await self._send_frames(pending, clock, final=True):
                await clock.drain()

    async def _send_frames(self, pending: bytearray, clock: _Clock, *, final: bool) -> bool:
        """Send whole frames from ``pending`` (and the remainder when ``final``)."""
        while len(pending) >= self._frame_bytes or (final and pending):
            frame = bytes(pending[: self._frame_bytes])
            del pending[: self._frame_bytes]
            await clock.wait_turn()
            if not await self._write(frame):
                logger.debug("playback stopped: the connection is gone")
                return False
            clock.sent(len(frame) / (2 * self.sample_rate))
        return True


def _mono_pcm16(chunk: AudioChunk) -> bytes:
    """The chunk's samples as mono 16-bit PCM (stereo is mixed down)."""
    if chunk.format != "pcm_s16le":
        raise ValueError(f"FastRTC playback needs pcm_s16le audio, got {chunk.format!r}")
    if chunk.channels == 2:
        return stereo_to_mono(chunk.data)
    if chunk.channels != 1:
        raise ValueError(f"FastRTC playback needs mono or stereo audio, got {chunk.channels}")
    return chunk.data
