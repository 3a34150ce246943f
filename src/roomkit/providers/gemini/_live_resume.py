"""Gemini Live session resumption: the handles that let a lost session pick up again.

A ``setup`` carrying ``sessionResumption`` makes Gemini send
``sessionResumptionUpdate`` messages while the session runs; each resumable one holds a
handle naming the conversation's state at that point. A later ``setup`` that passes the
newest handle continues that conversation (what was said, the tool calls made) on a new
connection, instead of starting from nothing. :class:`ResumeHandles` keeps the newest
handle of each session the provider has had, by ``RealtimeSession.id``.

An update marked not resumable (Gemini is generating or running a tool call) carries no
handle, and the previous one stays in use. Handles are kept only for sessions that may
be reconnected: the provider forgets a session's handle when it is disconnected on
purpose, and the oldest ones go first beyond ``limit`` (sessions lost and abandoned).
"""

from __future__ import annotations

from typing import Any

__all__ = ["ResumeHandles", "resumable"]


def resumable(setup: dict[str, Any], enabled: bool, handle: str | None) -> dict[str, Any]:
    """The ``setup`` message asking for resumption handles, resuming ``handle`` if given.

    Options set through ``provider_config`` (``sessionResumption.transparent``, say)
    are kept; unless ``enabled``, the message is returned as it is.
    """
    if not enabled:
        return setup
    body = dict(setup["setup"])
    options = dict(body.get("sessionResumption") or {})
    if handle is not None:
        options["handle"] = handle
    body["sessionResumption"] = options
    return {**setup, "setup": body}


class ResumeHandles:
    """The newest resumption handle Gemini gave each session."""

    def __init__(self, limit: int = 1024) -> None:
        """Keep the handles of at most ``limit`` sessions (the oldest are dropped)."""
        self._handles: dict[str, str] = {}
        self._limit = limit

    def __len__(self) -> int:
        """How many sessions have a handle."""
        return len(self._handles)

    def get(self, session_id: str) -> str | None:
        """The handle to resume ``session_id`` with, if Gemini gave one."""
        return self._handles.get(session_id)

    def update(self, session_id: str, update: dict[str, Any]) -> None:
        """Record a ``sessionResumptionUpdate``; ValueError when it is malformed."""
        handle = update.get("newHandle")
        if handle is not None and not isinstance(handle, str):
            raise ValueError("sessionResumptionUpdate.newHandle is not a string")
        if update.get("resumable") is not True or not handle:
            return
        self._handles.pop(session_id, None)  # the newest handles are kept longest
        self._handles[session_id] = handle
        while len(self._handles) > self._limit:
            del self._handles[next(iter(self._handles))]

    def forget(self, session_id: str) -> None:
        """Drop the session's handle: its next connect starts a new conversation."""
        self._handles.pop(session_id, None)

    def clear(self) -> None:
        """Drop every handle."""
        self._handles.clear()
