"""Mistral mapping details beyond the shared provider contract."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx2
import pytest
from mistralai.client import errors, models

from roomkit.errors import ErrorCode
from roomkit.providers.mistral import MistralAIProvider, MistralConfig
from roomkit.providers.mistral.ai import to_response, translate_error

SAMPLES = json.loads(
    (Path(__file__).parents[2] / "fixtures" / "mistral" / "chat_completions.json").read_text()
)


def completion(sample: str = "reply", **changes: Any) -> models.ChatCompletionResponse:
    return models.ChatCompletionResponse.model_validate({**SAMPLES[sample], **changes})


def failed(status: int, body: str) -> errors.SDKError:
    request = httpx2.Request("POST", "http://127.0.0.1/v1/chat/completions")
    return errors.SDKError(
        "API error occurred", httpx2.Response(status, text=body, request=request)
    )


def test_config_defaults() -> None:
    config = MistralConfig(api_key="m-test")

    assert (config.model, config.max_tokens, config.timeout) == (
        "mistral-large-latest",
        1024,
        60.0,
    )


@pytest.mark.parametrize(
    ("model", "override", "vision"),
    [
        ("mistral-large-latest", None, True),
        ("pixtral-12b-2409", None, True),
        ("codestral-latest", None, False),
        ("open-mistral-nemo", None, False),
        ("codestral-latest", True, True),
    ],
)
def test_vision_follows_the_model_unless_configured(
    model: str, override: bool | None, vision: bool
) -> None:
    config = MistralConfig(api_key="m-test", model=model, supports_vision=override)

    assert MistralAIProvider(config).supports_vision is vision


def test_chunked_content_unnumbered_calls_and_model_length() -> None:
    message = {
        "role": "assistant",
        "content": [{"type": "text", "text": "Partly "}, {"type": "text", "text": "cloudy"}],
        "tool_calls": [{"function": {"name": "lookup", "arguments": {"q": "x"}}}],
    }
    choice = {"index": 0, "message": message, "finish_reason": "model_length"}

    result = to_response(completion(choices=[choice]))

    assert result.content == "Partly cloudy"
    [call] = result.tool_calls
    assert call.id.startswith("call_") and call.arguments == {"q": "x"}
    assert result.finish_reason == "length"


def test_a_completion_without_choices_is_empty() -> None:
    result = to_response(completion(choices=[]))

    assert (result.content, result.usage) == ("", {"prompt_tokens": 12, "completion_tokens": 9})


@pytest.mark.parametrize(
    ("status", "body", "code"),
    [
        (502, "<html>Bad gateway</html>", ErrorCode.OVERLOADED),
        (400, '["not", "an object"]', ErrorCode.INVALID_REQUEST),
        (
            422,
            '{"detail": [{"msg": "Field required", "loc": ["body", "model"]}]}',
            ErrorCode.INVALID_REQUEST,
        ),
    ],
)
def test_error_bodies_of_any_shape(status: int, body: str, code: ErrorCode) -> None:
    error = translate_error(failed(status, body), 5.0)

    assert (error.code, error.status_code) == (code, status)


def test_no_response_and_other_failures() -> None:
    assert translate_error(errors.NoResponseError(), 5.0).code == ErrorCode.NETWORK
    assert translate_error(ValueError("odd"), 5.0).code == ErrorCode.PROVIDER_ERROR
