"""Google Gemini AI provider; the provider needs the ``gemini`` extra (google-genai).

The config imports without the SDK; the provider (and so the SDK) is imported when
first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from roomkit.providers.gemini.config import GeminiConfig

if TYPE_CHECKING:
    from roomkit.providers.gemini.ai import GeminiAIProvider

__all__ = ["GeminiAIProvider", "GeminiConfig"]


def __getattr__(name: str) -> Any:
    """Import ``GeminiAIProvider`` on first access (it needs the vendor SDK)."""
    if name == "GeminiAIProvider":
        from roomkit.providers.gemini.ai import GeminiAIProvider

        return GeminiAIProvider
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
