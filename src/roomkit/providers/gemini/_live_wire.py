"""The Gemini Live wire format: client messages, server frame decoding, error mapping.

Pure functions with no I/O, so :mod:`roomkit.providers.gemini.live` only moves frames.
Field names are the JSON (camelCase) names of the ``BidiGenerateContent`` protocol.
Every text that may reach a log or an exception passes through :func:`redact`, so the
API key never leaves in a message even when a server echoes it back.
"""

from __future__ import annotations

import base64
import json
import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any

from roomkit.errors import ErrorCode, ProviderError
from roomkit.models.ai import AITool
from roomkit.providers.ai._errors import api_error, classify
from roomkit.providers.ai._wire import decode_tool_result

__all__ = [
    "API_KEY_HEADER",
    "GEMINI_INPUT_RATE",
    "GEMINI_OUTPUT_RATE",
    "VENDOR",
    "RedactingLogger",
    "activity_detection",
    "activity_message",
    "audio_message",
    "audio_rate",
    "close_error",
    "decode_frame",
    "handshake_error",
    "object_field",
    "redact",
    "setup_message",
    "text_message",
    "tool_response_message",
]

VENDOR = "gemini_live"
API_KEY_HEADER = "x-goog-api-key"
GEMINI_INPUT_RATE = 16000
"""Gemini Live listens to 16 kHz PCM16."""
GEMINI_OUTPUT_RATE = 24000
"""Gemini Live speaks 24 kHz PCM16 (unless a part's MIME type says otherwise)."""

_RATE = re.compile(r"rate=(\d+)")
_MAX_REASON = 300

_CLOSES: dict[int, tuple[ErrorCode, bool]] = {
    1000: (ErrorCode.NETWORK, True),  # the server ended the session (e.g. its time limit)
    1001: (ErrorCode.NETWORK, True),
    1006: (ErrorCode.NETWORK, True),  # no close frame: the connection dropped
    1007: (ErrorCode.INVALID_REQUEST, False),  # Gemini: invalid setup or message
    1008: (ErrorCode.INVALID_REQUEST, False),  # Gemini: policy (key, model, quota text)
    1011: (ErrorCode.SERVER_ERROR, True),
    1012: (ErrorCode.OVERLOADED, True),
    1013: (ErrorCode.OVERLOADED, True),
    1014: (ErrorCode.SERVER_ERROR, True),
}


def redact(text: str, secret: str) -> str:
    """``text`` with every occurrence of ``secret`` replaced by ``***``."""
    return text.replace(secret, "***") if secret else text


class RedactingLogger(logging.LoggerAdapter[logging.Logger]):
    """A logger for the WebSocket library that masks ``secret`` in every record.

    The library logs handshake headers (the key is one) and frames, close reasons
    included, at DEBUG; each message is formatted and redacted before it is passed on.
    """

    def __init__(self, logger: logging.Logger, secret: str) -> None:
        super().__init__(logger, {})
        self._secret = secret

    def log(self, level: int, msg: object, *args: object, **kwargs: Any) -> None:
        """Format the record, mask the secret, and log the result."""
        if self.isEnabledFor(level):
            text = str(msg) % args if args else str(msg)
            self.logger.log(level, "%s", redact(text, self._secret), **kwargs)


def _tool_declaration(tool: AITool) -> dict[str, Any]:
    declaration: dict[str, Any] = {"name": tool.name, "parametersJsonSchema": tool.parameters}
    if tool.description:
        declaration["description"] = tool.description
    return declaration


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge ``extra`` into ``base`` (objects merge, anything else replaces)."""
    for key, value in extra.items():
        current = base.get(key)
        if isinstance(current, dict) and isinstance(value, Mapping):
            _merge(current, value)
        else:
            base[key] = value
    return base


def activity_detection(setup: Mapping[str, Any]) -> tuple[bool, bool]:
    """``(manual, barge_in)`` for a ``setup`` message (after ``provider_config`` merged).

    ``manual``: Gemini's automatic activity detection is disabled, the client marks
    turns. ``barge_in``: Gemini's own detection hears the participant and cuts the
    model's turn (unless ``activityHandling`` is ``NO_INTERRUPTION``).
    """
    body = setup.get("setup")
    config = body.get("realtimeInputConfig") if isinstance(body, Mapping) else None
    if not isinstance(config, Mapping):
        config = {}
    detection = config.get("automaticActivityDetection")
    manual = isinstance(detection, Mapping) and detection.get("disabled") is True
    barge_in = not manual and config.get("activityHandling") != "NO_INTERRUPTION"
    return manual, barge_in


def setup_message(
    model: str,
    *,
    system_prompt: str | None,
    voice: str | None,
    tools: Sequence[AITool],
    temperature: float | None,
    server_vad: bool,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The first client message: model, audio replies, transcription, tools, turn detection.

    ``extra`` (the ``provider_config`` of a connect call) is deep-merged into ``setup``
    in wire (camelCase) names, e.g. ``{"generationConfig": {"maxOutputTokens": 200}}``.
    """
    generation: dict[str, Any] = {"responseModalities": ["AUDIO"]}
    if voice:
        generation["speechConfig"] = {"voiceConfig": {"prebuiltVoiceConfig": {"voiceName": voice}}}
    if temperature is not None:
        generation["temperature"] = temperature
    name = model if model.startswith(("models/", "tunedModels/")) else f"models/{model}"
    setup: dict[str, Any] = {
        "model": name,
        "generationConfig": generation,
        "inputAudioTranscription": {},
        "outputAudioTranscription": {},
    }
    if system_prompt:
        setup["systemInstruction"] = {"parts": [{"text": system_prompt}]}
    if tools:
        setup["tools"] = [{"functionDeclarations": [_tool_declaration(t) for t in tools]}]
    if not server_vad:
        setup["realtimeInputConfig"] = {"automaticActivityDetection": {"disabled": True}}
    return {"setup": _merge(setup, extra or {})}


def audio_message(pcm16: bytes) -> dict[str, Any]:
    """A ``realtimeInput`` message carrying 16 kHz PCM16 audio."""
    data = base64.b64encode(pcm16).decode("ascii")
    mime = f"audio/pcm;rate={GEMINI_INPUT_RATE}"
    return {"realtimeInput": {"audio": {"data": data, "mimeType": mime}}}


def activity_message(*, start: bool) -> dict[str, Any]:
    """A manual turn marker (only valid when automatic activity detection is off)."""
    return {"realtimeInput": {"activityStart" if start else "activityEnd": {}}}


def text_message(text: str, *, role: str) -> dict[str, Any]:
    """A ``clientContent`` turn; a user turn asks for a reply, a model turn is context only."""
    wire_role = "model" if role == "assistant" else "user"
    turn = {"role": wire_role, "parts": [{"text": text}]}
    return {"clientContent": {"turns": [turn], "turnComplete": wire_role == "user"}}


def tool_response_message(call_id: str, name: str, result: str) -> dict[str, Any]:
    """A ``toolResponse`` answering one call; the result goes under ``output``."""
    response = {"id": call_id, "name": name, "response": {"output": decode_tool_result(result)}}
    return {"toolResponse": {"functionResponses": [response]}}


def decode_frame(frame: str | bytes) -> dict[str, Any]:
    """Decode one server frame (Gemini sends JSON in text or binary frames).

    Raises ValueError when the frame is not a JSON object.
    """
    message = json.loads(frame)
    if not isinstance(message, dict):
        raise ValueError(f"expected a JSON object, got {type(message).__name__}")
    return message


def object_field(message: Mapping[str, Any], key: str) -> dict[str, Any]:
    """The object under ``key`` ({} when absent); ValueError when it is something else."""
    value = message.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError(f"{key} is not an object")
    return value


def audio_rate(mime_type: object) -> int:
    """The sample rate named by an ``audio/pcm;rate=N`` MIME type (24 kHz if absent)."""
    found = _RATE.search(mime_type) if isinstance(mime_type, str) else None
    return int(found.group(1)) if found else GEMINI_OUTPUT_RATE


def _error_detail(body: bytes) -> tuple[str, str]:
    """Message and status of a Google error body ``{"error": {...}}``, else the raw text."""
    text = body.decode("utf-8", errors="replace")
    try:
        error = json.loads(text).get("error")
    except (ValueError, AttributeError):
        return text, ""
    if not isinstance(error, dict):
        return text, ""
    return str(error.get("message", "")), str(error.get("status", ""))


def handshake_error(status: int, body: bytes, secret: str) -> ProviderError:
    """The ProviderError for an HTTP answer refusing the WebSocket upgrade."""
    message, kind = _error_detail(body)
    return api_error(VENDOR, status, redact(message, secret), kind=kind)


def close_error(code: int | None, reason: str, secret: str) -> ProviderError:
    """The ProviderError for a connection the server closed (or that dropped)."""
    close = 1006 if code is None else code
    text = " ".join(redact(reason, secret).split())[:_MAX_REASON]
    error_code, retryable = classify(None, text)
    if error_code is ErrorCode.PROVIDER_ERROR:
        error_code, retryable = _CLOSES.get(close, (ErrorCode.PROVIDER_ERROR, False))
    detail = f": {text}" if text else ""
    return ProviderError(
        f"{VENDOR} closed the connection with code {close}{detail}",
        code=error_code,
        retryable=retryable,
        provider=VENDOR,
    )
