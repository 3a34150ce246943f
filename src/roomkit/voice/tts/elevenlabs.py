"""Text-to-speech with ElevenLabs: whole clips over REST, streamed audio over WebSocket.

``synthesize`` posts the text to ``/v1/text-to-speech/{voice_id}`` and wraps the raw
audio it gets back in a WAV ``data:`` URL. ``synthesize_stream`` uses the stream-input
WebSocket: it opens the stream with the voice settings, sends the text sentence by
sentence, closes the input with an empty text, and yields each base64 audio message as
an :class:`~roomkit.voice.base.AudioChunk` until ElevenLabs marks the stream final.

Only raw output formats are accepted (``pcm_<rate>`` and ``ulaw_8000``), because audio
chunks carry raw samples. Install with ``pip install 'roomkit[httpx,websocket]'``.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

from pydantic import BaseModel, Field, SecretStr, field_validator

from roomkit.errors import ErrorCode, ProviderError
from roomkit.models.content import AudioContent
from roomkit.voice.base import AudioChunk
from roomkit.voice.codecs import mulaw_decode, pcm16_to_wav
from roomkit.voice.sentences import split_sentences
from roomkit.voice.tts.base import TTSProvider

try:
    import httpx
    import websockets  # noqa: F401 - a missing extra must fail at import time
except ImportError as exc:  # pragma: no cover - exercised in the bare-install test
    raise ImportError(
        "ElevenLabsTTSProvider needs httpx and websockets; "
        "install it with: pip install 'roomkit[httpx,websocket]'"
    ) from exc

from roomkit.providers._http import VendorHTTP
from roomkit.voice._vendor_ws import open_ws, receive_json, ws_url

__all__ = ["ElevenLabsConfig", "ElevenLabsTTSProvider"]

logger = logging.getLogger("roomkit.voice.tts.elevenlabs")

VENDOR = "elevenlabs"
_RAW_FORMAT = re.compile(r"pcm_(\d+)|ulaw_8000")
_RATE_LIMITS = {"quota_exceeded", "rate_limit_exceeded", "too_many_concurrent_requests"}
_AUTH_FAILURES = {"invalid_api_key", "unauthorized", "missing_api_key"}


class ElevenLabsConfig(BaseModel):
    """ElevenLabs account key, default voice, model, output format and voice settings."""

    api_key: SecretStr
    voice_id: str
    model_id: str = "eleven_turbo_v2_5"
    output_format: str = "pcm_16000"
    stability: float = Field(default=0.5, ge=0.0, le=1.0)
    similarity_boost: float = Field(default=0.75, ge=0.0, le=1.0)
    base_url: str = "https://api.elevenlabs.io"
    timeout: float = Field(default=30.0, gt=0)

    @field_validator("output_format")
    @classmethod
    def _raw_output(cls, value: str) -> str:
        if _RAW_FORMAT.fullmatch(value) is None:
            raise ValueError("output_format must be a raw format: pcm_<sample rate> or ulaw_8000")
        return value

    @property
    def sample_rate(self) -> int:
        """Sample rate of the audio ElevenLabs returns, read from ``output_format``."""
        match = _RAW_FORMAT.fullmatch(self.output_format)
        return int(match.group(1)) if match is not None and match.group(1) else 8000

    @property
    def audio_format(self) -> str:
        """The :class:`AudioChunk` format of the returned audio (``pcm_s16le`` or ``mulaw``)."""
        return "mulaw" if self.output_format.startswith("ulaw") else "pcm_s16le"

    def voice_settings(self) -> dict[str, float]:
        """The ``voice_settings`` object sent with every request."""
        return {"stability": self.stability, "similarity_boost": self.similarity_boost}


def _stream_error(message: dict[str, Any]) -> ProviderError:
    """Translate an error message received on the stream-input WebSocket."""
    kind = str(message.get("error") or "")
    text = message.get("message") or kind or "unknown error"
    if kind in _RATE_LIMITS:
        code, retryable = ErrorCode.RATE_LIMITED, True
    elif kind in _AUTH_FAILURES:
        code, retryable = ErrorCode.AUTHENTICATION, False
    else:
        code, retryable = ErrorCode.PROVIDER_ERROR, False
    return ProviderError(
        f"ElevenLabs reported an error: {text}", code=code, retryable=retryable, provider=VENDOR
    )


def _audio_of(message: dict[str, Any]) -> bytes:
    encoded = message.get("audio")
    if not encoded:
        return b""
    try:
        return base64.b64decode(str(encoded), validate=True)
    except binascii.Error as exc:
        raise ProviderError(
            "ElevenLabs sent audio that is not valid base64",
            code=ErrorCode.INVALID_PAYLOAD,
            provider=VENDOR,
        ) from exc


class ElevenLabsTTSProvider(TTSProvider):
    """Speaks text with ElevenLabs (REST for clips, the stream-input WebSocket for streams).

    ``voice`` in :meth:`synthesize` and :meth:`synthesize_stream` is an ElevenLabs voice
    id overriding ``config.voice_id``. Pass ``http_client`` to reuse (or, in tests, fake)
    the httpx client used for REST.
    """

    def __init__(
        self, config: ElevenLabsConfig, *, http_client: httpx.AsyncClient | None = None
    ) -> None:
        self.config = config
        self._http = VendorHTTP(
            VENDOR,
            config.base_url,
            timeout=config.timeout,
            headers=self._auth_headers(),
            http_client=http_client,
        )

    def __repr__(self) -> str:
        return (
            f"ElevenLabsTTSProvider(voice_id={self.config.voice_id!r}, "
            f"model_id={self.config.model_id!r}, output_format={self.config.output_format!r})"
        )

    @property
    def sample_rate(self) -> int:
        """Sample rate of the audio produced."""
        return self.config.sample_rate

    def _auth_headers(self) -> dict[str, str]:
        return {"xi-api-key": self.config.api_key.get_secret_value()}

    def _path(self, voice: str | None, suffix: str = "") -> str:
        return f"/v1/text-to-speech/{quote(voice or self.config.voice_id, safe='')}{suffix}"

    async def synthesize(self, text: str, *, voice: str | None = None) -> AudioContent:
        """Return ``text`` spoken, as a WAV clip in a ``data:`` URL with ``text`` as transcript."""
        response = await self._http.request(
            "POST",
            self._path(voice),
            params={"output_format": self.config.output_format},
            json={
                "text": text,
                "model_id": self.config.model_id,
                "voice_settings": self.config.voice_settings(),
            },
        )
        audio = response.content
        pcm = mulaw_decode(audio) if self.config.audio_format == "mulaw" else audio
        rate = self.config.sample_rate
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
        """Yield audio chunks as ElevenLabs streams them; the last one is marked final."""
        params = {"model_id": self.config.model_id, "output_format": self.config.output_format}
        url = ws_url(self.config.base_url, self._path(voice, "/stream-input"), params)
        ws = await open_ws(VENDOR, url, self._auth_headers(), self.config.timeout)
        try:
            await ws.send(json.dumps(self._opening()))
            for sentence in split_sentences(text):
                await ws.send(json.dumps({"text": sentence.strip() + " "}))
            await ws.send(json.dumps({"text": ""}))
            offset = 0
            previous: bytes | None = None
            async for message in receive_json(VENDOR, ws):
                if message.get("error"):
                    raise _stream_error(message)
                audio = _audio_of(message)
                if audio:
                    if previous is not None:
                        yield self._chunk(previous, offset, final=False)
                        offset += len(previous)
                    previous = audio
                if message.get("isFinal"):
                    break
            yield self._chunk(previous or b"", offset, final=True)
        finally:
            await ws.close()

    def _opening(self) -> dict[str, Any]:
        """The message that opens a stream: a single space, the settings and the key."""
        return {
            "text": " ",
            "voice_settings": self.config.voice_settings(),
            "xi_api_key": self.config.api_key.get_secret_value(),
        }

    def _chunk(self, data: bytes, offset: int, *, final: bool) -> AudioChunk:
        rate = self.config.sample_rate
        width = 1 if self.config.audio_format == "mulaw" else 2
        return AudioChunk(
            data=data,
            sample_rate=rate,
            format=self.config.audio_format,
            timestamp_ms=offset * 1000 // (width * rate),
            is_final=final,
        )

    async def close(self) -> None:
        """Close the HTTP client if the provider created it."""
        await self._http.close()
