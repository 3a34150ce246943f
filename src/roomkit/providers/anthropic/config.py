"""Settings of the Anthropic (Claude) AI provider."""

from __future__ import annotations

from pydantic import BaseModel, Field, SecretStr

__all__ = ["AnthropicConfig"]


class AnthropicConfig(BaseModel):
    """API key, model and request defaults for :class:`AnthropicAIProvider`.

    ``base_url`` points the SDK at a proxy or a compatible server; ``max_retries`` are the
    SDK's own retries (off by default: :class:`~roomkit.channels.ai.AIChannel` already
    retries transient failures).
    """

    api_key: SecretStr
    model: str = "claude-sonnet-4-20250514"
    max_tokens: int = Field(default=1024, gt=0)
    base_url: str | None = None
    timeout: float = Field(default=60.0, gt=0)
    max_retries: int = Field(default=0, ge=0)
