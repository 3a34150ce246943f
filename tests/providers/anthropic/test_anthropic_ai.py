"""Anthropic mapping details beyond the shared provider contract."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anthropic
import pytest
from anthropic.types import Message

from roomkit.errors import ErrorCode
from roomkit.models import AIContext, AIImagePart, AIMessage, AITextPart, AIToolCall
from roomkit.providers.anthropic import AnthropicConfig
from roomkit.providers.anthropic.ai import build_request, to_response, translate_error

SAMPLES = json.loads(
    (Path(__file__).parents[2] / "fixtures" / "anthropic" / "messages_api.json").read_text()
)
CONFIG = AnthropicConfig(api_key="sk-ant-test")


def message(**changes: Any) -> Message:
    return Message.model_validate({**SAMPLES["reply"], **changes})


def test_config_defaults() -> None:
    assert CONFIG.model == "claude-sonnet-4-20250514"
    assert CONFIG.max_tokens == 1024
    assert (CONFIG.base_url, CONFIG.max_retries) == (None, 0)


@pytest.mark.parametrize(
    ("stop_reason", "expected"),
    [
        ("end_turn", "stop"),
        ("stop_sequence", "stop"),
        ("max_tokens", "length"),
        ("model_context_window_exceeded", "length"),
        ("refusal", "content_filter"),
        ("pause_turn", "pause_turn"),
    ],
)
def test_stop_reasons(stop_reason: str, expected: str) -> None:
    assert to_response(message(stop_reason=stop_reason)).finish_reason == expected


def test_prompt_tokens_include_cached_input() -> None:
    usage = {
        "input_tokens": 12,
        "output_tokens": 9,
        "cache_creation_input_tokens": 100,
        "cache_read_input_tokens": 1000,
    }

    assert to_response(message(usage=usage)).usage == {
        "prompt_tokens": 1112,
        "completion_tokens": 9,
    }


def test_text_blocks_are_joined_and_other_blocks_ignored() -> None:
    content = [
        {"type": "thinking", "thinking": "hmm", "signature": "sig"},
        {"type": "text", "text": "Hello"},
        {"type": "text", "text": " world"},
    ]

    assert to_response(message(content=content)).content == "Hello world"


def test_request_shape() -> None:
    call = AIToolCall(id="toolu_1", name="lookup", arguments={"q": "x"})
    context = AIContext(
        messages=[
            AIMessage(role="assistant", content=""),  # nothing to send: dropped
            AIMessage(
                role="user", content=[AITextPart(text="Look"), AIImagePart(url="https://x/a.png")]
            ),
            AIMessage(role="assistant", content="Looking it up.", tool_calls=[call]),
            AIMessage(role="tool", tool_call_id="toolu_1", content='"found"'),
        ],
        temperature=0.1,
    )

    request = build_request(context, CONFIG)

    assert "temperature" not in request and "system" not in request and "tools" not in request
    assert request["max_tokens"] == 1024
    assert request["messages"] == [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "Look"},
                {"type": "image", "source": {"type": "url", "url": "https://x/a.png"}},
            ],
        },
        {
            "role": "assistant",
            "content": [
                {"type": "text", "text": "Looking it up."},
                {"type": "tool_use", "id": "toolu_1", "name": "lookup", "input": {"q": "x"}},
            ],
        },
        {
            "role": "user",
            "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": '"found"'}],
        },
    ]


def test_sdk_errors_without_a_response() -> None:
    error = translate_error(anthropic.AnthropicError("credentials missing"), 5.0)

    assert (error.code, error.retryable) == (ErrorCode.PROVIDER_ERROR, False)
    assert "credentials missing" in str(error)
