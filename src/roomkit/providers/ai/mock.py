"""An in-memory AI provider for tests: canned replies, every request recorded."""

from __future__ import annotations

from itertools import cycle

from roomkit.errors import ConfigurationError
from roomkit.models.ai import AIContext, AIMessage, AIResponse, AIToolCall
from roomkit.providers.ai.base import AIProvider

__all__ = ["MockAIProvider"]


class MockAIProvider(AIProvider):
    """Answers with ``responses`` in turn (cycling) and records each context in ``calls``.

    ``fail_with`` is raised by every ``generate`` (after recording the call);
    ``tool_calls`` are attached to every response. ``record_calls=False`` keeps nothing
    (for long runs such as benchmarks, where the recorded contexts would pile up).
    """

    def __init__(
        self,
        responses: list[str] | None = None,
        *,
        model_name: str = "mock-model",
        supports_vision: bool = False,
        fail_with: Exception | None = None,
        tool_calls: list[AIToolCall] | None = None,
        record_calls: bool = True,
    ) -> None:
        replies = ["Hello from mock AI"] if responses is None else list(responses)
        if not replies:
            raise ConfigurationError("MockAIProvider needs at least one response")
        self.responses = replies
        self.calls: list[AIContext] = []
        self.record_calls = record_calls
        self.fail_with = fail_with
        self.tool_calls: list[AIToolCall] = list(tool_calls or [])
        self._model_name = model_name
        self._supports_vision = supports_vision
        self._replies = cycle(replies)

    @property
    def model_name(self) -> str:
        """The model name given at construction."""
        return self._model_name

    @property
    def supports_vision(self) -> bool:
        """Whether this mock claims to understand images."""
        return self._supports_vision

    async def generate(self, context: AIContext) -> AIResponse:
        """Record ``context`` and answer the next canned reply."""
        if self.record_calls:
            self.calls.append(context)
        if self.fail_with is not None:
            raise self.fail_with
        content = next(self._replies)
        prompt_chars = len(context.system_prompt or "")
        for message in context.messages:
            text = message.content
            prompt_chars += len(text) if isinstance(text, str) else _text_length(message)
        return AIResponse(
            content=content,
            finish_reason="stop",
            usage={
                "prompt_tokens": _estimate_tokens(prompt_chars),
                "completion_tokens": _estimate_tokens(len(content)),
            },
            tool_calls=list(self.tool_calls),
        )


def _estimate_tokens(chars: int) -> int:
    """The usual rough estimate: about four characters per token, at least one."""
    return max(1, round(chars / 4)) if chars else 0


def _text_length(message: AIMessage) -> int:
    if isinstance(message.content, str):
        return len(message.content)
    return sum(len(part.text) for part in message.content if part.type == "text")
