"""The "chat completions" message format shared by OpenAI and Mistral.

Both APIs take a flat list of ``system``/``user``/``assistant``/``tool`` messages,
function tools as ``{"type": "function", "function": {...}}`` and tool calls with their
arguments as a JSON string; only small details differ and are passed as options.
"""

from __future__ import annotations

import json
from typing import Any

from roomkit.models.ai import AIContext, AIImagePart, AIMessage, AITool
from roomkit.providers.ai._wire import (
    message_parts,
    message_text,
    system_text,
    tool_names_by_id,
)

__all__ = ["chat_messages", "chat_tools"]


def chat_messages(context: AIContext, *, name_tool_results: bool = False) -> list[dict[str, Any]]:
    """The ``messages`` array for ``context``.

    System messages of the history are folded into one leading system message;
    ``name_tool_results`` adds the tool's name to each tool message (Mistral wants it),
    taken from the message or else from the assistant turn that made the call.
    """
    names = tool_names_by_id(context.messages) if name_tool_results else None
    messages: list[dict[str, Any]] = []
    system = system_text(context)
    if system:
        messages.append({"role": "system", "content": system})
    for message in context.messages:
        if message.role == "system":
            continue
        if message.role == "tool":
            messages.append(_tool_result(message, names))
        elif message.role == "assistant":
            messages.append(_assistant(message))
        else:
            messages.append({"role": "user", "content": _user_content(message)})
    return messages


def chat_tools(tools: list[AITool]) -> list[dict[str, Any]]:
    """The ``tools`` array: each tool as a function with its JSON-schema parameters."""
    return [
        {
            "type": "function",
            "function": {
                "name": tool.name,
                "description": tool.description,
                "parameters": tool.parameters,
            },
        }
        for tool in tools
    ]


def _user_content(message: AIMessage) -> str | list[dict[str, Any]]:
    if isinstance(message.content, str):
        return message.content
    content: list[dict[str, Any]] = []
    for part in message_parts(message):
        if isinstance(part, AIImagePart):
            content.append({"type": "image_url", "image_url": {"url": part.url}})
        else:
            content.append({"type": "text", "text": part.text})
    return content


def _assistant(message: AIMessage) -> dict[str, Any]:
    text = message_text(message)
    entry: dict[str, Any] = {"role": "assistant", "content": text or None}
    if message.tool_calls:
        entry["tool_calls"] = [
            {
                "id": call.id,
                "type": "function",
                "function": {"name": call.name, "arguments": json.dumps(call.arguments)},
            }
            for call in message.tool_calls
        ]
    return entry


def _tool_result(message: AIMessage, names: dict[str, str] | None) -> dict[str, Any]:
    call_id = message.tool_call_id or ""
    entry: dict[str, Any] = {
        "role": "tool",
        "tool_call_id": call_id,
        "content": message_text(message),
    }
    if names is not None:
        name = message.name or names.get(call_id)
        if name:
            entry["name"] = name
    return entry
