"""The contract every AI provider meets, run on the real SDKs against a loopback server.

Each test scripts documented vendor answers, calls the RoomKit provider, and checks
both what came back and what the SDK actually put on the wire.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator

import pytest
from ai_loopback import LoopbackServer, Reply
from ai_vendors import API_KEY, Vendor

from roomkit.channels.capabilities import SMS_CAPABILITIES
from roomkit.errors import ErrorCode, ProviderError
from roomkit.models import AIContext, AIImagePart, AIMessage, AITextPart, AITool, AIToolCall
from roomkit.providers.ai import AIProvider

WEATHER = AITool(
    name="get_weather",
    description="Current weather in a city",
    parameters={
        "type": "object",
        "properties": {"location": {"type": "string"}},
        "required": ["location"],
    },
)

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
PNG_URL = "data:image/png;base64," + base64.b64encode(PNG).decode()
PHOTO_URL = "https://example.com/cat.jpg"


@pytest.fixture
async def provider(vendor: Vendor, server: LoopbackServer) -> AsyncIterator[AIProvider]:
    """The vendor's provider pointed at the loopback server."""
    instance = vendor.provider(server.url)
    yield instance
    await instance.close()


def ask(*messages: AIMessage, **fields: object) -> AIContext:
    """A context with ``messages`` (plain strings become user turns)."""
    return AIContext(messages=list(messages), **fields)  # type: ignore[arg-type]


def user(text: str) -> AIMessage:
    return AIMessage(role="user", content=text)


def assistant(text: str) -> AIMessage:
    return AIMessage(role="assistant", content=text)


async def test_plain_reply(vendor: Vendor, server: LoopbackServer, provider: AIProvider) -> None:
    server.queue(vendor.reply())

    response = await provider.generate(
        ask(user("Hi there"), system_prompt="Be brief.", temperature=0.3, max_tokens=200)
    )

    assert response.content == "Hello! How can I help you today?"
    assert response.finish_reason == "stop"
    assert response.usage == {"prompt_tokens": 12, "completion_tokens": 9}
    assert response.tool_calls == []
    request = server.last
    assert vendor.endpoint(request)
    assert vendor.api_key(request) == API_KEY
    sent = vendor.view(request)
    assert sent.model == provider.model_name
    assert sent.system == "Be brief."
    assert sent.max_tokens == 200
    assert sent.temperature == (0.3 if vendor.sends_temperature else None)
    assert sent.texts == [("user", "Hi there")]
    assert not sent.streamed


async def test_unset_limits_come_from_the_config(vendor: Vendor, server: LoopbackServer) -> None:
    server.queue(vendor.reply())
    provider = vendor.provider(server.url, max_tokens=77)

    await provider.generate(ask(user("Hi")))
    await provider.close()

    sent = vendor.view(server.last)
    assert sent.max_tokens == 77
    assert sent.system is None
    expected_temperature = 1.0 if vendor.name == "gemini" else None  # GeminiConfig default
    assert sent.temperature == expected_temperature


async def test_limited_targets_add_a_note_to_the_system_prompt(
    vendor: Vendor, server: LoopbackServer, provider: AIProvider
) -> None:
    server.queue(vendor.reply())

    await provider.generate(
        ask(user("Hi"), system_prompt="Be brief.", target_capabilities=SMS_CAPABILITIES)
    )

    sent = vendor.view(server.last)
    assert sent.system == "Be brief.\n\nReply in plain text, at most 1600 characters."


async def test_a_pre_built_sdk_client_is_used_and_left_open(
    vendor: Vendor, server: LoopbackServer
) -> None:
    server.queue(vendor.reply(), vendor.reply())
    provider, close_client = vendor.with_client(server.url)

    await provider.generate(ask(user("Hi")))
    await provider.close()
    second = await provider.generate(ask(user("Still there?")))
    await close_client()

    assert second.content == "Hello! How can I help you today?"
    assert vendor.api_key(server.last) == API_KEY
    assert [vendor.view(r).texts for r in server.requests] == [
        [("user", "Hi")],
        [("user", "Still there?")],
    ]


async def test_closing_releases_the_client_the_provider_made(vendor: Vendor) -> None:
    provider = vendor.provider("http://127.0.0.1:9")

    await provider.close()

    with pytest.raises(Exception) as caught:  # noqa: B017 - any refusal will do
        await provider.generate(ask(user("Hi")))
    causes: list[BaseException] = []
    error: BaseException | None = caught.value
    while error is not None:
        causes.append(error)
        error = error.__cause__
    assert any("client has been closed" in str(cause) for cause in causes)


async def test_multi_turn_history_keeps_order_and_roles(
    vendor: Vendor, server: LoopbackServer, provider: AIProvider
) -> None:
    server.queue(vendor.reply())
    history = [
        AIMessage(role="system", content="Answer in French."),
        user("Hello"),
        assistant("Bonjour !"),
        user("What's the weather?"),
        user("In Paris."),
    ]

    await provider.generate(ask(*history, system_prompt="You help travellers."))

    sent = vendor.view(server.last)
    assert sent.system == "You help travellers.\n\nAnswer in French."
    assert sent.texts == [
        ("user", "Hello"),
        ("assistant", "Bonjour !"),
        ("user", "What's the weather?"),
        ("user", "In Paris."),
    ]
    if vendor.merges_turns:
        assert sent.roles == ["user", "assistant", "user"] or sent.roles == [
            "user",
            "model",
            "user",
        ]
    else:
        assert sent.roles == ["user", "assistant", "user", "user"]


async def test_tool_round_trip(
    vendor: Vendor, server: LoopbackServer, provider: AIProvider
) -> None:
    server.queue(vendor.reply("tool_call"), vendor.reply())
    question = user("What's the weather in Paris?")

    first = await provider.generate(ask(question, tools=[WEATHER]))

    [call] = first.tool_calls
    assert call.name == "get_weather"
    assert call.arguments == {"location": "Paris"}
    assert call.id
    assert first.finish_reason == "tool_calls"
    sent = vendor.view(server.last)
    assert sent.tools == [WEATHER.model_dump()]

    followup = [
        question,
        AIMessage(role="assistant", content=first.content, tool_calls=[call]),
        AIMessage(role="tool", tool_call_id=call.id, name=call.name, content='{"temp_c": 21}'),
    ]
    second = await provider.generate(ask(*followup, tools=[WEATHER]))

    assert second.content == "Hello! How can I help you today?"
    sent = vendor.view(server.last)
    assert sent.tool_calls == [(call.id, "get_weather", {"location": "Paris"})]
    flag = False if vendor.flags_tool_errors else None
    assert sent.tool_results == [(call.id, {"temp_c": 21}, flag)]


async def test_failed_tool_results_are_reported(
    vendor: Vendor, server: LoopbackServer, provider: AIProvider
) -> None:
    server.queue(vendor.reply())
    call = AIToolCall(id="call_9", name="get_weather", arguments={"location": "Atlantis"})
    failure = AIMessage(
        role="tool",
        tool_call_id="call_9",
        content='{"error": "LookupError: unknown city"}',
        is_error=True,
    )

    await provider.generate(
        ask(user("Weather?"), AIMessage(role="assistant", content="", tool_calls=[call]), failure)
    )

    [(call_id, value, flagged)] = vendor.view(server.last).tool_results
    assert call_id == "call_9"
    assert value == {"error": "LookupError: unknown city"}
    assert flagged is (True if vendor.flags_tool_errors else None)


async def test_vision_input(vendor: Vendor, server: LoopbackServer, provider: AIProvider) -> None:
    server.queue(vendor.reply())
    parts = [
        AITextPart(text="What is in these pictures?"),
        AIImagePart(url=PHOTO_URL, mime_type="image/jpeg"),
        AIImagePart(url=PNG_URL, mime_type="image/png"),
    ]

    assert provider.supports_vision
    await provider.generate(ask(AIMessage(role="user", content=parts)))

    sent = vendor.view(server.last)
    assert sent.texts == [("user", "What is in these pictures?")]
    inline = ("inline", "image/png", PNG) if vendor.inlines_data_urls else ("url", PNG_URL)
    assert sent.images == [("url", PHOTO_URL), inline]


async def test_streaming_yields_text_deltas(
    vendor: Vendor, server: LoopbackServer, provider: AIProvider
) -> None:
    server.queue(vendor.stream())

    deltas = [delta async for delta in provider.generate_stream(ask(user("Hi"), max_tokens=64))]

    assert deltas == ["Hello", "! How can", " I help?"]
    request = server.last
    assert vendor.endpoint(request, stream=True)
    sent = vendor.view(request)
    assert sent.texts == [("user", "Hi")]
    assert sent.max_tokens == 64
    assert sent.streamed


ERRORS = [
    ("authentication", ErrorCode.AUTHENTICATION, False),
    ("rate_limited", ErrorCode.RATE_LIMITED, True),
    ("overloaded", ErrorCode.OVERLOADED, True),
    ("server_error", ErrorCode.SERVER_ERROR, True),
    ("context_length", ErrorCode.CONTEXT_LENGTH, False),
    ("invalid_request", ErrorCode.INVALID_REQUEST, False),
]


@pytest.mark.parametrize(("kind", "code", "retryable"), ERRORS, ids=[e[0] for e in ERRORS])
async def test_error_answers_map_to_provider_errors(
    vendor: Vendor,
    server: LoopbackServer,
    provider: AIProvider,
    kind: str,
    code: ErrorCode,
    retryable: bool,
) -> None:
    server.queue(vendor.error(kind))

    with pytest.raises(ProviderError) as caught:
        await provider.generate(ask(user("Hi")))

    error = caught.value
    assert (error.code, error.retryable) == (code, retryable)
    assert error.provider == vendor.name
    assert error.status_code == vendor.samples["errors"][kind]["status"]
    assert error.retry_after == vendor.retry_after(kind)
    assert API_KEY not in str(error)
    assert len(server.requests) == 1, "SDK retries stay off by default"


@pytest.mark.parametrize(("kind", "code", "retryable"), ERRORS[:3], ids=[e[0] for e in ERRORS[:3]])
async def test_streaming_errors_map_to_provider_errors(
    vendor: Vendor,
    server: LoopbackServer,
    provider: AIProvider,
    kind: str,
    code: ErrorCode,
    retryable: bool,
) -> None:
    server.queue(vendor.error(kind))

    with pytest.raises(ProviderError) as caught:
        async for _ in provider.generate_stream(ask(user("Hi"))):
            pass

    assert (caught.value.code, caught.value.retryable) == (code, retryable)


async def test_timeouts_are_retryable(vendor: Vendor, server: LoopbackServer) -> None:
    server.queue(Reply(hang=True))
    provider = vendor.provider(server.url, timeout=0.2)

    with pytest.raises(ProviderError) as caught:
        await provider.generate(ask(user("Hi")))
    await provider.close()

    assert (caught.value.code, caught.value.retryable) == (ErrorCode.TIMEOUT, True)
    assert caught.value.provider == vendor.name


async def test_unreachable_servers_are_network_errors(vendor: Vendor) -> None:
    closed = LoopbackServer()
    await closed.start()
    url = closed.url
    await closed.close()
    provider = vendor.provider(url)

    with pytest.raises(ProviderError) as caught:
        await provider.generate(ask(user("Hi")))
    await provider.close()

    assert (caught.value.code, caught.value.retryable) == (ErrorCode.NETWORK, True)


def test_the_api_key_never_shows(vendor: Vendor) -> None:
    provider = vendor.provider("http://127.0.0.1:9")
    config = provider.config  # type: ignore[attr-defined]

    for text in (str(config), repr(config), repr(provider), str(provider)):
        assert API_KEY not in text
    assert provider.model_name in repr(provider)
