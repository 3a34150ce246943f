"""Speech-to-text with Deepgram: pre-recorded clips over REST, live audio over WebSocket.

``transcribe`` posts a clip to ``/v1/listen`` (inline ``data:`` clips and raw chunks as
bytes, other URLs by reference for Deepgram to fetch). ``transcribe_stream`` opens the
live ``/v1/listen`` WebSocket, sends the audio as binary frames followed by a
``CloseStream`` message, and yields Deepgram's interim results as partial
transcriptions and its finalised segments as final ones.

Install with ``pip install 'roomkit[httpx,websocket]'``.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

from pydantic import BaseModel, Field, SecretStr

from roomkit.errors import ErrorCode, ProviderError
from roomkit.models.content import AudioContent
from roomkit.voice.base import AudioChunk, TranscriptionResult
from roomkit.voice.stt.base import STTProvider

try:
    import httpx
    from websockets.exceptions import ConnectionClosed
except ImportError as exc:  # pragma: no cover - exercised in the bare-install test
    raise ImportError(
        "DeepgramSTTProvider needs httpx and websockets; "
        "install it with: pip install 'roomkit[httpx,websocket]'"
    ) from exc

from roomkit.providers._http import VendorHTTP
from roomkit.voice._vendor_ws import ClientConnection, open_ws, receive_json, ws_url

__all__ = ["DeepgramConfig", "DeepgramSTTProvider"]

logger = logging.getLogger("roomkit.voice.stt.deepgram")

VENDOR = "deepgram"
_LISTEN = "/v1/listen"
_ENCODINGS = {"pcm_s16le": "linear16", "mulaw": "mulaw", "alaw": "alaw"}


class DeepgramConfig(BaseModel):
    """Deepgram account key and recognition options."""

    api_key: SecretStr
    model: str = "nova-2"
    language: str = "en-US"
    punctuate: bool = True
    interim_results: bool = True
    base_url: str = "https://api.deepgram.com"
    timeout: float = Field(default=30.0, gt=0)


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _raw_params(chunk: AudioChunk) -> dict[str, str]:
    """Query parameters describing raw audio, which Deepgram cannot sniff."""
    encoding = _ENCODINGS.get(chunk.format)
    if encoding is None:
        raise ValueError(f"Deepgram cannot transcribe {chunk.format!r} audio")
    return {
        "encoding": encoding,
        "sample_rate": str(chunk.sample_rate),
        "channels": str(chunk.channels),
    }


def _data_url(url: str, fallback_mime: str) -> tuple[str, bytes]:
    """The MIME type and bytes of a base64 ``data:`` URL."""
    header, sep, encoded = url.partition(",")
    if not sep or not header.endswith(";base64"):
        raise ValueError("only base64 data: URLs can be sent to Deepgram")
    mime = header[len("data:") : -len(";base64")].split(";")[0] or fallback_mime
    try:
        return mime, base64.b64decode(encoded, validate=True)
    except binascii.Error as exc:
        raise ValueError("the data: URL does not hold valid base64") from exc


def _invalid(what: str) -> ProviderError:
    return ProviderError(
        f"Deepgram answered {what}", code=ErrorCode.INVALID_PAYLOAD, provider=VENDOR
    )


def _first_alternative(channel: Any) -> dict[str, Any]:
    try:
        alternative = channel["alternatives"][0]
        if isinstance(alternative, dict) and isinstance(alternative["transcript"], str):
            return alternative
    except (KeyError, IndexError, TypeError):
        pass
    raise _invalid("a result without a transcript")


def _transcript(payload: Any) -> str:
    """The text of the first alternative of the first channel of a REST answer."""
    try:
        channel = payload["results"]["channels"][0]
    except (KeyError, IndexError, TypeError):
        raise _invalid("a body without results.channels") from None
    text: str = _first_alternative(channel)["transcript"]
    return text.strip()


def _live_result(message: dict[str, Any], language: str) -> TranscriptionResult | None:
    """The transcription in a live ``Results`` message (``None`` for silence and others)."""
    kind = message.get("type")
    if kind == "Error":
        description = message.get("description") or message.get("message") or "unknown error"
        raise ProviderError(
            f"Deepgram reported an error: {description}",
            code=ErrorCode.PROVIDER_ERROR,
            provider=VENDOR,
        )
    if kind != "Results":
        return None
    alternative = _first_alternative(message.get("channel"))
    text = alternative["transcript"].strip()
    if not text:
        return None
    confidence = alternative.get("confidence")
    return TranscriptionResult(
        text=text,
        is_final=bool(message.get("is_final") or message.get("speech_final")),
        confidence=float(confidence) if isinstance(confidence, int | float) else None,
        language=language,
    )


class DeepgramSTTProvider(STTProvider):
    """Transcribes speech with Deepgram's ``/v1/listen`` REST and live WebSocket APIs.

    Pass ``http_client`` to reuse (or, in tests, fake) the httpx client used for REST.
    """

    def __init__(self, config: DeepgramConfig, *, http_client: httpx.AsyncClient | None = None):
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
            f"DeepgramSTTProvider(model={self.config.model!r}, "
            f"language={self.config.language!r}, base_url={self.config.base_url!r})"
        )

    def _auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Token {self.config.api_key.get_secret_value()}"}

    def _options(self) -> dict[str, str]:
        return {
            "model": self.config.model,
            "language": self.config.language,
            "punctuate": _flag(self.config.punctuate),
        }

    async def transcribe(self, audio: AudioContent | AudioChunk) -> str:
        """Return the text Deepgram hears in a clip or a raw chunk (empty for silence)."""
        params = self._options()
        content: bytes | None = None
        body: dict[str, str] | None = None
        if isinstance(audio, AudioChunk):
            params.update(_raw_params(audio))
            content, mime = audio.data, "application/octet-stream"
        elif audio.url.startswith("data:"):
            mime, content = _data_url(audio.url, audio.mime_type or "audio/wav")
        else:
            body, mime = {"url": audio.url}, "application/json"
        payload = await self._http.json(
            "POST",
            _LISTEN,
            params=params,
            content=content,
            json=body,
            headers={"Content-Type": mime},
        )
        return _transcript(payload)

    async def transcribe_stream(
        self, audio_stream: AsyncIterator[AudioChunk]
    ) -> AsyncIterator[TranscriptionResult]:
        """Stream audio to Deepgram live; yield interim results, then finalised segments.

        The first chunk fixes the encoding, sample rate and channel count of the stream.
        Nothing is yielded (and no connection opened) for an empty stream.
        """
        chunks = aiter(audio_stream)
        first = await anext(chunks, None)
        if first is None:
            return
        params = {
            **self._options(),
            **_raw_params(first),
            "interim_results": _flag(self.config.interim_results),
        }
        url = ws_url(self.config.base_url, _LISTEN, params)
        ws = await open_ws(VENDOR, url, self._auth_headers(), self.config.timeout)
        sender = asyncio.create_task(_send_audio(ws, first, chunks))
        try:
            async for message in receive_json(VENDOR, ws):
                result = _live_result(message, self.config.language)
                if result is not None:
                    yield result
            await sender  # re-raises a failure of the audio stream
        finally:
            sender.cancel()
            await asyncio.gather(sender, return_exceptions=True)
            await ws.close()

    async def close(self) -> None:
        """Close the HTTP client if the provider created it."""
        await self._http.close()


async def _send_audio(
    ws: ClientConnection, first: AudioChunk, rest: AsyncIterator[AudioChunk]
) -> None:
    """Send every chunk as a binary frame, then ask Deepgram to finish the stream."""
    try:
        if first.data:
            await ws.send(first.data)
        async for chunk in rest:
            if chunk.data:  # an empty frame means "end of stream" to Deepgram
                await ws.send(chunk.data)
        await ws.send(json.dumps({"type": "CloseStream"}))
    except ConnectionClosed:
        return  # the receiving side reports why the connection ended
    except Exception:
        await ws.close()  # ends the receiving loop; the error is re-raised to the caller
        raise
