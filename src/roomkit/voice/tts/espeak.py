"""Offline text-to-speech with eSpeak NG, through the library ``espeakng-loader`` ships.

``espeakng-loader`` bundles ``libespeak-ng`` and its voice data; this module drives the
library directly with ctypes. The library keeps one global state per process (voice,
rate, callback), so every synthesis holds one process-wide lock. Synthesis runs in a
worker thread and its audio (16-bit mono PCM at 22,050 Hz) streams back to the event
loop chunk by chunk as the engine produces it.

Install with ``pip install 'roomkit[voice-local]'``.
"""

from __future__ import annotations

import asyncio
import base64
import ctypes
import logging
import threading
from collections.abc import AsyncIterator, Callable
from typing import Any

from roomkit.errors import ConfigurationError
from roomkit.models.content import AudioContent
from roomkit.voice.base import AudioChunk
from roomkit.voice.codecs import pcm16_to_wav
from roomkit.voice.tts.base import TTSProvider

try:
    import espeakng_loader  # type: ignore[import-untyped]
except ImportError as exc:  # pragma: no cover - the extra ships with the dev environment
    raise ImportError(
        "EspeakTTSProvider needs espeakng-loader; "
        "install it with: pip install 'roomkit[voice-local]'"
    ) from exc

__all__ = ["EspeakTTSProvider"]

logger = logging.getLogger("roomkit.voice.tts.espeak")

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_DONT_EXIT = 0x8000
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_PARAM_RATE, _PARAM_VOLUME, _PARAM_PITCH = 1, 2, 3
_CONTINUE, _ABORT = 0, 1

_SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)
Sink = Callable[[bytes], bool]
"""Receives each block of samples; returns False to stop the synthesis."""


class _Engine:
    """The process-wide eSpeak NG library: loaded once, used under one lock."""

    lock = threading.Lock()
    _instance: _Engine | None = None

    def __init__(self) -> None:
        lib = ctypes.CDLL(espeakng_loader.get_library_path())
        lib.espeak_Initialize.argtypes = [
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_char_p,
            ctypes.c_int,
        ]
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.argtypes = [
            ctypes.c_void_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        data = espeakng_loader.get_data_path().encode()
        rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data, _INITIALIZE_DONT_EXIT)
        if rate <= 0:  # pragma: no cover - only with a broken installation
            raise ConfigurationError("eSpeak NG failed to initialise")
        self.sample_rate: int = rate
        self._lib = lib
        self._sink: Sink | None = None
        self._callback = _SynthCallback(self._receive)  # kept alive as long as the engine
        lib.espeak_SetSynthCallback(self._callback)

    @classmethod
    def get(cls) -> _Engine:
        """The engine, initialised on first use."""
        with cls.lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def _receive(self, wav: Any, samples: int, events: Any) -> int:
        if samples <= 0 or not wav or self._sink is None:
            return _CONTINUE
        return _CONTINUE if self._sink(ctypes.string_at(wav, samples * 2)) else _ABORT

    def speak(self, text: str, voice: str, settings: dict[int, int], sink: Sink) -> None:
        """Synthesise ``text`` (call from a worker thread); blocks until done or stopped."""
        with self.lock:
            if self._lib.espeak_SetVoiceByName(voice.encode()) != 0:
                raise ConfigurationError(f"eSpeak NG has no voice named {voice!r}")
            for parameter, value in settings.items():
                self._lib.espeak_SetParameter(parameter, value, 0)
            encoded = text.encode()
            self._sink = sink
            try:
                self._lib.espeak_Synth(
                    encoded, len(encoded) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None
                )
            finally:
                self._sink = None


class EspeakTTSProvider(TTSProvider):
    """Speaks text offline with eSpeak NG (16-bit mono PCM at 22,050 Hz).

    ``voice`` is an eSpeak voice name ("en-us", "en-gb", "fr", ...); ``rate`` is in
    words per minute (80-450), ``pitch`` and ``volume`` 0-100 and 0-200 (``None``
    keeps the voice's own setting).
    """

    def __init__(
        self,
        *,
        voice: str = "en-us",
        rate: int = 175,
        pitch: int | None = None,
        volume: int | None = None,
    ) -> None:
        if not 80 <= rate <= 450:
            raise ConfigurationError("rate must be between 80 and 450 words per minute")
        self.voice = voice
        self._settings = {_PARAM_RATE: rate}
        if pitch is not None:
            self._settings[_PARAM_PITCH] = pitch
        if volume is not None:
            self._settings[_PARAM_VOLUME] = volume

    @property
    def sample_rate(self) -> int:
        """Sample rate of the audio produced (22,050 Hz for the bundled voices)."""
        return _Engine.get().sample_rate

    async def synthesize(self, text: str, *, voice: str | None = None) -> AudioContent:
        """Return ``text`` spoken, as a WAV clip in a ``data:`` URL."""
        pcm = b"".join([chunk.data async for chunk in self.synthesize_stream(text, voice=voice)])
        rate = self.sample_rate
        encoded = base64.b64encode(pcm16_to_wav(pcm, rate)).decode("ascii")
        return AudioContent(
            url=f"data:audio/wav;base64,{encoded}",
            mime_type="audio/wav",
            duration_seconds=len(pcm) / 2 / rate,
            transcript=text,
        )

    async def synthesize_stream(
        self, text: str, *, voice: str | None = None
    ) -> AsyncIterator[AudioChunk]:
        """Yield audio chunks as eSpeak produces them; the last one is marked final."""
        engine = await asyncio.to_thread(_Engine.get)
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[bytes | None] = asyncio.Queue()
        stop = threading.Event()

        def sink(block: bytes) -> bool:
            loop.call_soon_threadsafe(queue.put_nowait, block)
            return not stop.is_set()

        def run() -> None:
            try:
                engine.speak(text, voice or self.voice, self._settings, sink)
            finally:
                loop.call_soon_threadsafe(queue.put_nowait, None)

        worker = asyncio.create_task(asyncio.to_thread(run))
        offset = 0
        try:
            previous: bytes | None = None
            while (block := await queue.get()) is not None:
                if previous is not None:
                    yield self._chunk(previous, offset, engine.sample_rate, final=False)
                    offset += len(previous)
                previous = block
            await worker  # raises what the engine raised
            yield self._chunk(previous or b"", offset, engine.sample_rate, final=True)
        finally:
            stop.set()
            await asyncio.gather(worker, return_exceptions=True)

    @staticmethod
    def _chunk(data: bytes, offset: int, rate: int, *, final: bool) -> AudioChunk:
        return AudioChunk(
            data=data, sample_rate=rate, timestamp_ms=offset * 1000 // (2 * rate), is_final=final
        )
