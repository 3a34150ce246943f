"""A scripted HTTP/1.1 server on 127.0.0.1 for running the real vendor SDKs against.

Each test queues the replies the server gives, in order, and reads back what the SDK
actually sent (method, path, query, headers, body). Streamed replies go out with chunked
transfer encoding, one chunk per server-sent event; a ``hang`` reply never answers, so
the client's own timeout fires.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

__all__ = ["LoopbackServer", "Recorded", "Reply", "json_reply", "sse_reply"]

_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden"}


@dataclass
class Recorded:
    """One request as received on the wire."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The request body decoded as JSON."""
        return json.loads(self.body)


@dataclass
class Reply:
    """A scripted answer: a whole body, a stream of chunks, or no answer at all."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    chunks: list[bytes] | None = None
    hang: bool = False


def json_reply(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    """A JSON reply with ``payload`` as the body."""
    return Reply(
        status=status,
        body=json.dumps(payload).encode(),
        headers={"content-type": "application/json", **(headers or {})},
    )


def sse_reply(events: list[tuple[str | None, Any]]) -> Reply:
    """A ``text/event-stream`` reply; each item is ``(event name or None, data)``.

    ``data`` is JSON-encoded unless it is already a string (such as ``"[DONE]"``).
    """
    chunks = []
    for name, data in events:
        text = data if isinstance(data, str) else json.dumps(data)
        prefix = f"event: {name}\n" if name else ""
        chunks.append(f"{prefix}data: {text}\n\n".encode())
    return Reply(
        headers={"content-type": "text/event-stream", "cache-control": "no-cache"},
        chunks=chunks,
    )


class LoopbackServer:
    """Answers queued replies in order and records every request it receives."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._replies: deque[Reply] = deque()
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        """Base URL of the server, e.g. ``http://127.0.0.1:54321``."""
        assert self._server is not None
        host, port = self._server.sockets[0].getsockname()[:2]
        return f"http://{host}:{port}"

    @property
    def last(self) -> Recorded:
        """The most recent request."""
        return self.requests[-1]

    def queue(self, *replies: Reply) -> None:
        """Add replies to give, in order, to the next requests."""
        self._replies.extend(replies)

    async def start(self) -> None:
        """Listen on a free loopback port."""
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)

    async def close(self) -> None:
        """Stop listening and drop open connections."""
        for task in list(self._handlers):
            task.cancel()
        for task in list(self._handlers):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        try:
            while await self._serve_one(reader, writer):
                pass
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self._handlers.discard(task)
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def _serve_one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        head = await reader.readuntil(b"\r\n\r\n")
        request_line, *lines = head.decode("latin-1").split("\r\n")
        method, target, _ = request_line.split(" ", 2)
        headers: dict[str, str] = {}
        for line in lines:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        body = await _read_body(reader, headers)
        url = urlsplit(target)
        self.requests.append(Recorded(method, url.path, parse_qs(url.query), headers, body))
        reply = self._replies.popleft() if self._replies else _unscripted()
        if reply.hang:
            await reader.read()  # until the client gives up and disconnects
            return False
        await _write(writer, reply)
        return False


async def _read_body(reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes:
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                return body
            body += chunk[:-2]
    length = int(headers.get("content-length", "0"))
    return await reader.readexactly(length) if length else b""


async def _write(writer: asyncio.StreamWriter, reply: Reply) -> None:
    reason = _REASONS.get(reply.status, "Status")
    head = [f"HTTP/1.1 {reply.status} {reason}", "connection: close"]
    head += [f"{name}: {value}" for name, value in reply.headers.items()]
    if reply.chunks is None:
        head.append(f"content-length: {len(reply.body)}")
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + reply.body)
    else:
        head.append("transfer-encoding: chunked")
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode())
        for chunk in reply.chunks:
            writer.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            await writer.drain()
        writer.write(b"0\r\n\r\n")
    await writer.drain()


def _unscripted() -> Reply:
    return json_reply({"error": {"message": "no reply was scripted for this request"}}, 599)
