"""The OpenAI Realtime wire format: client events RoomKit sends, server event names it reads.

Two dialects exist. The GA protocol (default) nests audio settings under
``session.audio.input`` / ``session.audio.output`` with ``{"type": "audio/pcm", "rate":
24000}`` formats, has no session temperature, and names the model's output events
``response.output_audio.*`` / ``response.output_audio_transcript.*`` /
``response.output_text.*``. The beta protocol keeps flat session fields
(``input_audio_format: "pcm16"``, ``turn_detection``, ``input_audio_transcription``,
``temperature``) and names them ``response.audio.*`` / ``response.audio_transcript.*`` /
``response.text.*``. Server events of both dialects are accepted whichever is spoken.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any, Literal

from roomkit.models.ai import AITool
from roomkit.providers.openai.config import OpenAIRealtimeConfig
from roomkit.voice.realtime.base import RealtimeRole

__all__ = [
    "API_SAMPLE_RATE",
    "ASSISTANT_TRANSCRIPT_DELTA",
    "ASSISTANT_TRANSCRIPT_DONE",
    "AUDIO_DELTA",
    "AUDIO_DONE",
    "audio_append",
    "function_tools",
    "response_cancel",
    "response_create",
    "session_update",
    "text_item",
    "tool_output_item",
    "truncate_item",
    "turn_detection",
]

API_SAMPLE_RATE = 24000
"""The Realtime API's PCM16 rate, both ways."""

AUDIO_DELTA = frozenset({"response.output_audio.delta", "response.audio.delta"})
AUDIO_DONE = frozenset({"response.output_audio.done", "response.audio.done"})
ASSISTANT_TRANSCRIPT_DELTA = frozenset(
    {
        "response.output_audio_transcript.delta",
        "response.audio_transcript.delta",
        "response.output_text.delta",
        "response.text.delta",
    }
)
"""Partial text of the model's reply: transcript of its speech, or its text output."""
ASSISTANT_TRANSCRIPT_DONE = frozenset(
    {
        "response.output_audio_transcript.done",
        "response.audio_transcript.done",
        "response.output_text.done",
        "response.text.done",
    }
)

ApiVersion = Literal["ga", "beta"]


def function_tools(tools: Sequence[AITool]) -> list[dict[str, Any]]:
    """The session's ``tools``: each AITool as a Realtime function definition."""
    return [
        {
            "type": "function",
            "name": tool.name,
            "description": tool.description,
            "parameters": tool.parameters,
        }
        for tool in tools
    ]


def turn_detection(config: OpenAIRealtimeConfig, server_vad: bool) -> dict[str, Any] | None:
    """The ``turn_detection`` object, or ``None`` to let the client decide turns.

    Threshold, padding and silence apply to ``server_vad``; eagerness to ``semantic_vad``.
    Unset options are left out so the server's defaults apply.
    """
    if not server_vad:
        return None
    detection: dict[str, Any] = {
        "type": config.turn_detection,
        "create_response": True,
        "interrupt_response": config.interrupt_response,
    }
    if config.turn_detection == "server_vad":
        optional: dict[str, Any] = {
            "threshold": config.vad_threshold,
            "prefix_padding_ms": config.vad_prefix_padding_ms,
            "silence_duration_ms": config.vad_silence_duration_ms,
        }
    else:
        optional = {"eagerness": config.vad_eagerness}
    detection.update({key: value for key, value in optional.items() if value is not None})
    return detection


def session_update(
    config: OpenAIRealtimeConfig,
    *,
    instructions: str | None,
    voice: str,
    tools: Sequence[AITool],
    temperature: float | None,
    server_vad: bool,
) -> dict[str, Any]:
    """The ``session.update`` event configuring a new session in ``config``'s dialect.

    ``temperature`` only exists in the beta protocol; the GA session has no such field.
    """
    if config.api_version == "beta":
        session = _beta_session(config, voice=voice, server_vad=server_vad)
        if temperature is not None:
            session["temperature"] = temperature
    else:
        session = _ga_session(config, voice=voice, server_vad=server_vad)
    if instructions:
        session["instructions"] = instructions
    if tools:
        session["tools"] = function_tools(tools)
        session["tool_choice"] = "auto"
    return {"type": "session.update", "session": session}


def _ga_session(config: OpenAIRealtimeConfig, *, voice: str, server_vad: bool) -> dict[str, Any]:
    pcm = {"type": "audio/pcm", "rate": API_SAMPLE_RATE}
    audio_in: dict[str, Any] = {
        "format": pcm,
        "turn_detection": turn_detection(config, server_vad),
    }
    if config.input_transcription_model:
        audio_in["transcription"] = {"model": config.input_transcription_model}
    return {
        "type": "realtime",
        "output_modalities": ["audio"],
        "audio": {"input": audio_in, "output": {"format": pcm, "voice": voice}},
    }


def _beta_session(config: OpenAIRealtimeConfig, *, voice: str, server_vad: bool) -> dict[str, Any]:
    model = config.input_transcription_model
    return {
        "modalities": ["audio", "text"],
        "voice": voice,
        "input_audio_format": "pcm16",
        "output_audio_format": "pcm16",
        "turn_detection": turn_detection(config, server_vad),
        "input_audio_transcription": {"model": model} if model else None,
    }


def audio_append(pcm: bytes) -> dict[str, Any]:
    """``input_audio_buffer.append`` carrying 24 kHz PCM16 as base64."""
    return {"type": "input_audio_buffer.append", "audio": base64.b64encode(pcm).decode("ascii")}


def text_item(text: str, role: RealtimeRole, api_version: ApiVersion) -> dict[str, Any]:
    """``conversation.item.create`` adding a text message said by ``role``."""
    if role == "user":
        part_type = "input_text"
    else:
        part_type = "output_text" if api_version == "ga" else "text"
    return {
        "type": "conversation.item.create",
        "item": {
            "type": "message",
            "role": role,
            "content": [{"type": part_type, "text": text}],
        },
    }


def tool_output_item(call_id: str, output: str) -> dict[str, Any]:
    """``conversation.item.create`` answering the function call ``call_id``."""
    return {
        "type": "conversation.item.create",
        "item": {"type": "function_call_output", "call_id": call_id, "output": output},
    }


def truncate_item(item_id: str, content_index: int, audio_end_ms: int) -> dict[str, Any]:
    """``conversation.item.truncate``: the participant heard only ``audio_end_ms`` of it."""
    return {
        "type": "conversation.item.truncate",
        "item_id": item_id,
        "content_index": content_index,
        "audio_end_ms": audio_end_ms,
    }


def response_create() -> dict[str, Any]:
    """``response.create``: ask the model to answer now."""
    return {"type": "response.create"}


def response_cancel() -> dict[str, Any]:
    """``response.cancel``: stop the response in progress."""
    return {"type": "response.cancel"}
