"""Settings of the OpenAI AI provider."""

from __future__ import annotations

from pydantic import BaseModel, Field, SecretStr

__all__ = ["OpenAIConfig"]


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
