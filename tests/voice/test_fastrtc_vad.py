"""LocalPauseDetectionModel: fastrtc's pause-detection protocol on the bundled Silero model."""

from __future__ import annotations

import numpy as np
import pytest
from local_audio import noise, silence, spoken_16k

from roomkit.voice.backends.fastrtc_vad import LocalPauseDetectionModel, LocalPauseOptions
from roomkit.voice.codecs import pcm16_to_array, pcm16_to_float, resample_pcm16


@pytest.fixture(scope="module")
def model() -> LocalPauseDetectionModel:
    return LocalPauseDetectionModel()


async def test_speech_is_measured_and_located(model: LocalPauseDetectionModel) -> None:
    audio = await spoken_16k(lead_ms=500, tail_ms=500)

    seconds, spans = model.vad((16000, pcm16_to_array(audio)), None)

    assert 1.0 < seconds < len(audio) / 2 / 16000 - 0.8
    assert spans and spans[0]["start"] >= 16000 * 0.4
    assert spans[-1]["end"] <= len(audio) // 2 - 16000 * 0.3
    assert seconds == sum(s["end"] - s["start"] for s in spans) / 16000


def test_silence_and_hiss_are_not_speech(model: LocalPauseDetectionModel) -> None:
    for audio in (silence(600), noise(600)):
        assert model.vad((16000, pcm16_to_array(audio)), None) == (0.0, [])


async def test_other_rates_and_float_samples_are_accepted(model: LocalPauseDetectionModel) -> None:
    audio = await spoken_16k(lead_ms=100, tail_ms=100)
    reference, _ = model.vad((16000, pcm16_to_array(audio)), None)

    at_48k = resample_pcm16(audio, 16000, 48000)
    floats = pcm16_to_float(at_48k).astype(np.float32).reshape(1, -1)
    seconds, _ = model.vad((48000, floats), None)

    assert seconds == pytest.approx(reference, abs=0.2)


async def test_the_threshold_can_be_set_per_call(model: LocalPauseDetectionModel) -> None:
    audio = pcm16_to_array(await spoken_16k(lead_ms=100, tail_ms=100))

    strict, _ = model.vad((16000, audio), LocalPauseOptions(threshold=0.99))
    default, _ = model.vad((16000, audio), LocalPauseOptions())

    assert strict < default
    assert default == model.vad((16000, audio), None)[0]
    with pytest.raises(TypeError, match="LocalPauseOptions"):
        model.vad((16000, audio), {"threshold": 0.3})


def test_speech_running_to_the_end_of_the_chunk_is_one_open_span() -> None:
    model = LocalPauseDetectionModel(threshold=0.01)  # everything but digital silence
    audio = silence(320) + noise(320, level=0.3)

    seconds, spans = model.vad((16000, pcm16_to_array(audio)), None)

    assert spans[-1]["end"] == len(audio) // 2
    assert seconds > 0.2
    model.warmup()
    assert model.threshold == 0.01
