"""Gemini models through the official ``google-genai`` SDK (Gemini API).

History turns become ``user``/``model`` contents (consecutive turns of one role merged);
the system prompt is the ``system_instruction``; tools are function declarations with a
JSON schema; tool results are ``function_response`` parts whose response is
``{"output": ...}`` or, for a failed tool, ``{"error": ...}``. Images given as ``data:``
URLs are sent inline, other URLs as ``file_data`` references.

The provider always hands the SDK an ``httpx2`` client it owns, so requests take the
same path (and fail with the same errors) whether or not ``aiohttp`` is installed.
"""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import AsyncIterator
from typing import Any

from roomkit.errors import ProviderError
from roomkit.models.ai import AIContext, AIImagePart, AIMessage, AIResponse, AIToolCall
from roomkit.providers.ai._errors import api_error, network_error, timeout_error
from roomkit.providers.ai._wire import (
    FINISH_CONTENT_FILTER,
    FINISH_LENGTH,
    FINISH_STOP,
    decode_tool_result,
    finish_reason,
    is_explicit,
    message_parts,
    message_text,
    new_call_id,
    parse_arguments,
    parse_data_url,
    system_text,
    tool_names_by_id,
)
from roomkit.providers.ai.base import AIProvider
from roomkit.providers.gemini.config import GeminiConfig

try:
    import httpx2
    from google import genai
    from google.genai import errors, types
except ImportError as exc:  # pragma: no cover - exercised in the bare-install test
    raise ImportError(
        "GeminiAIProvider needs the google-genai SDK; install it with: "
        "pip install 'roomkit[gemini]'"
    ) from exc

__all__ = ["GeminiAIProvider"]

logger = logging.getLogger("roomkit.providers.gemini.ai")

VENDOR = "gemini"

_FINISH = {
    "STOP": FINISH_STOP,
    "MAX_TOKENS": FINISH_LENGTH,
    "SAFETY": FINISH_CONTENT_FILTER,
    "RECITATION": FINISH_CONTENT_FILTER,
    "BLOCKLIST": FINISH_CONTENT_FILTER,
    "PROHIBITED_CONTENT": FINISH_CONTENT_FILTER,
    "SPII": FINISH_CONTENT_FILTER,
    "IMAGE_SAFETY": FINISH_CONTENT_FILTER,
}

_FAILURES = (errors.APIError, httpx2.TransportError)


class GeminiAIProvider(AIProvider):
    """Generates replies with a Google Gemini model.

    ``client`` is an already configured ``google.genai.Client`` for advanced set-ups
    (Vertex AI, custom credentials); it is then left open by :meth:`close`.
    """

    def __init__(self, config: GeminiConfig, *, client: genai.Client | None = None) -> None:
        self.config = config
        self._http: httpx2.AsyncClient | None = None
        if client is None:
            self._http = httpx2.AsyncClient()
            retries = types.HttpRetryOptions(attempts=config.max_retries + 1)
            options = types.HttpOptions(
                base_url=config.base_url,
                timeout=max(1, round(config.timeout * 1000)),
                httpx_async_client=self._http,
                retry_options=retries if config.max_retries else None,
            )
            client = genai.Client(api_key=config.api_key.get_secret_value(), http_options=options)
        self._client = client

    def __repr__(self) -> str:
        return f"GeminiAIProvider(model={self.config.model!r})"

    @property
    def model_name(self) -> str:
        """The Gemini model called."""
        return self.config.model

    @property
    def supports_vision(self) -> bool:
        """Gemini models read images."""
        return True

    async def generate(self, context: AIContext) -> AIResponse:
        """Ask Gemini for the next reply."""
        contents, settings = build_request(context, self.config)
        logger.debug("gemini: %s with %d messages", self.config.model, len(context.messages))
        try:
            response = await self._client.aio.models.generate_content(
                model=self.config.model, contents=contents, config=settings
            )
        except _FAILURES as exc:
            raise translate_error(exc, self.config.timeout) from exc
        return to_response(response)

    async def generate_stream(self, context: AIContext) -> AsyncIterator[str]:
        """Yield the reply's text as Gemini streams it."""
        contents, settings = build_request(context, self.config)
        try:
            stream = await self._client.aio.models.generate_content_stream(
                model=self.config.model, contents=contents, config=settings
            )
            async for chunk in stream:
                text = _text(chunk)
                if text:
                    yield text
        except _FAILURES as exc:
            raise translate_error(exc, self.config.timeout) from exc

    async def close(self) -> None:
        """Close the SDK client and the HTTP client if this provider created them."""
        if self._http is not None:
            self._client.close()
            await self._client.aio.aclose()
            await self._http.aclose()


def build_request(
    context: AIContext, config: GeminiConfig
) -> tuple[list[types.Content], types.GenerateContentConfig]:
    """The ``contents`` and ``config`` arguments of ``generate_content`` for ``context``."""
    temperature = context.temperature if is_explicit(context, "temperature") else None
    max_tokens = context.max_tokens if is_explicit(context, "max_tokens") else None
    settings = types.GenerateContentConfig(
        system_instruction=system_text(context),
        temperature=config.temperature if temperature is None else temperature,
        max_output_tokens=config.max_tokens if max_tokens is None else max_tokens,
    )
    if context.tools:
        declarations = [
            types.FunctionDeclaration(
                name=t.name, description=t.description, parameters_json_schema=t.parameters
            )
            for t in context.tools
        ]
        settings.tools = [types.Tool(function_declarations=declarations)]
    return _contents(context.messages), settings


def _contents(messages: list[AIMessage]) -> list[types.Content]:
    names = tool_names_by_id(messages)
    contents: list[types.Content] = []
    for message in messages:
        if message.role == "system":
            continue
        role = "model" if message.role == "assistant" else "user"
        parts = _parts(message, names)
        if not parts:
            continue
        last = contents[-1] if contents else None
        if last is not None and last.role == role and last.parts is not None:
            last.parts.extend(parts)
        else:
            contents.append(types.Content(role=role, parts=parts))
    return contents


def _parts(message: AIMessage, names: dict[str, str]) -> list[types.Part]:
    if message.role == "tool":
        call_id = message.tool_call_id
        value = decode_tool_result(message_text(message))
        response = {"error": value} if message.is_error else {"output": value}
        name = message.name or names.get(call_id or "", "")
        function_response = types.FunctionResponse(id=call_id, name=name, response=response)
        return [types.Part(function_response=function_response)]
    parts: list[types.Part] = []
    for part in message_parts(message):
        if isinstance(part, AIImagePart):
            parts.append(_image(part))
        elif part.text:
            parts.append(types.Part(text=part.text))
    parts += [
        types.Part(
            function_call=types.FunctionCall(id=call.id, name=call.name, args=call.arguments)
        )
        for call in message.tool_calls
    ]
    return parts


def _image(part: AIImagePart) -> types.Part:
    inline = parse_data_url(part.url)
    if inline is not None:
        return types.Part(inline_data=types.Blob(mime_type=inline.mime_type, data=inline.raw()))
    mime_type = part.mime_type or mimetypes.guess_type(part.url)[0] or "image/jpeg"
    return types.Part(file_data=types.FileData(file_uri=part.url, mime_type=mime_type))


def _candidate_parts(response: types.GenerateContentResponse) -> list[types.Part]:
    if not response.candidates:
        return []
    content = response.candidates[0].content
    return list(content.parts or []) if content is not None else []


def _text(response: types.GenerateContentResponse) -> str:
    parts = _candidate_parts(response)
    return "".join(part.text for part in parts if part.text and not part.thought)


def to_response(response: types.GenerateContentResponse) -> AIResponse:
    """Convert a ``GenerateContentResponse`` to an :class:`AIResponse` (first candidate)."""
    calls = [
        AIToolCall(
            id=part.function_call.id or new_call_id(),
            name=part.function_call.name or "",
            arguments=parse_arguments(part.function_call.args),
        )
        for part in _candidate_parts(response)
        if part.function_call is not None
    ]
    metadata = response.usage_metadata
    usage = (
        {
            "prompt_tokens": metadata.prompt_token_count or 0,
            "completion_tokens": metadata.candidates_token_count or 0,
        }
        if metadata is not None
        else {}
    )
    return AIResponse(
        content=_text(response),
        finish_reason=_finish(response, has_tool_calls=bool(calls)),
        usage=usage,
        tool_calls=calls,
    )


def _finish(response: types.GenerateContentResponse, *, has_tool_calls: bool) -> str | None:
    if not response.candidates:
        feedback = response.prompt_feedback
        blocked = feedback is not None and feedback.block_reason is not None
        return FINISH_CONTENT_FILTER if blocked else None
    raw: Any = response.candidates[0].finish_reason
    value = getattr(raw, "value", raw)
    return finish_reason(value, _FINISH, has_tool_calls=has_tool_calls)


def translate_error(exc: Exception, timeout: float) -> ProviderError:
    """Map an SDK or transport exception to RoomKit's ProviderError."""
    if isinstance(exc, httpx2.TimeoutException):
        return timeout_error(VENDOR, timeout)
    if isinstance(exc, httpx2.TransportError):
        return network_error(VENDOR, exc)
    if isinstance(exc, errors.APIError):
        response = getattr(exc, "response", None)
        headers = getattr(response, "headers", None)
        return api_error(
            VENDOR, exc.code, str(exc.message or ""), kind=str(exc.status or ""), headers=headers
        )
    return api_error(VENDOR, None, str(exc))
