"""OpenAI providers: Chat Completions (``openai`` extra) and Realtime voice.

The configs import without the SDK; each provider (and so the SDK) is imported when
first used. The Realtime provider also needs ``websockets`` (``websocket`` extra).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from roomkit.providers.openai.config import OpenAIConfig, OpenAIRealtimeConfig

if TYPE_CHECKING:
    from roomkit.providers.openai.ai import OpenAIAIProvider
    from roomkit.providers.openai.realtime import OpenAIRealtimeProvider

__all__ = ["OpenAIAIProvider", "OpenAIConfig", "OpenAIRealtimeConfig", "OpenAIRealtimeProvider"]


def __getattr__(name: str) -> Any:
    """Import a provider on first access (each needs the vendor SDK)."""
    if name == "OpenAIAIProvider":
        from roomkit.providers.openai.ai import OpenAIAIProvider

        return OpenAIAIProvider
    if name == "OpenAIRealtimeProvider":
        from roomkit.providers.openai.realtime import OpenAIRealtimeProvider

        return OpenAIRealtimeProvider
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
