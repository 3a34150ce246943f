"""Settings of the Google Gemini AI provider."""

from __future__ import annotations

from pydantic import BaseModel, Field, SecretStr

__all__ = ["GeminiConfig"]


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
