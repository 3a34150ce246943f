"""Settings of the Mistral AI provider."""

from __future__ import annotations

from pydantic import BaseModel, Field, SecretStr

__all__ = ["MistralConfig"]


class MistralConfig(BaseModel):
    """API key, model and request defaults for :class:`MistralAIProvider`.

    ``base_url`` points the SDK at a proxy or a compatible server (the SDK's
    ``server_url``). ``supports_vision`` overrides the guess made from the model name.
    The SDK's own retries stay off: :class:`~roomkit.channels.ai.AIChannel` retries
    transient failures.
    """

    api_key: SecretStr
    model: str = "mistral-large-latest"
    max_tokens: int = Field(default=1024, gt=0)
    base_url: str | None = None
    timeout: float = Field(default=60.0, gt=0)
    supports_vision: bool | None = None
