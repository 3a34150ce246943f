"""MockAIProvider: canned replies, recorded requests, failure and tool calls."""

from __future__ import annotations

import pytest

from roomkit.errors import ConfigurationError, ProviderError
from roomkit.models import AIContext, AIImagePart, AIMessage, AITextPart, AIToolCall
from roomkit.providers.ai import AIProvider, MockAIProvider


def ask(text: str) -> AIContext:
    return AIContext(messages=[AIMessage(role="user", content=text)])


async def test_default_reply_and_model() -> None:
    provider = MockAIProvider()

    response = await provider.generate(ask("hi"))

    assert isinstance(provider, AIProvider)
    assert response.content == "Hello from mock AI"
    assert response.finish_reason == "stop"
    assert provider.model_name == "mock-model"
    assert provider.supports_vision is False


async def test_responses_cycle_in_order() -> None:
    provider = MockAIProvider(["one", "two"])

    replies = [(await provider.generate(ask("q"))).content for _ in range(3)]

    assert replies == ["one", "two", "one"]


async def test_every_context_is_recorded() -> None:
    provider = MockAIProvider()
    first, second = ask("first"), ask("second")

    await provider.generate(first)
    await provider.generate(second)

    assert provider.calls == [first, second]


async def test_usage_estimates_four_characters_per_token() -> None:
    provider = MockAIProvider(["three word reply"])
    context = AIContext(
        system_prompt="be brief",
        messages=[
            AIMessage(role="user", content="how are you"),
            AIMessage(
                role="user",
                content=[AITextPart(text="look here"), AIImagePart(url="https://x/y.png")],
            ),
        ],
    )

    response = await provider.generate(context)

    # prompt: "be brief" (8) + "how are you" (11) + "look here" (9) = 28 chars -> 7 tokens;
    # the image part has no text. Reply: 16 chars -> 4 tokens.
    assert response.usage == {"prompt_tokens": 7, "completion_tokens": 4}


async def test_fail_with_is_raised_after_recording() -> None:
    error = ProviderError("overloaded", retryable=True)
    provider = MockAIProvider(fail_with=error)

    with pytest.raises(ProviderError) as caught:
        await provider.generate(ask("hi"))

    assert caught.value is error
    assert len(provider.calls) == 1


async def test_failure_can_be_switched_off() -> None:
    provider = MockAIProvider(["ok"], fail_with=RuntimeError("down"))
    provider.fail_with = None

    assert (await provider.generate(ask("hi"))).content == "ok"


async def test_tool_calls_are_attached_to_every_response() -> None:
    call = AIToolCall(id="c1", name="search", arguments={"q": "x"})
    provider = MockAIProvider(tool_calls=[call])

    responses = [await provider.generate(ask("q")) for _ in range(2)]

    assert [r.tool_calls for r in responses] == [[call], [call]]


def test_options_are_reported() -> None:
    provider = MockAIProvider(model_name="tiny", supports_vision=True)

    assert provider.model_name == "tiny"
    assert provider.supports_vision is True


def test_an_empty_response_list_is_rejected() -> None:
    with pytest.raises(ConfigurationError):
        MockAIProvider([])


async def test_stream_yields_the_reply() -> None:
    provider = MockAIProvider(["streamed"])

    chunks = [chunk async for chunk in provider.generate_stream(ask("q"))]

    assert chunks == ["streamed"]
    assert len(provider.calls) == 1


async def test_record_calls_false_keeps_nothing() -> None:
    provider = MockAIProvider(["ok"], record_calls=False)

    response = await provider.generate(AIContext())

    assert response.content == "ok"
    assert provider.calls == []
