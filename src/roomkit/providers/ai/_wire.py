"""Small pieces every AI vendor mapping needs: parts, data URLs, tool arguments, finish reasons.

Vendor modules translate :class:`~roomkit.models.ai.AIContext` into their SDK's request
and the SDK's answer back into :class:`~roomkit.models.ai.AIResponse`; what they share
lives here so the four translations agree on the details.
"""

from __future__ import annotations

import binascii
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from roomkit.models.ai import AIContext, AIMessage, AIMessagePart, AITextPart
from roomkit.models.channel import ChannelCapabilities

__all__ = [
    "FINISH_CONTENT_FILTER",
    "FINISH_LENGTH",
    "FINISH_STOP",
    "FINISH_TOOL_CALLS",
    "InlineImage",
    "capability_note",
    "decode_tool_result",
    "finish_reason",
    "is_explicit",
    "message_parts",
    "message_text",
    "new_call_id",
    "parse_arguments",
    "parse_data_url",
    "system_text",
    "tool_names_by_id",
]

FINISH_STOP = "stop"
FINISH_LENGTH = "length"
FINISH_TOOL_CALLS = "tool_calls"
FINISH_CONTENT_FILTER = "content_filter"


@dataclass(frozen=True, slots=True)
class InlineImage:
    """An image carried in a ``data:`` URL: its MIME type and base64 payload."""

    mime_type: str
    data: str

    def raw(self) -> bytes:
        """The decoded image bytes."""
        return binascii.a2b_base64(self.data)


def parse_data_url(url: str) -> InlineImage | None:
    """Split a base64 ``data:`` URL; return None for any other URL."""
    if not url.startswith("data:") or "," not in url:
        return None
    header, data = url[5:].split(",", 1)
    fields = header.split(";")
    if "base64" not in fields[1:]:
        return None
    return InlineImage(mime_type=fields[0] or "application/octet-stream", data=data)


def message_parts(message: AIMessage) -> list[AIMessagePart]:
    """The content of ``message`` as a list of parts (text becomes one text part)."""
    if isinstance(message.content, str):
        return [AITextPart(text=message.content)] if message.content else []
    return list(message.content)


def message_text(message: AIMessage) -> str:
    """The text of ``message`` with image parts left out."""
    if isinstance(message.content, str):
        return message.content
    return "\n".join(p.text for p in message.content if isinstance(p, AITextPart))


def capability_note(capabilities: ChannelCapabilities | None) -> str | None:
    """A one-line instruction when the reply's targets are limited, else None."""
    if capabilities is None:
        return None
    limit = capabilities.max_length
    if not capabilities.supports_rich_text:
        if limit is None:
            return "Reply in plain text (no Markdown)."
        return f"Reply in plain text, at most {limit} characters."
    if limit is not None:
        return f"Keep the reply to at most {limit} characters."
    return None


def system_text(context: AIContext) -> str | None:
    """The system prompt, any ``system`` messages and the capability note, joined."""
    texts = [context.system_prompt] if context.system_prompt else []
    texts += [message_text(m) for m in context.messages if m.role == "system"]
    texts.append(capability_note(context.target_capabilities) or "")
    joined = "\n\n".join(t for t in texts if t)
    return joined or None


def is_explicit(context: AIContext, field: str) -> bool:
    """Whether ``field`` was given when the context was built (not left to its default)."""
    return field in context.model_fields_set


def parse_arguments(raw: str | Mapping[str, Any] | None) -> dict[str, Any]:
    """Turn tool-call arguments (a JSON string or an object) into a dict.

    Arguments that are not a JSON object are kept under ``"_raw"`` so nothing is lost.
    """
    if raw is None or raw == "":
        return {}
    if isinstance(raw, Mapping):
        return dict(raw)
    try:
        value = json.loads(raw)
    except ValueError:
        return {"_raw": raw}
    return value if isinstance(value, dict) else {"_raw": value}


def decode_tool_result(content: str) -> Any:
    """The JSON value of a tool result, or the text itself when it is not JSON."""
    try:
        return json.loads(content)
    except ValueError:
        return content


def tool_names_by_id(messages: Iterable[AIMessage]) -> dict[str, str]:
    """Map each tool-call id of the assistant turns to the tool's name."""
    return {call.id: call.name for m in messages for call in m.tool_calls}


def new_call_id() -> str:
    """An id for a tool call the vendor did not number itself."""
    return f"call_{uuid.uuid4().hex[:24]}"


def finish_reason(
    raw: str | None, table: Mapping[str, str], *, has_tool_calls: bool
) -> str | None:
    """Normalise a vendor's stop reason to ``stop``/``length``/``tool_calls``/``content_filter``.

    Reasons missing from ``table`` are passed on lowercased; a plain stop that carries
    tool calls is reported as ``tool_calls``.
    """
    if raw is None:
        return FINISH_TOOL_CALLS if has_tool_calls else None
    reason = table.get(raw, raw.lower())
    if has_tool_calls and reason == FINISH_STOP:
        return FINISH_TOOL_CALLS
    return reason
