"""Fixtures for the integrations: a served app on loopback, a chat kit, HTTP clients.

``serve`` runs an ASGI app with uvicorn in this event loop on a socket bound to
127.0.0.1 port 0 before the server starts, so clients can connect at once (the kernel
queues them until uvicorn accepts) and no test waits on a clock.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from websockets.asyncio.client import ClientConnection

from roomkit import AIChannel, ChannelCategory, MockAIProvider, RoomKit, WebSocketChannel
from roomkit.integrations.asgi import BearerAuth, create_app

TOKEN = "test-token-5b1f0c"
AUTH_HEADERS = {"Authorization": f"Bearer {TOKEN}"}


@asynccontextmanager
async def serve(app: Starlette) -> AsyncIterator[str]:
    """Serve ``app`` on loopback; yield its base URL (``http://127.0.0.1:<port>``)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    sock.setblocking(False)
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, lifespan="off", log_level="warning", ws="websockets-sansio")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()


@dataclass
class Served:
    """A chat kit served over loopback, with the room ``room-1`` ready."""

    kit: RoomKit
    app: Starlette
    base_url: str
    ai: MockAIProvider

    @property
    def ws_url(self) -> str:
        """The WebSocket base URL of the app."""
        return "ws" + self.base_url.removeprefix("http")

    def client(self, *, authenticated: bool = True) -> httpx.AsyncClient:
        """An HTTP client for the app (with the bearer token unless told otherwise)."""
        headers = AUTH_HEADERS if authenticated else {}
        return httpx.AsyncClient(base_url=self.base_url, headers=headers)


async def chat_kit(kit: RoomKit, reply: str = "Hello from the bot") -> MockAIProvider:
    """Register ``ws-user`` and ``ai-bot`` and build ``room-1`` with both attached."""
    provider = MockAIProvider([reply])
    kit.register_channel(WebSocketChannel("ws-user"))
    kit.register_channel(AIChannel("ai-bot", provider=provider))
    await kit.create_room(room_id="room-1")
    await kit.attach_channel("room-1", "ws-user")
    await kit.attach_channel("room-1", "ai-bot", category=ChannelCategory.INTELLIGENCE)
    return provider


@pytest.fixture
async def served(kit: RoomKit) -> AsyncIterator[Served]:
    """The chat kit behind ``create_app`` with bearer auth, served on loopback."""
    provider = await chat_kit(kit)
    app = create_app(kit, auth=BearerAuth(tokens={"tester": TOKEN}))
    async with serve(app) as base_url:
        yield Served(kit, app, base_url, provider)


@pytest.fixture
async def api(served: Served) -> AsyncIterator[httpx.AsyncClient]:
    """An authenticated HTTP client of the served app."""
    async with served.client() as client:
        yield client


async def next_frame(ws: ClientConnection) -> dict[str, Any]:
    """The next JSON frame the server sent (bounded, so a missing frame fails the test)."""
    raw = await asyncio.wait_for(ws.recv(), timeout=5)
    frame: dict[str, Any] = json.loads(raw)
    return frame


async def frames_until(ws: ClientConnection, frame_type: str) -> list[dict[str, Any]]:
    """Every frame up to and including the first one of ``frame_type``."""
    seen = [await next_frame(ws)]
    while seen[-1]["type"] != frame_type:
        seen.append(await next_frame(ws))
    return seen
