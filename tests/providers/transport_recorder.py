"""Test helpers for the chat, email and webhook vendors: a recording transport, fixtures.

``Recorder`` is an ``httpx.MockTransport`` handler that keeps every request and answers
the queued replies in order (a reply may be an exception to raise, e.g. a timeout).
"""

from __future__ import annotations

import json
from collections import deque
from pathlib import Path
from typing import Any

import httpx

from roomkit.models import ChannelType, EventContent, EventSource, RoomEvent, TextContent

__all__ = ["FIXTURES", "Recorder", "fixture_bytes", "fixture_json", "make_event"]

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def fixture_bytes(vendor: str, name: str) -> bytes:
    """Return the raw bytes of ``tests/fixtures/<vendor>/<name>``."""
    return (FIXTURES / vendor / name).read_bytes()


def fixture_json(vendor: str, name: str) -> Any:
    """Return the decoded JSON of ``tests/fixtures/<vendor>/<name>``."""
    return json.loads(fixture_bytes(vendor, name))


def make_event(content: EventContent | None = None, **fields: Any) -> RoomEvent:
    """Return an event to send (text ``hello there`` unless ``content`` is given)."""
    return RoomEvent(
        room_id="room-1",
        source=EventSource(channel_id="ai-1", channel_type=ChannelType.AI),
        content=content if content is not None else TextContent(body="hello there"),
        **fields,
    )


class Recorder:
    """Records requests sent through its client and answers queued replies in order."""

    def __init__(self, *replies: httpx.Response | Exception) -> None:
        self.requests: list[httpx.Request] = []
        self._replies: deque[httpx.Response | Exception] = deque(replies)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        """Handle one request (the MockTransport handler)."""
        self.requests.append(request)
        reply = self._replies.popleft() if self._replies else httpx.Response(200, json={})
        if isinstance(reply, Exception):
            raise reply
        return reply

    def client(self) -> httpx.AsyncClient:
        """Return an AsyncClient whose requests this recorder answers."""
        return httpx.AsyncClient(transport=httpx.MockTransport(self))

    @property
    def last(self) -> httpx.Request:
        """The most recent request."""
        return self.requests[-1]

    def body(self, index: int = -1) -> Any:
        """The decoded JSON body of a request."""
        return json.loads(self.requests[index].content)
