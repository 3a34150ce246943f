"""Running the tools a model asks for, on behalf of :class:`~roomkit.channels.ai.AIChannel`.

A tool handler is an async function ``handler(call, room_context)`` returning any
JSON-serialisable value (pydantic models are dumped first). Its result is JSON-encoded
for the model; if it raises, the error's type and text are sent back instead, marked as
an error, so the model can recover or explain.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from roomkit.models.ai import AIMessage, AIResponse, AIToolCall
from roomkit.models.context import RoomContext

__all__ = ["ToolHandler", "ToolOutcome", "encode_result", "run_tools", "tool_messages"]

logger = logging.getLogger("roomkit.channels.ai")

ToolHandler = Callable[[AIToolCall, RoomContext], Awaitable[Any]]
"""Runs one tool call in a room and returns its (JSON-serialisable) result."""

_MAX_SUMMARY = 1000
"""Characters of a tool result kept in the reply's ``tool_rounds`` metadata."""


@dataclass(frozen=True, slots=True)
class ToolOutcome:
    """A tool call with its JSON-encoded result and whether the handler failed."""

    call: AIToolCall
    result: str
    is_error: bool = False

    def summary(self) -> dict[str, Any]:
        """A JSON-friendly record of the call for the reply's metadata."""
        return {
            "id": self.call.id,
            "name": self.call.name,
            "arguments": self.call.arguments,
            "result": self.result[:_MAX_SUMMARY],
            "is_error": self.is_error,
        }


def encode_result(value: Any) -> str:
    """JSON-encode a handler's result (models are dumped, unknown types stringified)."""
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    return json.dumps(value, default=str, ensure_ascii=False)


async def _run_one(call: AIToolCall, handler: ToolHandler, context: RoomContext) -> ToolOutcome:
    try:
        value = await handler(call, context)
    except Exception as exc:
        logger.warning(
            "tool %r failed in room %s: %s", call.name, context.room.id, type(exc).__name__
        )
        logger.debug("tool %r error: %s", call.name, exc)
        error = encode_result({"error": f"{type(exc).__name__}: {exc}"})
        return ToolOutcome(call, error, is_error=True)
    return ToolOutcome(call, encode_result(value))


async def run_tools(
    calls: list[AIToolCall], handlers: Mapping[str, ToolHandler], context: RoomContext
) -> list[ToolOutcome]:
    """Run every call concurrently with its handler; outcomes keep the calls' order."""
    jobs = [_run_one(call, handlers[call.name], context) for call in calls]
    return list(await asyncio.gather(*jobs))


def tool_messages(response: AIResponse, outcomes: list[ToolOutcome]) -> list[AIMessage]:
    """The assistant turn that made the calls followed by one tool message per result."""
    turn = AIMessage(role="assistant", content=response.content, tool_calls=response.tool_calls)
    results = [
        AIMessage(
            role="tool",
            content=outcome.result,
            name=outcome.call.name,
            tool_call_id=outcome.call.id,
            is_error=outcome.is_error,
        )
        for outcome in outcomes
    ]
    return [turn, *results]
