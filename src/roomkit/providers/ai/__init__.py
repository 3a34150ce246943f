"""AI providers: the AIProvider contract, the models it speaks, and an in-memory mock."""

from __future__ import annotations

from roomkit.models.ai import (
    AIContext,
    AIImagePart,
    AIMessage,
    AIMessagePart,
    AIResponse,
    AITextPart,
    AITool,
    AIToolCall,
)
from roomkit.providers.ai.base import AIProvider
from roomkit.providers.ai.mock import MockAIProvider

__all__ = [
    "AIContext",
    "AIImagePart",
    "AIMessage",
    "AIMessagePart",
    "AIProvider",
    "AIResponse",
    "AITextPart",
    "AITool",
    "AIToolCall",
    "MockAIProvider",
]
