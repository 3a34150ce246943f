"""Mistral AI provider; the provider needs the ``mistral`` extra.

The config imports without the SDK; the provider (and so the SDK) is imported when
first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from roomkit.providers.mistral.config import MistralConfig

if TYPE_CHECKING:
    from roomkit.providers.mistral.ai import MistralAIProvider

__all__ = ["MistralAIProvider", "MistralConfig"]


def __getattr__(name: str) -> Any:
    """Import ``MistralAIProvider`` on first access (it needs the vendor SDK)."""
    if name == "MistralAIProvider":
        from roomkit.providers.mistral.ai import MistralAIProvider

        return MistralAIProvider
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
