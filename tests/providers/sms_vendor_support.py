"""Helpers shared by the SMS/RCS vendor tests: fixtures on disk and a fake vendor API.

``FakeVendor`` is an ``httpx.MockTransport`` handler that records every request and
answers the queued responses in order (the last one repeats). The ``fake_vendor``
fixture gives one with an open client and closes it afterwards; vendor test folders
re-export it from their ``conftest.py``.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, parse_qsl

import httpx
import pytest

from roomkit.models import ChannelType, EventContent, EventSource, RoomEvent, TextContent

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def fixture_bytes(vendor: str, name: str) -> bytes:
    """Return a fixture file's raw bytes."""
    return (FIXTURES / vendor / name).read_bytes()


def fixture_json(vendor: str, name: str) -> dict[str, Any]:
    """Return a JSON fixture decoded."""
    data: dict[str, Any] = json.loads(fixture_bytes(vendor, name))
    return data


def fixture_form(vendor: str, name: str) -> dict[str, str]:
    """Return a form-encoded fixture decoded into a dict."""
    return dict(parse_qsl(fixture_bytes(vendor, name).decode().strip(), keep_blank_values=True))


def make_event(content: EventContent | None = None) -> RoomEvent:
    """A room event to send, text by default."""
    return RoomEvent(
        room_id="room-1",
        source=EventSource(channel_id="ws-1", channel_type=ChannelType.WEBSOCKET),
        content=content or TextContent(body="hello there"),
    )


def json_body(request: httpx.Request) -> Any:
    """Decode a request's JSON body."""
    return json.loads(request.content)


def form_body(request: httpx.Request) -> dict[str, list[str]]:
    """Decode a request's form body (every value as a list)."""
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    return parse_qs(request.content.decode(), keep_blank_values=True)


class FakeVendor:
    """Records requests and answers queued responses (the last one repeats)."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self._responses: list[httpx.Response | Exception] = [httpx.Response(200, json={})]
        self.client = httpx.AsyncClient(transport=httpx.MockTransport(self._handle))

    def answer(self, *responses: httpx.Response | Exception) -> FakeVendor:
        """Queue the responses (or transport errors) for the next requests."""
        self._responses = list(responses)
        return self

    def answer_json(self, status: int, body: Any, **headers: str) -> FakeVendor:
        """Queue one JSON response."""
        return self.answer(httpx.Response(status, json=body, headers=headers))

    @property
    def last(self) -> httpx.Request:
        """The most recent request."""
        return self.requests[-1]

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        response = self._responses.pop(0) if len(self._responses) > 1 else self._responses[0]
        if isinstance(response, Exception):
            raise response
        return response


@pytest.fixture
async def fake_vendor() -> AsyncIterator[FakeVendor]:
    """A fake vendor API with an httpx client bound to it."""
    fake = FakeVendor()
    yield fake
    await fake.client.aclose()
