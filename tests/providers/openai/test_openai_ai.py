"""OpenAI mapping details beyond the shared provider contract."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx2
import openai
import pytest
from openai.types.chat import ChatCompletion

from roomkit.errors import ErrorCode
from roomkit.models import AIContext, AIMessage
from roomkit.providers.openai import OpenAIAIProvider, OpenAIConfig
from roomkit.providers.openai.ai import build_request, to_response, translate_error

SAMPLES = json.loads(
    (Path(__file__).parents[2] / "fixtures" / "openai" / "chat_completions.json").read_text()
)


def completion(**changes: Any) -> ChatCompletion:
    return ChatCompletion.model_validate({**SAMPLES["reply"], **changes})


def test_config_defaults() -> None:
    config = OpenAIConfig(api_key="sk-test")

    assert (config.model, config.max_tokens, config.max_retries) == ("gpt-4o", 1024, 0)
    assert config.base_url is None and config.supports_vision is None


@pytest.mark.parametrize(
    ("model", "override", "vision"),
    [
        ("gpt-4o", None, True),
        ("gpt-4.1-mini", None, True),
        ("gpt-3.5-turbo", None, False),
        ("gpt-4", None, False),
        ("gpt-4-0613", None, False),
        ("o3-mini", None, False),
        ("gpt-3.5-turbo", True, True),
        ("gpt-4o", False, False),
    ],
)
def test_vision_follows_the_model_unless_configured(
    model: str, override: bool | None, vision: bool
) -> None:
    config = OpenAIConfig(api_key="sk-test", model=model, supports_vision=override)

    assert OpenAIAIProvider(config).supports_vision is vision


def test_content_filter_and_missing_usage() -> None:
    choice = {**SAMPLES["reply"]["choices"][0], "finish_reason": "content_filter"}

    response = to_response(completion(choices=[choice], usage=None))

    assert response.finish_reason == "content_filter"
    assert response.usage == {}


def test_a_completion_without_choices_is_empty() -> None:
    response = to_response(completion(choices=[]))

    assert response.content == "" and response.usage["completion_tokens"] == 9


def test_assistant_turns_without_text_send_null_content() -> None:
    context = AIContext(messages=[AIMessage(role="assistant", content="")])

    assert build_request(context, OpenAIConfig(api_key="k"))["messages"] == [
        {"role": "assistant", "content": None}
    ]


def test_errors_raised_mid_stream_have_no_status() -> None:
    request = httpx2.Request("POST", "http://127.0.0.1/v1/chat/completions")
    body = {"message": "The server is overloaded", "type": "server_error"}

    error = translate_error(openai.APIError("stream error", request, body=body), 5.0)

    assert error.status_code is None
    assert (error.code, error.retryable) == (ErrorCode.OVERLOADED, True)


def test_other_sdk_errors() -> None:
    error = translate_error(openai.OpenAIError("no api key"), 5.0)

    assert (error.code, error.retryable) == (ErrorCode.PROVIDER_ERROR, False)
