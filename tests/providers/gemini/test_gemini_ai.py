"""Gemini mapping details beyond the shared provider contract."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from google.genai import types

from roomkit.errors import ErrorCode
from roomkit.models import AIContext, AIImagePart, AIMessage, AIToolCall
from roomkit.providers.gemini import GeminiConfig
from roomkit.providers.gemini.ai import build_request, to_response, translate_error

SAMPLES = json.loads(
    (Path(__file__).parents[2] / "fixtures" / "gemini" / "generate_content.json").read_text()
)
CONFIG = GeminiConfig(api_key="g-test")


def response(sample: str = "reply", **changes: Any) -> types.GenerateContentResponse:
    return types.GenerateContentResponse.model_validate({**SAMPLES[sample], **changes})


def candidate(parts: list[dict[str, Any]], finish: str = "STOP") -> dict[str, Any]:
    return {"content": {"role": "model", "parts": parts}, "finishReason": finish, "index": 0}


def test_config_defaults() -> None:
    assert (CONFIG.model, CONFIG.max_tokens, CONFIG.temperature) == (
        "gemini-2.0-flash",
        1024,
        1.0,
    )


@pytest.mark.parametrize(
    ("finish", "expected"),
    [("MAX_TOKENS", "length"), ("SAFETY", "content_filter"), ("OTHER", "other")],
)
def test_finish_reasons(finish: str, expected: str) -> None:
    reply = response(candidates=[candidate([{"text": "Hi"}], finish)])

    assert to_response(reply).finish_reason == expected


def test_a_blocked_prompt_is_a_content_filter_stop() -> None:
    blocked = types.GenerateContentResponse.model_validate(
        {"promptFeedback": {"blockReason": "SAFETY"}, "usageMetadata": {"promptTokenCount": 4}}
    )

    result = to_response(blocked)

    assert (result.content, result.finish_reason) == ("", "content_filter")
    assert result.usage == {"prompt_tokens": 4, "completion_tokens": 0}
    assert to_response(types.GenerateContentResponse()).finish_reason is None


def test_thoughts_are_not_part_of_the_reply_and_ids_are_kept() -> None:
    parts = [
        {"text": "Let me think...", "thought": True},
        {"text": "Answer."},
        {"functionCall": {"id": "fc-7", "name": "lookup", "args": {"q": "x"}}},
    ]

    result = to_response(response(candidates=[candidate(parts)], usageMetadata=None))

    assert result.content == "Answer."
    assert result.tool_calls == [AIToolCall(id="fc-7", name="lookup", arguments={"q": "x"})]
    assert result.finish_reason == "tool_calls"
    assert result.usage == {}


def test_tool_results_find_their_tool_name_and_images_their_type() -> None:
    call = AIToolCall(id="c1", name="lookup")
    context = AIContext(
        messages=[
            AIMessage(role="user", content=[AIImagePart(url="https://x/cat.png")]),
            AIMessage(role="user", content=[AIImagePart(url="https://x/photo")]),
            AIMessage(role="assistant", content="", tool_calls=[call]),
            AIMessage(role="tool", tool_call_id="c1", content="not json"),
            AIMessage(role="user", content=""),  # nothing to send: dropped
        ]
    )

    contents, settings = build_request(context, CONFIG)

    assert settings.tools is None and settings.system_instruction is None
    assert [c.role for c in contents] == ["user", "model", "user"]
    files = [p.file_data for p in contents[0].parts or []]
    assert [(f.file_uri, f.mime_type) for f in files if f] == [
        ("https://x/cat.png", "image/png"),
        ("https://x/photo", "image/jpeg"),
    ]
    answer = (contents[2].parts or [])[0].function_response
    assert answer is not None
    assert (answer.id, answer.name, answer.response) == ("c1", "lookup", {"output": "not json"})


def test_other_failures() -> None:
    error = translate_error(ValueError("bad schema"), 5.0)

    assert (error.code, error.retryable) == (ErrorCode.PROVIDER_ERROR, False)
