"""A real WebSocket server on 127.0.0.1 for the streaming speech-vendor tests.

Import as ``from vendor_ws_server import ...`` (``tests/voice`` is on the path) or as
``tests.voice.vendor_ws_server`` from other test directories. The server checks one
auth header during the handshake (answering HTTP 401 like the vendors do, or the
``refusal_status`` and body given), records every handshake and every frame it
receives, and runs a scripted handler that plays the vendor's side of the protocol.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.http11 import Request, Response

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

Script = Callable[["LoopbackWS", ServerConnection], Awaitable[None]]


def fixture_text(vendor: str, name: str) -> str:
    """The text of ``tests/fixtures/<vendor>/<name>``."""
    return (FIXTURES / vendor / name).read_text()


def fixture_json(vendor: str, name: str) -> Any:
    """The decoded JSON of ``tests/fixtures/<vendor>/<name>``."""
    return json.loads(fixture_text(vendor, name))


class LoopbackWS:
    """Serves ``script`` on a free loopback port while used as ``async with``."""

    def __init__(
        self,
        script: Script,
        *,
        auth_header: str,
        auth_value: str,
        refusal_status: int = HTTPStatus.UNAUTHORIZED,
        refusal_body: str = "Invalid credentials.\n",
    ) -> None:
        self._script = script
        self._auth = (auth_header, auth_value)
        self._refusal = (refusal_status, refusal_body)
        self.handshakes: list[Request] = []
        self.frames: list[str | bytes] = []
        self.done = asyncio.Event()
        self._server: Server | None = None

    async def __aenter__(self) -> LoopbackWS:
        self._server = await serve(self._handle, "127.0.0.1", 0, process_request=self._check_auth)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    @property
    def port(self) -> int:
        """The port the server listens on."""
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    @property
    def base_url(self) -> str:
        """An ``http://`` base URL pointing at the server, as a provider config takes it."""
        return f"http://127.0.0.1:{self.port}"

    def query(self, index: int = 0) -> dict[str, str]:
        """The query parameters of the ``index``-th handshake."""
        return dict(parse_qsl(urlsplit(self.handshakes[index].path).query))

    def path(self, index: int = 0) -> str:
        """The path (without query) of the ``index``-th handshake."""
        return urlsplit(self.handshakes[index].path).path

    def text_frames(self) -> list[Any]:
        """The decoded JSON text frames received, in order."""
        return [json.loads(frame) for frame in self.frames if isinstance(frame, str)]

    def audio(self) -> bytes:
        """All binary frames received, concatenated."""
        return b"".join(frame for frame in self.frames if isinstance(frame, bytes))

    def _check_auth(self, connection: ServerConnection, request: Request) -> Response | None:
        self.handshakes.append(request)
        header, value = self._auth
        if request.headers.get(header) != value:
            status, body = self._refusal
            return connection.respond(status, body)
        return None

    async def _handle(self, connection: ServerConnection) -> None:
        try:
            await self._script(self, connection)
        finally:
            self.done.set()

    async def receive(self, connection: ServerConnection) -> str | bytes:
        """Receive and record one frame."""
        frame = await connection.recv()
        self.frames.append(frame)
        return frame
