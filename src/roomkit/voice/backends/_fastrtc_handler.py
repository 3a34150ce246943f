"""The fastrtc ``ReplyOnPause`` handler behind :class:`FastRTCVoiceBackend`.

fastrtc copies the handler for every client connection and drives the copy from
worker threads: ``receive`` gets the caller's audio, ``emit`` is polled for audio to
send back, ``start_up`` runs once the connection is known. ``ReplyOnPause`` does the
pause detection; this subclass turns its decisions into backend events instead of
running a reply generator:

* the moment it decides the caller *started talking* -> ``speech_started``;
* a pause after speech -> its reply function gets the utterance -> ``speech_ended``.

Two adjustments keep utterances whole and their edges independent of thread timing:
``ReplyOnPause`` starts collecting an utterance with the chunk (~0.6 s) in which it
heard enough speech, losing a first word that began in the chunk before, so that chunk
is put back in front; and it keeps adding audio to an utterance whose pause it already
detected until ``emit`` gets round to it (or drops audio while the reply runs), so
audio arriving in between is held and fed in once the utterance was handed over.

Events are handed to the event loop with ``call_soon_threadsafe`` and never wait for
the backend's callbacks, so a slow callback cannot stall the audio. ``emit`` waits
briefly for outbound frames (used by WebRTC peers; WebSocket clients are written to
directly by the backend) instead of returning at once, which would make fastrtc spin.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Generator
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from roomkit.voice._fastrtc import (
    AlgoOptions,
    EmitType,
    Frame,
    Peer,
    ReplyOnPause,
    get_current_context,
    pcm16_from_frame,
)

__all__ = ["EMIT_WAIT_S", "PauseHandler", "PauseOwner"]

EMIT_WAIT_S = 0.05
"""How long ``emit`` waits for an outbound frame before telling fastrtc "nothing"."""


class PauseOwner(Protocol):
    """What the handler reports to (the backend); every method runs on the event loop."""

    async def client_connected(self, peer: Peer) -> None:
        """A client connected (``peer`` is its connection)."""

    def speech_started(self, peer: Peer) -> None:
        """Pause detection decided the caller started talking."""

    def speech_ended(self, peer: Peer, sample_rate: int, pcm: bytes) -> None:
        """The caller paused after speaking; ``pcm`` is the utterance."""


class PauseHandler(ReplyOnPause):
    """``ReplyOnPause`` reporting speech start/end of one connection to its owner."""

    def __init__(
        self,
        owner: PauseOwner,
        *,
        input_sample_rate: int,
        output_sample_rate: int,
        model: Any,
        algo_options: AlgoOptions | None = None,
        model_options: Any = None,
    ) -> None:
        super().__init__(
            self._on_pause,
            algo_options=algo_options,
            model_options=model_options,
            can_interrupt=False,  # interruptions are the voice channel's decision
            output_sample_rate=output_sample_rate,
            input_sample_rate=input_sample_rate,
            model=model,
        )
        self.owner = owner
        self.peer: Peer | None = None
        self._frames: queue.Queue[Frame] = queue.Queue()
        self._preroll: npt.NDArray[Any] | None = None
        """The last chunk judged before the caller started talking."""
        self._held: list[tuple[int, Any]] = []
        """Audio received after a pause was detected, before the utterance was handed over."""
        self._turn = threading.Lock()

    def copy(self) -> PauseHandler:
        """A fresh handler with the same settings (fastrtc makes one per connection)."""
        return PauseHandler(
            self.owner,
            input_sample_rate=self.input_sample_rate,
            output_sample_rate=self.output_sample_rate,
            model=self.model,
            algo_options=self.algo_options,
            model_options=self.model_options,
        )

    def start_up(self) -> None:
        """Learn which connection this copy serves and introduce it to the owner."""
        context = get_current_context()
        self.peer = Peer(context.webrtc_id, self, context.websocket, bool(self.phone_mode))
        connected = self.owner.client_connected(self.peer)
        asyncio.run_coroutine_threadsafe(connected, self.loop).result()

    def receive(self, frame: tuple[int, Any]) -> None:
        """Feed the pause detection (or hold the frame while an utterance is handed over)."""
        with self._turn:
            if self.event.is_set():
                self._held.append(frame)
            else:
                self._judge(frame)

    def _judge(self, frame: tuple[int, Any]) -> None:
        """ReplyOnPause's ``receive``; report the moment the caller starts talking."""
        talking = self.state.started_talking
        super().receive(frame)
        if self.peer is not None and self.state.started_talking and not talking:
            self.loop.call_soon_threadsafe(self.owner.speech_started, self.peer)

    def determine_pause(self, audio: npt.NDArray[Any], sampling_rate: int, state: Any) -> bool:
        """ReplyOnPause's decision, keeping the chunk before speech as the utterance's start."""
        judged = len(audio) / sampling_rate >= self.algo_options.audio_chunk_duration
        talking = state.started_talking
        paused: bool = super().determine_pause(audio, sampling_rate, state)
        if judged and not talking:
            if state.started_talking and self._preroll is not None:
                state.stream = np.concatenate((self._preroll, state.stream))
            self._preroll = None if state.started_talking else audio
        return paused

    def _on_pause(self, audio: Frame) -> Generator[EmitType, None, None]:
        """ReplyOnPause's reply function: hand the utterance over; nothing to play."""
        sample_rate, samples = audio
        if self.peer is not None and samples.size:
            pcm = pcm16_from_frame(samples)
            self.loop.call_soon_threadsafe(self.owner.speech_ended, self.peer, sample_rate, pcm)
        yield from ()

    def emit(self) -> EmitType:
        """Run the reply after a pause, else the next outbound frame (waiting briefly)."""
        if self.event.is_set():
            try:
                reply: EmitType = super().emit()  # type: ignore[no-untyped-call]
            finally:
                self._release_held()
            return reply
        try:
            return self._frames.get(timeout=EMIT_WAIT_S)
        except queue.Empty:
            return None

    def _release_held(self) -> None:
        """Feed the held audio, in order, unless it ends another utterance first."""
        with self._turn:
            while self._held and not self.event.is_set():
                self._judge(self._held.pop(0))

    def push_frame(self, frame: Frame) -> None:
        """Queue a frame for ``emit`` (the WebRTC path)."""
        self._frames.put(frame)

    def drop_frames(self) -> None:
        """Forget queued frames, here and in fastrtc's own output queue."""
        while True:
            try:
                self._frames.get_nowait()
            except queue.Empty:
                break
        if self._clear_queue is not None:
            self._clear_queue()
