"""The AIProvider contract every model vendor implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator

from roomkit.models.ai import AIContext, AIResponse

__all__ = ["AIProvider"]


class AIProvider(ABC):
    """A language model that turns an :class:`AIContext` into an :class:`AIResponse`."""

    @property
    def name(self) -> str:
        """Short vendor name used in logs and results."""
        return type(self).__name__

    @property
    @abstractmethod
    def model_name(self) -> str:
        """The model this provider calls."""

    @property
    def supports_vision(self) -> bool:
        """Whether images in the context are understood (default: no)."""
        return False

    @abstractmethod
    async def generate(self, context: AIContext) -> AIResponse:
        """Generate the next reply for ``context``."""

    async def generate_stream(self, context: AIContext) -> AsyncIterator[str]:
        """Yield the reply as text deltas (default: the whole reply as one delta)."""
        response = await self.generate(context)
        if response.content:
            yield response.content

    async def close(self) -> None:
        """Release clients held by the provider (nothing by default)."""
        return None
