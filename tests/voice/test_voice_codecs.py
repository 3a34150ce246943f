"""Audio codecs: 16-bit PCM helpers, G.711 μ-law and resampling, against known values."""

from __future__ import annotations

import io
import math
import wave

import numpy as np
import pytest

from roomkit.voice.codecs import (
    Resampler,
    float_to_pcm16,
    level_dbfs,
    mulaw_decode,
    mulaw_encode,
    pcm16_from_array,
    pcm16_to_array,
    pcm16_to_float,
    pcm16_to_wav,
    resample_pcm16,
    stereo_to_mono,
    wav_to_pcm16,
)


def tone(freq: float, rate: int, seconds: float = 1.0, amplitude: float = 0.5) -> bytes:
    t = np.arange(int(rate * seconds)) / rate
    return float_to_pcm16(amplitude * np.sin(2 * np.pi * freq * t))


def dominant_hz(pcm: bytes, rate: int) -> float:
    samples = pcm16_to_array(pcm).astype(np.float64)
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(samples.size)))
    return float(np.argmax(spectrum) * rate / samples.size)


def reference_mulaw(sample: int) -> int:
    """The classic G.711 encoder, one sample at a time (independent of numpy)."""
    sign = 0x80 if sample < 0 else 0
    magnitude = min(abs(sample), 32635) + 0x84
    exponent = 7
    while exponent > 0 and not magnitude & (0x4000 >> (7 - exponent)):
        exponent -= 1
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return ~(sign | (exponent << 4) | mantissa) & 0xFF


# --- μ-law ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sample", "code", "decoded"),
    [
        (0, 0xFF, 0),
        (-1, 0x7F, 0),
        (1000, 0xCE, 988),
        (-1000, 0x4E, -988),
        (32767, 0x80, 32124),
        (-32768, 0x00, -32124),
    ],
)
def test_mulaw_known_values(sample: int, code: int, decoded: int) -> None:
    encoded = mulaw_encode(pcm16_from_array([sample]))
    assert encoded == bytes([code])
    assert pcm16_to_array(mulaw_decode(encoded)).tolist() == [decoded]


def test_mulaw_matches_the_reference_encoder_for_every_sample() -> None:
    every = np.arange(-32768, 32768, dtype=np.int32)
    encoded = mulaw_encode(pcm16_from_array(every))
    assert list(encoded) == [reference_mulaw(int(s)) for s in every]


def test_mulaw_round_trip_error_stays_within_the_segment_step() -> None:
    every = np.arange(-32635, 32636, dtype=np.int32)
    decoded = pcm16_to_array(mulaw_decode(mulaw_encode(pcm16_from_array(every))))
    error = np.abs(decoded.astype(np.int32) - every)
    # The step doubles with each segment: never more than 1/16 of the value plus a bit.
    assert np.all(error <= np.abs(every) // 16 + 8)
    assert len(mulaw_encode(b"\x00\x00" * 160)) == 160


def test_every_mulaw_code_decodes_and_reencodes_to_itself() -> None:
    codes = bytes(range(256))
    again = mulaw_encode(mulaw_decode(codes))
    # 0x7F (negative zero) re-encodes as 0xFF (positive zero); every other code is stable.
    assert [a for a, b in zip(codes, again, strict=True) if a != b] == [0x7F]


# --- PCM helpers -----------------------------------------------------------------------


def test_pcm_bytes_and_arrays() -> None:
    assert pcm16_to_array(b"\x01\x00\xff\xff\x07").tolist() == [1, -1]  # odd byte dropped
    assert pcm16_from_array([40000, -40000, 1.6]) == pcm16_from_array([32767, -32768, 2])
    assert pcm16_from_array(np.array([5], dtype=np.int16)) == b"\x05\x00"


def test_float_conversion() -> None:
    pcm = float_to_pcm16([0.0, 0.5, -1.0, 2.0])
    assert pcm16_to_array(pcm).tolist() == [0, 16384, -32768, 32767]
    assert pcm16_to_float(pcm).tolist() == pytest.approx([0.0, 0.5, -1.0, 32767 / 32768])


def test_stereo_to_mono_averages_the_channels() -> None:
    stereo = pcm16_from_array([100, 300, -50, -150, 7, 8, 9])
    assert pcm16_to_array(stereo_to_mono(stereo)).tolist() == [200, -100, 8]


def test_level_in_dbfs() -> None:
    assert level_dbfs(b"") == -math.inf
    assert level_dbfs(b"\x00\x00" * 100) == -math.inf
    assert level_dbfs(tone(440, 16000, amplitude=0.5)) == pytest.approx(-9.03, abs=0.05)
    assert level_dbfs(pcm16_from_array([-32768, -32768])) == pytest.approx(0.0)


def test_wav_round_trip() -> None:
    pcm = tone(300, 8000, seconds=0.1)
    wav_bytes = pcm16_to_wav(pcm, 8000)
    assert wav_bytes[:4] == b"RIFF"
    assert wav_to_pcm16(wav_bytes) == (pcm, 8000, 1)


def test_wav_errors() -> None:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(1)
        wav.setframerate(8000)
        wav.writeframes(b"\x80" * 10)
    with pytest.raises(ValueError, match="16-bit"):
        wav_to_pcm16(buffer.getvalue())
    with pytest.raises(ValueError, match="not a readable WAV"):
        wav_to_pcm16(b"not a wav at all")


# --- resampling -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("from_rate", "to_rate"), [(16000, 8000), (8000, 16000), (22050, 16000), (48000, 24000)]
)
def test_resampling_keeps_duration_and_pitch(from_rate: int, to_rate: int) -> None:
    out = resample_pcm16(tone(440, from_rate), from_rate, to_rate)
    assert len(out) // 2 == to_rate
    assert dominant_hz(out, to_rate) == pytest.approx(440, abs=2)


def test_downsampling_removes_what_the_target_cannot_carry() -> None:
    high = tone(7000, 22050)  # above the 4 kHz Nyquist limit of 8 kHz audio
    filtered = resample_pcm16(high, 22050, 8000)
    assert level_dbfs(filtered) < level_dbfs(high) - 30


def test_resampling_edge_cases() -> None:
    assert resample_pcm16(b"\x01\x00\x02", 16000, 16000) == b"\x01\x00"
    assert resample_pcm16(b"", 16000, 8000) == b""
    with pytest.raises(ValueError, match="positive"):
        resample_pcm16(b"\x00\x00", 0, 8000)
    with pytest.raises(ValueError, match="positive"):
        Resampler(16000, -1)


@pytest.mark.parametrize(("from_rate", "to_rate"), [(22050, 16000), (8000, 16000), (16000, 8000)])
def test_a_stream_resamples_like_the_whole_buffer(from_rate: int, to_rate: int) -> None:
    audio = tone(440, from_rate, seconds=0.5)
    resampler = Resampler(from_rate, to_rate)
    pieces = [resampler.process(audio[i : i + 333]) for i in range(0, len(audio), 333)]
    streamed = pcm16_to_array(b"".join(pieces) + resampler.flush()).astype(np.int32)
    whole = pcm16_to_array(resample_pcm16(audio, from_rate, to_rate)).astype(np.int32)
    assert abs(streamed.size - whole.size) <= 1
    common = min(streamed.size, whole.size)
    assert np.max(np.abs(streamed[:common] - whole[:common])) <= 2


def test_a_resampler_can_be_reused_after_flush() -> None:
    resampler = Resampler(16000, 8000)
    first = resampler.process(tone(440, 16000, seconds=0.1)) + resampler.flush()
    second = resampler.process(tone(440, 16000, seconds=0.1)) + resampler.flush()
    assert first == second
    assert resampler.process(b"\x00") == b""  # half a sample waits for its other byte
