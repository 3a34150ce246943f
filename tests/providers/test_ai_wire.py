"""Helpers shared by the AI vendor mappings."""

from __future__ import annotations

import pytest

from roomkit.channels.capabilities import (
    EMAIL_CAPABILITIES,
    SMS_CAPABILITIES,
    WHATSAPP_CAPABILITIES,
)
from roomkit.models import (
    AIContext,
    AIImagePart,
    AIMessage,
    AITextPart,
    AIToolCall,
    ChannelCapabilities,
)
from roomkit.providers.ai._wire import (
    InlineImage,
    capability_note,
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


def test_base64_data_urls_are_split() -> None:
    image = parse_data_url("data:image/png;base64,aGVsbG8=")

    assert image == InlineImage(mime_type="image/png", data="aGVsbG8=")
    assert image.raw() == b"hello"


@pytest.mark.parametrize(
    "url",
    ["https://example.com/a.png", "data:text/plain,hello", "data:image/png;base64"],
)
def test_other_urls_are_not_inline_images(url: str) -> None:
    assert parse_data_url(url) is None


def test_data_urls_without_a_type_default_to_octet_stream() -> None:
    image = parse_data_url("data:;base64,AA==")

    assert image is not None and image.mime_type == "application/octet-stream"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, {}),
        ("", {}),
        ('{"city": "Paris"}', {"city": "Paris"}),
        ({"city": "Paris"}, {"city": "Paris"}),
        ("[1, 2]", {"_raw": [1, 2]}),
        ("{not json", {"_raw": "{not json"}),
    ],
)
def test_tool_arguments_are_parsed(raw: object, expected: dict[str, object]) -> None:
    assert parse_arguments(raw) == expected  # type: ignore[arg-type]


def test_tool_results_decode_when_they_are_json() -> None:
    assert decode_tool_result('{"ok": true}') == {"ok": True}
    assert decode_tool_result("plain words") == "plain words"


TABLE = {"end": "stop", "cut": "length"}


@pytest.mark.parametrize(
    ("raw", "has_calls", "expected"),
    [
        ("end", False, "stop"),
        ("end", True, "tool_calls"),
        ("cut", True, "length"),
        ("PAUSE_TURN", False, "pause_turn"),
        (None, False, None),
        (None, True, "tool_calls"),
    ],
)
def test_finish_reasons_are_normalised(raw: str | None, has_calls: bool, expected: str) -> None:
    assert finish_reason(raw, TABLE, has_tool_calls=has_calls) == expected


@pytest.mark.parametrize(
    ("capabilities", "note"),
    [
        (None, None),
        (EMAIL_CAPABILITIES, None),
        (SMS_CAPABILITIES, "Reply in plain text, at most 1600 characters."),
        (ChannelCapabilities(), "Reply in plain text (no Markdown)."),
        (WHATSAPP_CAPABILITIES, "Keep the reply to at most 4096 characters."),
    ],
)
def test_capability_notes(capabilities: ChannelCapabilities | None, note: str | None) -> None:
    assert capability_note(capabilities) == note


def test_system_text_joins_prompt_system_messages_and_note() -> None:
    context = AIContext(
        system_prompt="Be kind.",
        messages=[
            AIMessage(role="system", content="Use French."),
            AIMessage(role="user", content="hi"),
        ],
        target_capabilities=SMS_CAPABILITIES,
    )

    assert system_text(context) == (
        "Be kind.\n\nUse French.\n\nReply in plain text, at most 1600 characters."
    )
    assert system_text(AIContext()) is None


def test_message_parts_text_and_images() -> None:
    photo = AIImagePart(url="https://example.com/a.png")
    mixed = AIMessage(role="user", content=[AITextPart(text="a"), photo, AITextPart(text="b")])
    plain = AIMessage(role="user", content="hello")
    empty = AIMessage(role="user", content="")

    assert message_parts(plain) == [AITextPart(text="hello")]
    assert message_parts(empty) == []
    assert message_parts(mixed) == mixed.content
    assert message_text(mixed) == "a\nb"


def test_explicit_fields_and_call_ids() -> None:
    call = AIToolCall(id="c1", name="lookup")
    context = AIContext(
        temperature=0.2, messages=[AIMessage(role="assistant", content="", tool_calls=[call])]
    )

    assert is_explicit(context, "temperature")
    assert not is_explicit(context, "max_tokens")
    assert tool_names_by_id(context.messages) == {"c1": "lookup"}
    assert new_call_id().startswith("call_") and new_call_id() != new_call_id()
