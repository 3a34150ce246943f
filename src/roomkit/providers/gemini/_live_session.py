"""What :class:`~roomkit.providers.gemini.live.GeminiLiveProvider` keeps per live session.

The WebSocket and its reader task, the audio converters between the session's sample
rates and Gemini's (16 kHz in, 24 kHz out), the transcript text gathered until a turn
ends, the state of the model's current response and the tool calls awaiting a result.

Resampling needs numpy (:mod:`roomkit.voice.codecs`); it is imported only when a
session's rates differ from Gemini's, so sessions at Gemini's own rates run without it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from roomkit.providers.gemini._live_wire import GEMINI_INPUT_RATE
from roomkit.voice.realtime.base import RealtimeSession

if TYPE_CHECKING:
    from websockets.asyncio.client import ClientConnection

    from roomkit.voice.codecs import Resampler

__all__ = ["LiveSession"]


def _resampler(from_rate: int, to_rate: int) -> Resampler | None:
    """A stream resampler, or None when the rates already agree."""
    if from_rate == to_rate:
        return None
    from roomkit.voice.codecs import Resampler  # needs numpy: only when rates differ

    return Resampler(from_rate, to_rate)


@dataclass(eq=False)
class LiveSession:
    """The provider's state for one connected :class:`RealtimeSession`."""

    session: RealtimeSession
    ws: ClientConnection
    input_rate: int
    output_rate: int
    manual_activity: bool
    """True when Gemini's own activity detection is off (``server_vad=False``)."""
    barge_in: bool = False
    """Gemini's activity detection cuts the model's turn when the participant talks."""
    reader: asyncio.Task[None] | None = None
    closing: bool = False
    """Set by disconnect: the reader then stops without firing anything."""
    responding: bool = False
    """The model is in a response (``response_start`` fired, ``response_end`` not yet)."""
    dropping: bool = False
    """A local interrupt cut the current turn: drop its output until the turn ends."""
    user_speaking: bool = False
    """``speech_start`` fired (barge-in); ``speech_end`` is due when the model answers."""
    activity_open: bool = False
    """An ``activityStart`` was sent without its ``activityEnd`` (manual mode)."""
    call_names: dict[str, str] = field(default_factory=dict)
    cancelled_calls: set[str] = field(default_factory=set)
    _user_text: list[str] = field(default_factory=list)
    _assistant_text: list[str] = field(default_factory=list)
    _to_gemini: Resampler | None = None
    _from_gemini: Resampler | None = None
    _from_rate: int = 0

    def __post_init__(self) -> None:
        self._to_gemini = _resampler(self.input_rate, GEMINI_INPUT_RATE)

    def to_gemini(self, pcm16: bytes) -> bytes:
        """The participant's audio at Gemini's input rate (some may be held back)."""
        return pcm16 if self._to_gemini is None else self._to_gemini.process(pcm16)

    def from_gemini(self, pcm16: bytes, rate: int) -> bytes:
        """The model's audio at the session's output rate (some may be held back)."""
        tail = b""
        if rate != self._from_rate:
            tail = self.flush_output()
            self._from_rate = rate
            self._from_gemini = _resampler(rate, self.output_rate)
        converted = pcm16 if self._from_gemini is None else self._from_gemini.process(pcm16)
        return tail + converted

    def flush_output(self) -> bytes:
        """The model audio still held back by the resampler (at the end of a turn)."""
        return b"" if self._from_gemini is None else self._from_gemini.flush()

    def reset_output(self) -> None:
        """Forget model audio held back (the response was cut off)."""
        self._from_gemini = None
        self._from_rate = 0

    def add_user_text(self, text: str) -> str:
        """Append a piece of the participant's transcript; return the text so far."""
        self._user_text.append(text)
        return "".join(self._user_text).strip()

    def add_assistant_text(self, text: str) -> str:
        """Append a piece of the model's transcript; return the text so far."""
        self._assistant_text.append(text)
        return "".join(self._assistant_text).strip()

    def take_user_text(self) -> str:
        """The participant's transcript of the turn, emptied for the next one."""
        text = "".join(self._user_text).strip()
        self._user_text.clear()
        return text

    def take_assistant_text(self) -> str:
        """The model's transcript of the turn, emptied for the next one."""
        text = "".join(self._assistant_text).strip()
        self._assistant_text.clear()
        return text
