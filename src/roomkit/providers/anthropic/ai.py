"""Claude through the official ``anthropic`` SDK (Messages API).

The system prompt goes in ``system``; consecutive turns of the same role are merged;
tool results travel as ``tool_result`` blocks of a user turn (``is_error`` set for failed
tools); images are ``url`` sources, or ``base64`` sources when given as ``data:`` URLs.
The SDK (2.x) has no sampling-temperature parameter, so ``AIContext.temperature`` is not
sent.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

from roomkit.errors import ProviderError
from roomkit.models.ai import AIContext, AIImagePart, AIMessage, AIResponse, AIToolCall
from roomkit.providers.ai._errors import api_error, network_error, timeout_error
from roomkit.providers.ai._wire import (
    FINISH_CONTENT_FILTER,
    FINISH_LENGTH,
    FINISH_STOP,
    FINISH_TOOL_CALLS,
    finish_reason,
    is_explicit,
    message_parts,
    parse_arguments,
    parse_data_url,
    system_text,
)
from roomkit.providers.ai.base import AIProvider
from roomkit.providers.anthropic.config import AnthropicConfig

try:
    import anthropic
    from anthropic.types import Message
except ImportError as exc:  # pragma: no cover - exercised in the bare-install test
    raise ImportError(
        "AnthropicAIProvider needs the anthropic SDK; install it with: "
        "pip install 'roomkit[anthropic]'"
    ) from exc

__all__ = ["AnthropicAIProvider"]

logger = logging.getLogger("roomkit.providers.anthropic.ai")

VENDOR = "anthropic"

_FINISH = {
    "end_turn": FINISH_STOP,
    "stop_sequence": FINISH_STOP,
    "max_tokens": FINISH_LENGTH,
    "model_context_window_exceeded": FINISH_LENGTH,
    "tool_use": FINISH_TOOL_CALLS,
    "refusal": FINISH_CONTENT_FILTER,
}


class AnthropicAIProvider(AIProvider):
    """Generates replies with an Anthropic Claude model.

    ``client`` is an already configured ``anthropic.AsyncAnthropic`` for advanced set-ups
    (custom HTTP client, middleware); it is then left open by :meth:`close`.
    """

    def __init__(
        self, config: AnthropicConfig, *, client: anthropic.AsyncAnthropic | None = None
    ) -> None:
        self.config = config
        self._owned = client is None
        self._client = client or anthropic.AsyncAnthropic(
            api_key=config.api_key.get_secret_value(),
            base_url=config.base_url,
            timeout=config.timeout,
            max_retries=config.max_retries,
        )

    def __repr__(self) -> str:
        return f"AnthropicAIProvider(model={self.config.model!r})"

    @property
    def model_name(self) -> str:
        """The Claude model called."""
        return self.config.model

    @property
    def supports_vision(self) -> bool:
        """Claude models read images."""
        return True

    async def generate(self, context: AIContext) -> AIResponse:
        """Ask Claude for the next reply."""
        request = build_request(context, self.config)
        logger.debug("anthropic: %s with %d messages", self.config.model, len(context.messages))
        try:
            message = await self._client.messages.create(**request)
        except anthropic.AnthropicError as exc:
            raise translate_error(exc, self.config.timeout) from exc
        return to_response(message)

    async def generate_stream(self, context: AIContext) -> AsyncIterator[str]:
        """Yield the reply's text as Claude streams it."""
        request = build_request(context, self.config)
        try:
            stream = await self._client.messages.create(**request, stream=True)
            async with stream:
                async for event in stream:
                    if event.type == "content_block_delta" and event.delta.type == "text_delta":
                        yield event.delta.text
        except anthropic.AnthropicError as exc:
            raise translate_error(exc, self.config.timeout) from exc

    async def close(self) -> None:
        """Close the SDK client if this provider created it."""
        if self._owned:
            await self._client.close()


def build_request(context: AIContext, config: AnthropicConfig) -> dict[str, Any]:
    """The keyword arguments of ``messages.create`` for ``context``."""
    max_tokens = context.max_tokens if is_explicit(context, "max_tokens") else config.max_tokens
    request: dict[str, Any] = {
        "model": config.model,
        "max_tokens": max_tokens,
        "messages": _turns(context.messages),
    }
    system = system_text(context)
    if system:
        request["system"] = system
    if context.tools:
        request["tools"] = [
            {"name": t.name, "description": t.description, "input_schema": t.parameters}
            for t in context.tools
        ]
    return request


def _turns(messages: list[AIMessage]) -> list[dict[str, Any]]:
    """Convert the history to alternating user/assistant turns of content blocks."""
    turns: list[dict[str, Any]] = []
    for message in messages:
        if message.role == "system":
            continue
        role = "assistant" if message.role == "assistant" else "user"
        blocks = _blocks(message)
        if not blocks:
            continue
        if turns and turns[-1]["role"] == role:
            turns[-1]["content"].extend(blocks)
        else:
            turns.append({"role": role, "content": blocks})
    for turn in turns:  # a lone text block is sent in the short string form
        blocks = turn["content"]
        if len(blocks) == 1 and blocks[0]["type"] == "text":
            turn["content"] = blocks[0]["text"]
    return turns


def _blocks(message: AIMessage) -> list[dict[str, Any]]:
    if message.role == "tool":
        block: dict[str, Any] = {
            "type": "tool_result",
            "tool_use_id": message.tool_call_id or "",
            "content": message.content if isinstance(message.content, str) else "",
        }
        if message.is_error:
            block["is_error"] = True
        return [block]
    blocks: list[dict[str, Any]] = []
    for part in message_parts(message):
        if isinstance(part, AIImagePart):
            blocks.append(_image(part))
        elif part.text:
            blocks.append({"type": "text", "text": part.text})
    blocks += [
        {"type": "tool_use", "id": call.id, "name": call.name, "input": call.arguments}
        for call in message.tool_calls
    ]
    return blocks


def _image(part: AIImagePart) -> dict[str, Any]:
    inline = parse_data_url(part.url)
    if inline is None:
        return {"type": "image", "source": {"type": "url", "url": part.url}}
    source = {"type": "base64", "media_type": inline.mime_type, "data": inline.data}
    return {"type": "image", "source": source}


def to_response(message: Message) -> AIResponse:
    """Convert a ``Message`` to an :class:`AIResponse`."""
    texts: list[str] = []
    calls: list[AIToolCall] = []
    for block in message.content:
        if block.type == "text":
            texts.append(block.text)
        elif block.type == "tool_use":
            calls.append(
                AIToolCall(id=block.id, name=block.name, arguments=parse_arguments(block.input))
            )
    usage = message.usage
    prompt_tokens = (
        usage.input_tokens
        + (usage.cache_creation_input_tokens or 0)
        + (usage.cache_read_input_tokens or 0)
    )
    return AIResponse(
        content="".join(texts),
        finish_reason=finish_reason(message.stop_reason, _FINISH, has_tool_calls=bool(calls)),
        usage={"prompt_tokens": prompt_tokens, "completion_tokens": usage.output_tokens},
        tool_calls=calls,
    )


def translate_error(exc: anthropic.AnthropicError, timeout: float) -> ProviderError:
    """Map an SDK exception to RoomKit's ProviderError."""
    if isinstance(exc, anthropic.APITimeoutError):
        return timeout_error(VENDOR, timeout)
    if isinstance(exc, anthropic.APIConnectionError):
        return network_error(VENDOR, exc)
    if isinstance(exc, anthropic.APIStatusError):
        status = exc.status_code if exc.status_code >= 400 else None  # errors sent mid-stream
        return api_error(
            VENDOR,
            status,
            exc.api_message or exc.message,
            kind=f"{exc.type or ''} {exc.error_code or ''}",
            headers=exc.response.headers,
        )
    return api_error(VENDOR, None, str(exc))
