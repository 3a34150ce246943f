"""Anthropic (Claude) AI provider; the provider needs the ``anthropic`` extra.

The config imports without the SDK; the provider (and so the SDK) is imported when
first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from roomkit.providers.anthropic.config import AnthropicConfig

if TYPE_CHECKING:
    from roomkit.providers.anthropic.ai import AnthropicAIProvider

__all__ = ["AnthropicAIProvider", "AnthropicConfig"]


def __getattr__(name: str) -> Any:
    """Import ``AnthropicAIProvider`` on first access (it needs the vendor SDK)."""
    if name == "AnthropicAIProvider":
        from roomkit.providers.anthropic.ai import AnthropicAIProvider

        return AnthropicAIProvider
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
