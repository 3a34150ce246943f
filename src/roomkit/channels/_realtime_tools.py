"""Answering the tool calls of a realtime voice model: hooks first, then the handler.

The ``ON_REALTIME_TOOL_CALL`` sync hooks see the call as a room event (never stored)
from the realtime channel: ``content`` is a :class:`SystemContent` with code
``realtime_tool_call``, and ``metadata`` holds ``realtime_session_id``,
``tool_call_id``, ``tool_name`` and ``tool_arguments``. A hook answers the call by
returning ``HookResult.modify`` with a copy whose ``metadata["tool_result"]`` is set
(a string is sent as is, anything else JSON-encoded); a modified copy without it may
change ``tool_arguments`` for the handler; ``HookResult.block`` refuses the call. A
call no hook answered goes to the channel's ``tool_handler``; without one, or when the
handler raises, the model receives a JSON ``{"error": ...}`` result.
:class:`ToolCallRunner` submits the result and emits ``realtime_tool_call``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from roomkit.channels._ai_tools import encode_result
from roomkit.channels._realtime_media import EmitFn, attempt
from roomkit.channels._realtime_session import SessionLink
from roomkit.models.content import SystemContent
from roomkit.models.enums import ChannelDirection, ChannelType, EventType, HookTrigger
from roomkit.models.event import EventSource, RoomEvent
from roomkit.voice._hooks import VoiceHooks
from roomkit.voice.realtime.base import RealtimeSession
from roomkit.voice.realtime.provider import RealtimeVoiceProvider

__all__ = [
    "TOOL_RESULT_KEY",
    "RealtimeToolHandler",
    "ToolAnswer",
    "ToolCallRunner",
    "answer_tool_call",
    "tool_call_event",
]

logger = logging.getLogger("roomkit.channels.realtime_voice")

RealtimeToolHandler = Callable[
    [RealtimeSession, str, dict[str, Any]], Awaitable[str | dict[str, Any]]
]
"""Runs a tool for a realtime session: ``await handler(session, name, arguments)``.

It returns the result for the model: a string (sent as is) or a dict (JSON-encoded).
"""

TOOL_RESULT_KEY = "tool_result"
"""Metadata key an ``ON_REALTIME_TOOL_CALL`` hook sets to answer the call itself."""

ToolAnswerSource = Literal["hook", "handler", "blocked", "unhandled"]


@dataclass(frozen=True, slots=True)
class ToolAnswer:
    """The result given to the model for one call, and who produced it."""

    result: str
    source: ToolAnswerSource
    is_error: bool = False


def tool_call_event(
    channel_id: str,
    provider: str,
    session: RealtimeSession,
    call_id: str,
    name: str,
    arguments: dict[str, Any],
) -> RoomEvent:
    """The event shown to ``ON_REALTIME_TOOL_CALL`` hooks for one call of the model."""
    return RoomEvent(
        room_id=session.room_id,
        type=EventType.SYSTEM,
        source=EventSource(
            channel_id=channel_id,
            channel_type=ChannelType.VOICE,
            direction=ChannelDirection.OUTBOUND,
            participant_id=session.participant_id,
            provider=provider,
        ),
        content=SystemContent(
            body=f"tool call {name}",
            code="realtime_tool_call",
            data={"call_id": call_id, "name": name, "arguments": arguments},
        ),
        metadata={
            "realtime_session_id": session.id,
            "tool_call_id": call_id,
            "tool_name": name,
            "tool_arguments": arguments,
        },
    )


def _encode(value: Any) -> str:
    return value if isinstance(value, str) else encode_result(value)


def _error(message: str) -> str:
    return encode_result({"error": message})


async def answer_tool_call(
    call: RoomEvent,
    session: RealtimeSession,
    *,
    hooks: VoiceHooks | None,
    handler: RealtimeToolHandler | None,
) -> ToolAnswer:
    """Run the hooks, then the handler, for the call described by ``call``."""
    name: str = call.metadata["tool_name"]
    arguments: dict[str, Any] = call.metadata["tool_arguments"]
    if hooks is not None:
        seen, reason = await hooks.run_sync(HookTrigger.ON_REALTIME_TOOL_CALL, call)
        if seen is None:
            return ToolAnswer(_error(f"tool call refused: {reason or 'blocked'}"), "blocked", True)
        if TOOL_RESULT_KEY in seen.metadata:
            return ToolAnswer(_encode(seen.metadata[TOOL_RESULT_KEY]), "hook")
        rewritten = seen.metadata.get("tool_arguments")
        if isinstance(rewritten, dict):
            arguments = rewritten
    if handler is None:
        return ToolAnswer(_error(f"no handler for tool {name!r}"), "unhandled", True)
    try:
        value = await handler(session, name, arguments)
    except Exception as exc:
        logger.warning(
            "realtime tool %r failed in session %s: %s", name, session.id, type(exc).__name__
        )
        logger.debug("realtime tool %r error: %s", name, exc)
        return ToolAnswer(_error(f"{type(exc).__name__}: {exc}"), "handler", True)
    return ToolAnswer(_encode(value), "handler")


class ToolCallRunner:
    """Answers the tool calls of a realtime voice channel's live sessions."""

    def __init__(
        self,
        channel_id: str,
        provider: RealtimeVoiceProvider,
        links: Mapping[str, SessionLink],
        *,
        emit: EmitFn,
    ) -> None:
        self._channel_id = channel_id
        self._provider = provider
        self._links = links
        self._emit = emit

    async def run(
        self,
        session: RealtimeSession,
        call_id: str,
        name: str,
        arguments: dict[str, Any],
        *,
        hooks: VoiceHooks | None,
        handler: RealtimeToolHandler | None,
    ) -> None:
        """Answer one call, submit the result and emit ``realtime_tool_call``.

        The result is dropped if the session ended while the call was being answered.
        """
        call = tool_call_event(
            self._channel_id, self._provider.name, session, call_id, name, arguments
        )
        answer = await answer_tool_call(call, session, hooks=hooks, handler=handler)
        if session.id not in self._links:
            logger.debug("realtime session %s ended before tool %r answered", session.id, name)
            return
        submit = self._provider.submit_tool_result(session, call_id, answer.result)
        await attempt(submit, "submitting a tool result", session)
        await self._emit(
            "realtime_tool_call",
            session,
            call_id=call_id,
            name=name,
            answered_by=answer.source,
            is_error=answer.is_error,
        )
