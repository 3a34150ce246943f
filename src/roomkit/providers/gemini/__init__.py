"""Google Gemini providers: the AI provider (``gemini`` extra, google-genai) and Live voice.

The configs import without any extra; each provider (and so its dependencies) is
imported when first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from roomkit.providers.gemini.config import GeminiConfig, GeminiLiveConfig

if TYPE_CHECKING:
    from roomkit.providers.gemini.ai import GeminiAIProvider
    from roomkit.providers.gemini.live import GeminiLiveProvider

__all__ = ["GeminiAIProvider", "GeminiConfig", "GeminiLiveConfig", "GeminiLiveProvider"]


def __getattr__(name: str) -> Any:
    """Import ``GeminiAIProvider`` or ``GeminiLiveProvider`` on first access."""
    if name == "GeminiAIProvider":
        from roomkit.providers.gemini.ai import GeminiAIProvider

        return GeminiAIProvider
    if name == "GeminiLiveProvider":
        from roomkit.providers.gemini.live import GeminiLiveProvider

        return GeminiLiveProvider
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
