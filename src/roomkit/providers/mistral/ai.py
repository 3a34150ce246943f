"""Mistral models through the official ``mistralai`` SDK (chat completions).

The request follows the chat-completions format shared with OpenAI; tool results carry
the tool's name as Mistral asks. Images are ``image_url`` chunks (plain or ``data:``
URLs). The provider owns the SDK's async HTTP client so :meth:`close` releases it.
"""

from __future__ import annotations

import json
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
    new_call_id,
    parse_arguments,
)
from roomkit.providers.ai.base import AIProvider
from roomkit.providers.mistral.config import MistralConfig

try:
    import httpx2
    from mistralai.client import Mistral, errors, models
except ImportError as exc:  # pragma: no cover - exercised in the bare-install test
    raise ImportError(
        "MistralAIProvider needs the mistralai SDK; install it with: "
        "pip install 'roomkit[mistral]'"
    ) from exc

__all__ = ["MistralAIProvider"]

logger = logging.getLogger("roomkit.providers.mistral.ai")

VENDOR = "mistral"

_FINISH = {
    "stop": FINISH_STOP,
    "length": FINISH_LENGTH,
    "model_length": FINISH_LENGTH,
    "tool_calls": FINISH_TOOL_CALLS,
    "content_filter": FINISH_CONTENT_FILTER,
}

_VISION_MODELS = ("pixtral", "mistral-small", "mistral-medium", "mistral-large")
"""Model-name fragments of Mistral models that read images."""


class MistralAIProvider(AIProvider):
    """Generates replies with a Mistral model.

    ``client`` is an already configured ``mistralai.client.Mistral`` for advanced
    set-ups; it is then left open by :meth:`close`.
    """

    def __init__(self, config: MistralConfig, *, client: Mistral | None = None) -> None:
        self.config = config
        self._http: httpx2.AsyncClient | None = None
        if client is None:
            self._http = httpx2.AsyncClient(follow_redirects=True)
            client = Mistral(
                api_key=config.api_key.get_secret_value(),
                server_url=config.base_url,
                async_client=self._http,
                timeout_ms=round(config.timeout * 1000),
            )
        self._client = client

    def __repr__(self) -> str:
        return f"MistralAIProvider(model={self.config.model!r})"

    @property
    def model_name(self) -> str:
        """The Mistral model called."""
        return self.config.model

    @property
    def supports_vision(self) -> bool:
        """From the config when set, else true for Pixtral and the small/medium/large lines."""
        if self.config.supports_vision is not None:
            return self.config.supports_vision
        return any(fragment in self.config.model for fragment in _VISION_MODELS)

    async def generate(self, context: AIContext) -> AIResponse:
        """Ask the model for the next reply."""
        request = build_request(context, self.config)
        logger.debug("mistral: %s with %d messages", self.config.model, len(context.messages))
        try:
            response = await self._client.chat.complete_async(**request)
        except (errors.MistralError, errors.NoResponseError, httpx2.TransportError) as exc:
            raise translate_error(exc, self.config.timeout) from exc
        return to_response(response)

    async def generate_stream(self, context: AIContext) -> AsyncIterator[str]:
        """Yield the reply's text as the model streams it."""
        request = build_request(context, self.config)
        try:
            stream = await self._client.chat.stream_async(**request)
            async with stream:
                async for event in stream:
                    for choice in event.data.choices:
                        text = _text(choice.delta.content)
                        if text:
                            yield text
        except (errors.MistralError, errors.NoResponseError, httpx2.TransportError) as exc:
            raise translate_error(exc, self.config.timeout) from exc

    async def close(self) -> None:
        """Close the HTTP client this provider created, if any."""
        if self._http is not None:
            await self._http.aclose()


def build_request(context: AIContext, config: MistralConfig) -> dict[str, Any]:
    """The keyword arguments of ``chat.complete_async`` for ``context``."""
    max_tokens = context.max_tokens if is_explicit(context, "max_tokens") else config.max_tokens
    request: dict[str, Any] = {
        "model": config.model,
        "messages": chat_messages(context, name_tool_results=True),
        "max_tokens": max_tokens,
    }
    if is_explicit(context, "temperature"):
        request["temperature"] = context.temperature
    if context.tools:
        request["tools"] = chat_tools(context.tools)
    return request


def _text(content: Any) -> str:
    """The text of a message content: a string or a list of chunks."""
    if content is None or isinstance(content, str):
        return content or ""
    return "".join(chunk.text for chunk in content if isinstance(chunk, models.TextChunk))


def to_response(response: models.ChatCompletionResponse) -> AIResponse:
    """Convert a ``ChatCompletionResponse`` to an :class:`AIResponse` (first choice)."""
    usage = {
        "prompt_tokens": response.usage.prompt_tokens or 0,
        "completion_tokens": response.usage.completion_tokens or 0,
    }
    choice = response.choices[0] if response.choices else None
    message = choice.message if choice is not None else None
    if choice is None or message is None:
        return AIResponse(usage=usage)
    calls = [
        AIToolCall(
            id=call.id if call.id and call.id != "null" else new_call_id(),
            name=call.function.name,
            arguments=parse_arguments(call.function.arguments),
        )
        for call in message.tool_calls or []
    ]
    return AIResponse(
        content=_text(message.content),
        finish_reason=finish_reason(choice.finish_reason, _FINISH, has_tool_calls=bool(calls)),
        usage=usage,
        tool_calls=calls,
    )


def translate_error(exc: Exception, timeout: float) -> ProviderError:
    """Map an SDK or transport exception to RoomKit's ProviderError."""
    if isinstance(exc, httpx2.TimeoutException):
        return timeout_error(VENDOR, timeout)
    if isinstance(exc, httpx2.TransportError | errors.NoResponseError):
        return network_error(VENDOR, exc)
    if isinstance(exc, errors.MistralError):
        message, kind = _error_details(exc.body)
        return api_error(VENDOR, exc.status_code, message, kind=kind, headers=exc.headers)
    return api_error(VENDOR, None, str(exc))


def _error_details(body: str) -> tuple[str, str]:
    """The message and type/code of a Mistral error body (JSON when possible)."""
    try:
        payload = json.loads(body)
    except ValueError:
        return body, ""
    if not isinstance(payload, dict):
        return body, ""
    message = payload.get("message") or payload.get("detail") or body
    kind = f"{payload.get('type') or ''} {payload.get('code') or ''}"
    return str(message), kind
