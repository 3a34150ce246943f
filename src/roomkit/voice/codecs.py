"""Audio sample conversions written once for every backend and provider.

* 16-bit PCM helpers: bytes <-> numpy arrays, float conversion, level in dBFS, mixing
  stereo down to mono, and WAV wrapping.
* G.711 μ-law: the telephony codec (8-bit samples), encoded and decoded with the
  classic segment algorithm (bias 0x84, clip 32635), vectorised with numpy.
* Resampling between sample rates: a windowed-sinc low-pass filter removes what the
  target rate cannot represent (when going down), then linear interpolation places
  the samples at the new rate. It is stateless, so each call handles one buffer;
  use :class:`Resampler` for a live stream so chunk boundaries leave no clicks.

numpy is used instead of the standard library's ``audioop``, which warns on 3.12 and
is gone in 3.13. numpy is an optional dependency (extras ``voice-local``,
``fastrtc``, ``openai-realtime`` and ``gemini-live``), imported when this module is.
"""

from __future__ import annotations

import io
import math
import wave

try:
    import numpy as np
    import numpy.typing as npt
except ImportError as exc:  # pragma: no cover - numpy ships with the dev environment
    raise ImportError(
        "roomkit.voice.codecs needs numpy; install it with: pip install 'roomkit[voice-local]'"
    ) from exc

__all__ = [
    "Resampler",
    "float_to_pcm16",
    "level_dbfs",
    "mulaw_decode",
    "mulaw_encode",
    "pcm16_from_array",
    "pcm16_to_array",
    "pcm16_to_float",
    "pcm16_to_wav",
    "resample_pcm16",
    "stereo_to_mono",
    "wav_to_pcm16",
]

Int16Array = npt.NDArray[np.int16]
FloatArray = npt.NDArray[np.float64]

_MULAW_BIAS = 0x84
_MULAW_CLIP = 32635
_FILTER_HALF_WIDTH = 16
"""Taps on each side of the low-pass kernel's centre."""


# --- 16-bit PCM ---------------------------------------------------------------------


def pcm16_to_array(data: bytes) -> Int16Array:
    """View little-endian 16-bit PCM bytes as an int16 array (a trailing odd byte is dropped)."""
    usable = len(data) - len(data) % 2
    return np.frombuffer(data[:usable], dtype="<i2").astype(np.int16, copy=False)


def pcm16_from_array(samples: npt.ArrayLike) -> bytes:
    """Turn samples (any numeric array) into little-endian 16-bit PCM, clipping to range."""
    values = np.asarray(samples)
    if values.dtype != np.int16:
        values = np.clip(np.rint(values), -32768, 32767)
    return values.astype("<i2").tobytes()


def pcm16_to_float(data: bytes) -> FloatArray:
    """Decode 16-bit PCM to floats in [-1.0, 1.0)."""
    return pcm16_to_array(data).astype(np.float64) / 32768.0


def float_to_pcm16(samples: npt.ArrayLike) -> bytes:
    """Encode floats in [-1.0, 1.0] as 16-bit PCM (values outside are clipped)."""
    return pcm16_from_array(np.asarray(samples, dtype=np.float64) * 32768.0)


def stereo_to_mono(data: bytes) -> bytes:
    """Average the two channels of interleaved 16-bit stereo PCM."""
    samples = pcm16_to_array(data).astype(np.int32)
    frames = samples[: len(samples) - len(samples) % 2].reshape(-1, 2)
    return pcm16_from_array(frames.mean(axis=1))


def level_dbfs(data: bytes) -> float:
    """Root-mean-square level of 16-bit PCM in dB below full scale (-inf for silence)."""
    samples = pcm16_to_array(data).astype(np.float64)
    if samples.size == 0:
        return -math.inf
    rms = float(np.sqrt(np.mean(np.square(samples))))
    if rms == 0.0:
        return -math.inf
    return 20.0 * math.log10(rms / 32768.0)


def pcm16_to_wav(data: bytes, sample_rate: int, channels: int = 1) -> bytes:
    """Wrap raw 16-bit PCM in a WAV container."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(data)
    return buffer.getvalue()


def wav_to_pcm16(data: bytes) -> tuple[bytes, int, int]:
    """Read a 16-bit WAV file: return ``(pcm, sample_rate, channels)``.

    Raises ``ValueError`` for another sample width or a malformed file.
    """
    try:
        with wave.open(io.BytesIO(data), "rb") as wav:
            if wav.getsampwidth() != 2:
                raise ValueError(f"expected 16-bit samples, got {8 * wav.getsampwidth()}-bit")
            return wav.readframes(wav.getnframes()), wav.getframerate(), wav.getnchannels()
    except (wave.Error, EOFError) as exc:
        raise ValueError(f"not a readable WAV file: {exc}") from exc


# --- G.711 μ-law ----------------------------------------------------------------------


def mulaw_encode(data: bytes) -> bytes:
    """Encode 16-bit PCM as G.711 μ-law, one byte per sample."""
    samples = pcm16_to_array(data).astype(np.int32)
    sign = np.where(samples < 0, 0x80, 0x00)
    magnitude = np.minimum(np.abs(samples), _MULAW_CLIP) + _MULAW_BIAS
    # The segment is the position of the highest set bit above bit 7 (0..7).
    exponent = np.floor(np.log2(magnitude)).astype(np.int32) - 7
    exponent = np.clip(exponent, 0, 7)
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    encoded = ~(sign | (exponent << 4) | mantissa) & 0xFF
    return bytes(encoded.astype(np.uint8).tobytes())


def mulaw_decode(data: bytes) -> bytes:
    """Decode G.711 μ-law bytes to 16-bit PCM."""
    codes = ~np.frombuffer(data, dtype=np.uint8).astype(np.int32) & 0xFF
    sign = codes & 0x80
    exponent = (codes >> 4) & 0x07
    mantissa = codes & 0x0F
    magnitude = (((mantissa << 3) + _MULAW_BIAS) << exponent) - _MULAW_BIAS
    return pcm16_from_array(np.where(sign != 0, -magnitude, magnitude))


# --- resampling ------------------------------------------------------------------------


def _lowpass_kernel(cutoff: float) -> FloatArray:
    """A Blackman-windowed sinc low-pass filter; ``cutoff`` is a fraction of the input rate."""
    taps = np.arange(-_FILTER_HALF_WIDTH, _FILTER_HALF_WIDTH + 1, dtype=np.float64)
    kernel = 2.0 * cutoff * np.sinc(2.0 * cutoff * taps) * np.blackman(taps.size)
    result: FloatArray = kernel / kernel.sum()
    return result


def _check_rates(from_rate: int, to_rate: int) -> None:
    if from_rate <= 0 or to_rate <= 0:
        raise ValueError("sample rates must be positive")


def resample_pcm16(data: bytes, from_rate: int, to_rate: int) -> bytes:
    """Convert a whole buffer of mono 16-bit PCM from ``from_rate`` to ``to_rate``."""
    _check_rates(from_rate, to_rate)
    if from_rate == to_rate or not data:
        return data[: len(data) - len(data) % 2]
    samples = pcm16_to_array(data).astype(np.float64)
    if to_rate < from_rate:
        # Keep 90 % of the target's Nyquist band, leaving room for the filter's slope.
        cutoff = 0.45 * to_rate / from_rate
        samples = np.convolve(samples, _lowpass_kernel(cutoff), mode="same")
    count = int(round(samples.size * to_rate / from_rate))
    positions = np.arange(count, dtype=np.float64) * (from_rate / to_rate)
    return pcm16_from_array(np.interp(positions, np.arange(samples.size), samples))


class Resampler:
    """Resamples a stream of mono 16-bit PCM chunk by chunk without seams.

    It keeps the filter's history and the fractional read position between calls, so
    the concatenated output equals resampling the concatenated input (up to the last
    few samples, held back until more input or :meth:`flush`).
    """

    def __init__(self, from_rate: int, to_rate: int) -> None:
        _check_rates(from_rate, to_rate)
        self.from_rate = from_rate
        self.to_rate = to_rate
        self._step = from_rate / to_rate
        self._kernel = _lowpass_kernel(0.45 * to_rate / from_rate) if to_rate < from_rate else None
        self._pending = np.zeros(0, dtype=np.float64)
        """Input samples not yet filtered (the filter needs look-ahead)."""
        self._history = np.zeros(_FILTER_HALF_WIDTH, dtype=np.float64)
        self._filtered = np.zeros(0, dtype=np.float64)
        """Filtered samples from the current read position onwards."""
        self._position = 0.0
        """Read position in ``_filtered`` of the next output sample."""
        self._odd_byte = b""

    def process(self, data: bytes) -> bytes:
        """Resample the next chunk; some output may be held back until the next call."""
        data = self._odd_byte + data
        self._odd_byte = data[len(data) - len(data) % 2 :]
        samples = pcm16_to_array(data).astype(np.float64)
        return self._emit(self._filter(samples, final=False))

    def flush(self) -> bytes:
        """Return the samples still held back (call once when the stream ends)."""
        out = self._emit(self._filter(np.zeros(0), final=True), final=True)
        self._pending = np.zeros(0, dtype=np.float64)
        self._history = np.zeros(_FILTER_HALF_WIDTH, dtype=np.float64)
        self._filtered = np.zeros(0, dtype=np.float64)
        self._position = 0.0
        self._odd_byte = b""
        return out

    def _filter(self, samples: FloatArray, *, final: bool) -> FloatArray:
        if self._kernel is None:
            return samples
        pending = np.concatenate([self._pending, samples])
        if final:
            pending = np.concatenate([pending, np.zeros(_FILTER_HALF_WIDTH)])
        ready = pending.size - _FILTER_HALF_WIDTH
        if ready <= 0:
            self._pending = pending
            return np.zeros(0, dtype=np.float64)
        window = np.concatenate([self._history, pending])
        filtered = np.convolve(window, self._kernel, mode="valid")[:ready]
        consumed = pending[:ready]
        self._history = np.concatenate([self._history, consumed])[-_FILTER_HALF_WIDTH:]
        self._pending = pending[ready:]
        result: FloatArray = filtered
        return result

    def _emit(self, filtered: FloatArray, *, final: bool = False) -> bytes:
        buffer = np.concatenate([self._filtered, filtered])
        # Interpolation needs the sample after each position, except at the very end.
        limit = buffer.size - (0 if final else 1)
        if limit <= self._position:
            self._filtered = buffer
            return b""
        count = int(math.ceil((limit - self._position) / self._step))
        positions = self._position + np.arange(count) * self._step
        positions = positions[positions < limit] if final else positions
        out = np.interp(positions, np.arange(buffer.size), buffer)
        self._position += positions.size * self._step
        drop = min(int(self._position), buffer.size)
        self._filtered = buffer[drop:]
        self._position -= drop
        return pcm16_from_array(out)
