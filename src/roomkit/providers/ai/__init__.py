"""AI providers: the AIProvider contract and an in-memory mock."""

from __future__ import annotations

from roomkit.providers.ai.base import AIProvider
from roomkit.providers.ai.mock import MockAIProvider

__all__ = ["AIProvider", "MockAIProvider"]
