"""OpenAI models through the official ``openai`` SDK (Chat Completions API).

The limit is sent as ``max_completion_tokens``; the temperature only when the request
sets it. Images are ``image_url`` parts (plain or ``data:`` URLs, both accepted by the
API); tool results are ``tool`` messages answering the assistant's ``tool_calls``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

from roomkit.errors import ProviderError
from roomkit.models.ai import AIContext, AIResponse, AIToolCall
from roomkit.providers.ai._chat_format import chat_messages, chat_tools
from roomkit.providers.ai._errors import api_error, network_error, timeout_error
from roomkit.providers.ai._wire import (
    FINISH_CONTENT_FILTER,
    FINISH_LENGTH,
    FINISH_STOP,
    FINISH_TOOL_CALLS,
    finish_reason,
    is_explicit,
    parse_arguments,
)
from roomkit.providers.ai.base import AIProvider
from roomkit.providers.openai.config import OpenAIConfig

try:
    import openai
    from openai.types.chat import ChatCompletion
except ImportError as exc:  # pragma: no cover - exercised in the bare-install test
    raise ImportError(
        "OpenAIAIProvider needs the openai SDK; install it with: pip install 'roomkit[openai]'"
    ) from exc

__all__ = ["OpenAIAIProvider"]

logger = logging.getLogger("roomkit.providers.openai.ai")

VENDOR = "openai"

_FINISH = {
    "stop": FINISH_STOP,
    "length": FINISH_LENGTH,
    "tool_calls": FINISH_TOOL_CALLS,
    "function_call": FINISH_TOOL_CALLS,
    "content_filter": FINISH_CONTENT_FILTER,
}

_TEXT_ONLY_MODELS = ("gpt-3.5", "gpt-4-0", "gpt-4-32k", "o1-mini", "o3-mini")
"""Model-name prefixes of OpenAI models that cannot read images."""


class OpenAIAIProvider(AIProvider):
    """Generates replies with an OpenAI chat model (or any compatible server).

    ``client`` is an already configured ``openai.AsyncOpenAI`` for advanced set-ups
    (Azure, custom HTTP client); it is then left open by :meth:`close`.
    """

    def __init__(self, config: OpenAIConfig, *, client: openai.AsyncOpenAI | None = None) -> None:
        self.config = config
        self._owned = client is None
        self._client = client or openai.AsyncOpenAI(
            api_key=config.api_key.get_secret_value(),
            base_url=config.base_url,
            timeout=config.timeout,
            max_retries=config.max_retries,
        )

    def __repr__(self) -> str:
        return f"OpenAIAIProvider(model={self.config.model!r})"

    @property
    def model_name(self) -> str:
        """The OpenAI model called."""
        return self.config.model

    @property
    def supports_vision(self) -> bool:
        """From the config when set, else every model except the known text-only ones."""
        if self.config.supports_vision is not None:
            return self.config.supports_vision
        model = self.config.model
        return not (model == "gpt-4" or model.startswith(_TEXT_ONLY_MODELS))

    async def generate(self, context: AIContext) -> AIResponse:
        """Ask the model for the next reply."""
        request = build_request(context, self.config)
        logger.debug("openai: %s with %d messages", self.config.model, len(context.messages))
        try:
            completion = await self._client.chat.completions.create(**request)
        except openai.OpenAIError as exc:
            raise translate_error(exc, self.config.timeout) from exc
        return to_response(completion)

    async def generate_stream(self, context: AIContext) -> AsyncIterator[str]:
        """Yield the reply's text as the model streams it."""
        request = build_request(context, self.config)
        try:
            stream = await self._client.chat.completions.create(
                **request, stream=True, stream_options={"include_usage": True}
            )
            async with stream:
                async for chunk in stream:
                    for choice in chunk.choices:
                        if choice.delta.content:
                            yield choice.delta.content
        except openai.OpenAIError as exc:
            raise translate_error(exc, self.config.timeout) from exc

    async def close(self) -> None:
        """Close the SDK client if this provider created it."""
        if self._owned:
            await self._client.close()


def build_request(context: AIContext, config: OpenAIConfig) -> dict[str, Any]:
    """The keyword arguments of ``chat.completions.create`` for ``context``."""
    max_tokens = context.max_tokens if is_explicit(context, "max_tokens") else config.max_tokens
    request: dict[str, Any] = {
        "model": config.model,
        "messages": chat_messages(context),
        "max_completion_tokens": max_tokens,
    }
    if is_explicit(context, "temperature"):
        request["temperature"] = context.temperature
    if context.tools:
        request["tools"] = chat_tools(context.tools)
    return request


def to_response(completion: ChatCompletion) -> AIResponse:
    """Convert a ``ChatCompletion`` to an :class:`AIResponse` (first choice)."""
    usage = (
        {
            "prompt_tokens": completion.usage.prompt_tokens,
            "completion_tokens": completion.usage.completion_tokens,
        }
        if completion.usage is not None
        else {}
    )
    if not completion.choices:
        return AIResponse(usage=usage)
    choice = completion.choices[0]
    calls = [
        AIToolCall(
            id=call.id,
            name=call.function.name,
            arguments=parse_arguments(call.function.arguments),
        )
        for call in choice.message.tool_calls or []
        if call.type == "function"
    ]
    return AIResponse(
        content=choice.message.content or "",
        finish_reason=finish_reason(choice.finish_reason, _FINISH, has_tool_calls=bool(calls)),
        usage=usage,
        tool_calls=calls,
    )


def translate_error(exc: openai.OpenAIError, timeout: float) -> ProviderError:
    """Map an SDK exception to RoomKit's ProviderError."""
    if isinstance(exc, openai.APITimeoutError):
        return timeout_error(VENDOR, timeout)
    if isinstance(exc, openai.APIConnectionError):
        return network_error(VENDOR, exc)
    if isinstance(exc, openai.APIError):
        body = exc.body
        message = body.get("message") if isinstance(body, dict) else None
        status = exc.status_code if isinstance(exc, openai.APIStatusError) else None
        headers = exc.response.headers if isinstance(exc, openai.APIStatusError) else None
        return api_error(
            VENDOR,
            status if status and status >= 400 else None,
            str(message or exc.message),
            kind=f"{exc.type or ''} {exc.code or ''}",
            headers=headers,
        )
    return api_error(VENDOR, None, str(exc))
