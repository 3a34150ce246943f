"""Settings of the Google Gemini providers: the AI provider and the Live voice provider."""

from __future__ import annotations

from pydantic import BaseModel, Field, SecretStr, field_validator

__all__ = ["GEMINI_LIVE_URL", "GeminiConfig", "GeminiLiveConfig"]

GEMINI_LIVE_URL = (
    "wss://generativelanguage.googleapis.com/ws/"
    "google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent"
)
"""The Gemini API's Live (``BidiGenerateContent``) WebSocket endpoint."""


class GeminiConfig(BaseModel):
    """API key, model and request defaults for :class:`GeminiAIProvider`.

    ``temperature`` and ``max_tokens`` apply when the request does not set its own.
    ``base_url`` points the SDK at a proxy or a compatible server; ``max_retries`` are
    the SDK's own retries (off by default: :class:`~roomkit.channels.ai.AIChannel`
    already retries transient failures).
    """

    api_key: SecretStr
    model: str = "gemini-2.0-flash"
    max_tokens: int = Field(default=1024, gt=0)
    temperature: float = Field(default=1.0, ge=0.0, le=2.0)
    base_url: str | None = None
    timeout: float = Field(default=60.0, gt=0)
    max_retries: int = Field(default=0, ge=0)


class GeminiLiveConfig(BaseModel):
    """API key, model, voice and timeouts for :class:`GeminiLiveProvider`.

    ``base_url`` is the full ``ws://``/``wss://`` URL of the ``BidiGenerateContent``
    endpoint (point it at a proxy or a test server). ``voice`` and ``temperature`` apply
    when :meth:`~GeminiLiveProvider.connect` is not given its own. ``connect_timeout``
    bounds the WebSocket handshake and the wait for ``setupComplete`` together;
    ``close_timeout`` bounds the closing handshake on disconnect. With
    ``session_resumption`` (the default) a session whose connection was lost continues
    its conversation when it is connected again, through the resumption handle Gemini
    last sent; if Gemini refuses the handle, a new conversation is started.
    """

    api_key: SecretStr
    model: str = "gemini-live-2.5-flash-preview"
    base_url: str = GEMINI_LIVE_URL
    voice: str | None = "Puck"
    temperature: float | None = Field(default=None, ge=0.0, le=2.0)
    connect_timeout: float = Field(default=10.0, gt=0)
    close_timeout: float = Field(default=2.0, gt=0)
    session_resumption: bool = True

    @field_validator("base_url")
    @classmethod
    def _websocket_url(cls, value: str) -> str:
        """Only WebSocket URLs can reach the Live endpoint."""
        if not value.startswith(("ws://", "wss://")):
            raise ValueError(f"base_url must start with ws:// or wss://, got {value!r}")
        return value
