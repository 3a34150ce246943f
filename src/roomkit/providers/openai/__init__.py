"""OpenAI AI provider (Chat Completions); the provider needs the ``openai`` extra.

The config imports without the SDK; the provider (and so the SDK) is imported when
first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from roomkit.providers.openai.config import OpenAIConfig

if TYPE_CHECKING:
    from roomkit.providers.openai.ai import OpenAIAIProvider

__all__ = ["OpenAIAIProvider", "OpenAIConfig"]


def __getattr__(name: str) -> Any:
    """Import ``OpenAIAIProvider`` on first access (it needs the vendor SDK)."""
    if name == "OpenAIAIProvider":
        from roomkit.providers.openai.ai import OpenAIAIProvider

        return OpenAIAIProvider
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
