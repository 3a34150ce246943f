"""One adapter per AI vendor for the provider-contract suite.

An adapter knows three things about its vendor: how to build the RoomKit provider
pointed at the loopback server, which documented responses to script (from
``tests/fixtures/<vendor>/``), and how to read the request the SDK sent back into a
vendor-neutral :class:`Sent` the contract tests compare.
"""

from __future__ import annotations

import base64
import json
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anthropic
import httpx2
import openai
from ai_loopback import Recorded, Reply, json_reply, sse_reply
from google import genai
from google.genai import types as genai_types
from mistralai.client import Mistral as MistralSDK

from roomkit.providers.ai import AIProvider
from roomkit.providers.anthropic import AnthropicAIProvider, AnthropicConfig
from roomkit.providers.gemini import GeminiAIProvider, GeminiConfig
from roomkit.providers.mistral import MistralAIProvider, MistralConfig
from roomkit.providers.openai import OpenAIAIProvider, OpenAIConfig

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

API_KEY = "sk-test-secret-0123456789-1234"

Closer = Callable[[], Awaitable[None]]

Image = tuple[str, str, bytes] | tuple[str, str]
"""``("inline", mime_type, raw bytes)`` or ``("url", url)``."""


@dataclass
class Sent:
    """A vendor request reduced to what the contract compares."""

    model: str
    system: str | None
    max_tokens: int
    temperature: float | None
    roles: list[str]
    texts: list[tuple[str, str]]
    tools: list[dict[str, Any]] = field(default_factory=list)
    tool_calls: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    tool_results: list[tuple[str, Any, bool | None]] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    streamed: bool = False


def _raw(data: str) -> bytes:
    """Decode base64 in either alphabet (SDKs differ)."""
    return base64.b64decode(data.replace("-", "+").replace("_", "/"))


class Vendor(ABC):
    """What the contract suite needs to know about one vendor."""

    name = ""
    fixture = ""
    merges_turns = False
    """Whether consecutive turns of one role are merged (the vendor wants alternation)."""
    flags_tool_errors = False
    """Whether a failed tool result is marked as an error on the wire."""
    inlines_data_urls = False
    """Whether ``data:`` image URLs are sent as inline bytes rather than as URLs."""
    sends_temperature = True

    def __init__(self) -> None:
        self.samples: dict[str, Any] = json.loads(
            (FIXTURES / self.name / self.fixture).read_text()
        )

    def __repr__(self) -> str:
        return self.name

    @abstractmethod
    def provider(self, url: str, **settings: Any) -> AIProvider:
        """The RoomKit provider pointed at ``url``."""

    def reply(self, sample: str = "reply") -> Reply:
        """A documented JSON answer (``reply`` or ``tool_call``)."""
        return json_reply(self.samples[sample])

    def stream(self, sample: str = "stream") -> Reply:
        """A documented streamed answer."""
        return sse_reply([(name, data) for name, data in self.samples[sample]])

    def error(self, kind: str) -> Reply:
        """A documented error answer."""
        sample = self.samples["errors"][kind]
        return json_reply(sample["body"], sample["status"], sample.get("headers"))

    def retry_after(self, kind: str) -> float | None:
        """The ``Retry-After`` the error sample carries, if any."""
        value = self.samples["errors"][kind].get("headers", {}).get("retry-after")
        return float(value) if value is not None else None

    @abstractmethod
    def with_client(self, url: str) -> tuple[AIProvider, Closer]:
        """A provider built around a pre-made SDK client for ``url``, and how to close it."""

    @abstractmethod
    def endpoint(self, request: Recorded, *, stream: bool = False) -> bool:
        """Whether the request went to the documented endpoint."""

    @abstractmethod
    def api_key(self, request: Recorded) -> str:
        """The API key the request carried."""

    @abstractmethod
    def view(self, request: Recorded) -> Sent:
        """The request reduced to a :class:`Sent`."""


class Anthropic(Vendor):
    name = "anthropic"
    fixture = "messages_api.json"
    merges_turns = True
    flags_tool_errors = True
    inlines_data_urls = True
    sends_temperature = False

    def provider(self, url: str, **settings: Any) -> AIProvider:
        return AnthropicAIProvider(AnthropicConfig(api_key=API_KEY, base_url=url, **settings))

    def with_client(self, url: str) -> tuple[AIProvider, Closer]:
        client = anthropic.AsyncAnthropic(api_key=API_KEY, base_url=url, max_retries=0)
        config = AnthropicConfig(api_key="unused")
        return AnthropicAIProvider(config, client=client), client.close

    def endpoint(self, request: Recorded, *, stream: bool = False) -> bool:
        return request.method == "POST" and request.path == "/v1/messages"

    def api_key(self, request: Recorded) -> str:
        return request.headers.get("x-api-key") or request.headers["authorization"][7:]

    def view(self, request: Recorded) -> Sent:
        body = request.json()
        sent = Sent(
            model=body["model"],
            system=body.get("system"),
            max_tokens=body["max_tokens"],
            temperature=body.get("temperature"),
            roles=[turn["role"] for turn in body["messages"]],
            texts=[],
            tools=[
                {
                    "name": t["name"],
                    "description": t["description"],
                    "parameters": t["input_schema"],
                }
                for t in body.get("tools", [])
            ],
            streamed=body.get("stream", False),
        )
        for turn in body["messages"]:
            content = turn["content"]
            blocks = [{"type": "text", "text": content}] if isinstance(content, str) else content
            for block in blocks:
                self._block(turn["role"], block, sent)
        return sent

    @staticmethod
    def _block(role: str, block: dict[str, Any], sent: Sent) -> None:
        kind = block["type"]
        if kind == "text":
            sent.texts.append((role, block["text"]))
        elif kind == "image":
            source = block["source"]
            if source["type"] == "url":
                sent.images.append(("url", source["url"]))
            else:
                sent.images.append(("inline", source["media_type"], _raw(source["data"])))
        elif kind == "tool_use":
            sent.tool_calls.append((block["id"], block["name"], block["input"]))
        elif kind == "tool_result":
            value = json.loads(block["content"])
            sent.tool_results.append((block["tool_use_id"], value, block.get("is_error", False)))


class _ChatCompletions(Vendor):
    """OpenAI and Mistral share the chat-completions wire format."""

    max_tokens_field = "max_tokens"

    def endpoint(self, request: Recorded, *, stream: bool = False) -> bool:
        return request.method == "POST" and request.path == "/v1/chat/completions"

    def api_key(self, request: Recorded) -> str:
        return request.headers["authorization"].removeprefix("Bearer ")

    def view(self, request: Recorded) -> Sent:
        body = request.json()
        messages = body["messages"]
        system = [m["content"] for m in messages if m["role"] == "system"]
        sent = Sent(
            model=body["model"],
            system=system[0] if system else None,
            max_tokens=body[self.max_tokens_field],
            temperature=body.get("temperature"),
            roles=[m["role"] for m in messages if m["role"] != "system"],
            texts=[],
            tools=[t["function"] for t in body.get("tools", [])],
            streamed=body.get("stream", False),
        )
        for message in messages:
            self._message(message, sent)
        return sent

    @staticmethod
    def _message(message: dict[str, Any], sent: Sent) -> None:
        role = message["role"]
        content = message.get("content")
        if role == "tool":
            value = json.loads(content)
            sent.tool_results.append((message["tool_call_id"], value, None))
            return
        if role == "system":
            return
        for call in message.get("tool_calls") or []:
            arguments = json.loads(call["function"]["arguments"])
            sent.tool_calls.append((call["id"], call["function"]["name"], arguments))
        parts = [{"type": "text", "text": content}] if isinstance(content, str) else content
        for part in parts or []:
            if part["type"] == "text" and part["text"]:
                sent.texts.append((role, part["text"]))
            elif part["type"] == "image_url":
                image = part["image_url"]
                sent.images.append(("url", image["url"] if isinstance(image, dict) else image))


class OpenAI(_ChatCompletions):
    name = "openai"
    fixture = "chat_completions.json"
    max_tokens_field = "max_completion_tokens"

    def provider(self, url: str, **settings: Any) -> AIProvider:
        config = OpenAIConfig(api_key=API_KEY, base_url=f"{url}/v1", **settings)
        return OpenAIAIProvider(config)

    def with_client(self, url: str) -> tuple[AIProvider, Closer]:
        client = openai.AsyncOpenAI(api_key=API_KEY, base_url=f"{url}/v1", max_retries=0)
        return OpenAIAIProvider(OpenAIConfig(api_key="unused"), client=client), client.close


class Mistral(_ChatCompletions):
    name = "mistral"
    fixture = "chat_completions.json"

    def provider(self, url: str, **settings: Any) -> AIProvider:
        return MistralAIProvider(MistralConfig(api_key=API_KEY, base_url=url, **settings))

    def with_client(self, url: str) -> tuple[AIProvider, Closer]:
        http = httpx2.AsyncClient()
        client = MistralSDK(api_key=API_KEY, server_url=url, async_client=http)
        return MistralAIProvider(MistralConfig(api_key="unused"), client=client), http.aclose

    def view(self, request: Recorded) -> Sent:
        sent = super().view(request)
        for message in request.json()["messages"]:
            if message["role"] == "tool":
                assert message["name"], "Mistral tool results carry the tool's name"
        return sent


class Gemini(Vendor):
    name = "gemini"
    fixture = "generate_content.json"
    merges_turns = True
    flags_tool_errors = True
    inlines_data_urls = True

    def provider(self, url: str, **settings: Any) -> AIProvider:
        return GeminiAIProvider(GeminiConfig(api_key=API_KEY, base_url=url, **settings))

    def with_client(self, url: str) -> tuple[AIProvider, Closer]:
        http = httpx2.AsyncClient()
        options = genai_types.HttpOptions(base_url=url, httpx_async_client=http)
        client = genai.Client(api_key=API_KEY, http_options=options)
        return GeminiAIProvider(GeminiConfig(api_key="unused"), client=client), http.aclose

    def endpoint(self, request: Recorded, *, stream: bool = False) -> bool:
        method = "streamGenerateContent" if stream else "generateContent"
        model_path = request.path.rsplit("/models/", 1)[-1]
        alt_sse = request.query.get("alt") == ["sse"]
        return (
            request.method == "POST"
            and model_path.endswith(f":{method}")
            and (alt_sse or not stream)
        )

    def api_key(self, request: Recorded) -> str:
        return request.headers["x-goog-api-key"]

    def view(self, request: Recorded) -> Sent:
        body = request.json()
        config = body.get("generationConfig", {})
        instruction = body.get("systemInstruction")
        declarations = [d for t in body.get("tools", []) for d in t["functionDeclarations"]]
        sent = Sent(
            model=request.path.rsplit("/models/", 1)[-1].split(":")[0],
            system=instruction["parts"][0]["text"] if instruction else None,
            max_tokens=config["maxOutputTokens"],
            temperature=config.get("temperature"),
            roles=[c["role"] for c in body["contents"]],
            texts=[],
            tools=[
                {
                    "name": d["name"],
                    "description": d["description"],
                    "parameters": _field(d, "parametersJsonSchema"),
                }
                for d in declarations
            ],
            streamed=request.path.endswith(":streamGenerateContent"),
        )
        for content in body["contents"]:
            role = "assistant" if content["role"] == "model" else "user"
            for part in content["parts"]:
                self._part(role, part, sent)
        return sent

    @staticmethod
    def _part(role: str, part: dict[str, Any], sent: Sent) -> None:
        if "text" in part:
            sent.texts.append((role, part["text"]))
        elif blob := _field(part, "inlineData"):
            sent.images.append(("inline", _field(blob, "mimeType"), _raw(blob["data"])))
        elif reference := _field(part, "fileData"):
            sent.images.append(("url", _field(reference, "fileUri")))
        elif call := _field(part, "functionCall"):
            sent.tool_calls.append((call["id"], call["name"], call["args"]))
        elif answer := _field(part, "functionResponse"):
            response = answer["response"]
            failed = "error" in response
            value = response["error"] if failed else response["output"]
            sent.tool_results.append((answer["id"], value, failed))


def _field(obj: dict[str, Any], camel: str) -> Any:
    """Read a proto field in either JSON spelling (this SDK sends some as snake_case)."""
    snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in camel)
    return obj.get(camel, obj.get(snake))


VENDORS: list[Vendor] = [Anthropic(), OpenAI(), Gemini(), Mistral()]
