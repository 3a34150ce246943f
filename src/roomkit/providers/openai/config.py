"""Settings of the OpenAI providers (Chat Completions and Realtime)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, SecretStr

__all__ = ["OpenAIConfig", "OpenAIRealtimeConfig"]


class OpenAIConfig(BaseModel):
    """API key, model and request defaults for :class:`OpenAIAIProvider`.

    ``base_url`` points the SDK at a proxy or an OpenAI-compatible server (include the
    ``/v1`` prefix such servers expect). ``supports_vision`` overrides the guess made from
    the model name. ``max_retries`` are the SDK's own retries (off by default:
    :class:`~roomkit.channels.ai.AIChannel` already retries transient failures).
    """

    api_key: SecretStr
    model: str = "gpt-4o"
    max_tokens: int = Field(default=1024, gt=0)
    base_url: str | None = None
    timeout: float = Field(default=60.0, gt=0)
    max_retries: int = Field(default=0, ge=0)
    supports_vision: bool | None = None


class OpenAIRealtimeConfig(BaseModel):
    """API key, endpoint and session defaults for :class:`OpenAIRealtimeProvider`.

    ``base_url`` is the Realtime WebSocket endpoint (``ws(s)://`` or ``http(s)://``,
    ending in ``/realtime``); the model is sent as the ``model`` query parameter.
    ``api_version="beta"`` speaks the older beta protocol (``OpenAI-Beta: realtime=v1``
    header, flat session fields, ``temperature`` honoured) for servers that still use
    it. ``turn_detection`` picks the server's VAD; the ``vad_*`` fields left at ``None``
    keep the server's defaults. ``input_transcription_model=None`` turns transcripts of
    the participant off. ``connect_timeout`` bounds the handshake plus the wait for
    ``session.created``; ``close_timeout`` the closing handshake.
    """

    api_key: SecretStr
    model: str = "gpt-realtime"
    base_url: str = "wss://api.openai.com/v1/realtime"
    api_version: Literal["ga", "beta"] = "ga"
    voice: str = "alloy"
    turn_detection: Literal["server_vad", "semantic_vad"] = "server_vad"
    vad_threshold: float | None = Field(default=None, ge=0.0, le=1.0)
    vad_prefix_padding_ms: int | None = Field(default=None, ge=0)
    vad_silence_duration_ms: int | None = Field(default=None, ge=0)
    vad_eagerness: Literal["low", "medium", "high", "auto"] | None = None
    interrupt_response: bool = True
    input_transcription_model: str | None = "gpt-4o-mini-transcribe"
    connect_timeout: float = Field(default=15.0, gt=0)
    close_timeout: float = Field(default=5.0, gt=0)
