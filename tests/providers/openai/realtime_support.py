"""A loopback OpenAI Realtime server and a recorder of provider callbacks.

:class:`FakeRealtime` plays OpenAI's side over a real WebSocket (on
:class:`~tests.voice.vendor_ws_server.LoopbackWS`): it checks the bearer key, greets
each connection with ``session.created`` (or the test's ``greeting``), queues every
client event it receives and sends whatever server events a test pushes. :class:`Calls`
records the provider's callbacks; ``tone``, ``b64`` and ``expect_sentinel`` build audio
and prove what a step did (or did not) send.
"""

from __future__ import annotations

import asyncio
import base64
import json
import math
from typing import Any

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from roomkit.models.ai import AITool
from roomkit.providers.openai import OpenAIRealtimeConfig, OpenAIRealtimeProvider
from roomkit.voice.codecs import pcm16_from_array
from roomkit.voice.realtime import RealtimeSession
from tests.voice.vendor_ws_server import LoopbackWS

KEY = "sk-loopback-realtime-secret"
SESSION_ID = "sess_loopback_1"
WAIT = 5.0
"""Upper bound on waiting for loopback I/O (it normally takes milliseconds)."""

SESSION_CREATED = {
    "type": "session.created",
    "event_id": "event_1",
    "session": {"id": SESSION_ID, "object": "realtime.session", "type": "realtime"},
}


class FakeRealtime:
    """OpenAI's side of the Realtime protocol, driven by the test."""

    def __init__(self, **ws_options: Any) -> None:
        self.ws = LoopbackWS(
            self._script, auth_header="Authorization", auth_value=f"Bearer {KEY}", **ws_options
        )
        self.greeting: list[dict[str, Any] | str] = [SESSION_CREATED]
        self.hang_up: int | None = None
        """Close code to hang up with right after the greeting (``None``: stay)."""
        self.connected = asyncio.Event()
        self.closes: list[int | None] = []
        self.closed = asyncio.Event()
        self._events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._connections: list[ServerConnection] = []

    @property
    def url(self) -> str:
        """The Realtime endpoint URL a config takes."""
        return f"ws://127.0.0.1:{self.ws.port}/v1/realtime"

    def config(self, **settings: Any) -> OpenAIRealtimeConfig:
        """A provider config pointing at this server (with the right key unless given)."""
        return OpenAIRealtimeConfig.model_validate(
            {"api_key": KEY, "base_url": self.url, **settings}
        )

    async def _script(self, ws: LoopbackWS, connection: ServerConnection) -> None:
        self._connections.append(connection)
        for event in self.greeting:
            await connection.send(event if isinstance(event, str) else json.dumps(event))
        self.connected.set()
        if self.hang_up is not None:
            await connection.close(self.hang_up)
        try:
            while True:
                self._events.put_nowait(json.loads(await ws.receive(connection)))
        except ConnectionClosed as exc:
            self.closes.append(exc.rcvd.code if exc.rcvd is not None else None)
            self.closed.set()

    async def send(self, *events: dict[str, Any] | str) -> None:
        """Send server events (dicts as JSON, strings as they are) on the last connection."""
        for event in events:
            await self._connections[-1].send(
                event if isinstance(event, str) else json.dumps(event)
            )

    async def next_event(self) -> dict[str, Any]:
        """The next client event received."""
        return await asyncio.wait_for(self._events.get(), WAIT)

    async def drop(self, code: int = 1011, reason: str = "") -> None:
        """Close the last connection from the server side."""
        await self._connections[-1].close(code, reason)

    def abort(self) -> None:
        """Cut the last connection's TCP stream without a close frame."""
        self._connections[-1].transport.abort()


class Calls:
    """Records every callback of a provider, in order, and waits for them."""

    def __init__(self, provider: OpenAIRealtimeProvider) -> None:
        self.log: list[tuple[str, tuple[Any, ...]]] = []
        self._changed = asyncio.Event()
        provider.on_audio(self._recorder("audio"))
        provider.on_transcription(self._recorder("transcription"))
        provider.on_speech_start(self._recorder("speech_start"))
        provider.on_speech_end(self._recorder("speech_end"))
        provider.on_tool_call(self._recorder("tool_call"))
        provider.on_response_start(self._recorder("response_start"))
        provider.on_response_end(self._recorder("response_end"))
        provider.on_error(self._recorder("error"))

    def _recorder(self, kind: str) -> Any:
        async def record(session: RealtimeSession, *args: Any) -> None:
            self.log.append((kind, args))
            self._changed.set()

        return record

    def of(self, kind: str) -> list[tuple[Any, ...]]:
        """The arguments (after the session) of each call of one kind."""
        return [args for name, args in self.log if name == kind]

    def kinds(self) -> list[str]:
        """The kinds of all calls, in order."""
        return [name for name, _ in self.log]

    async def wait_for(self, kind: str, count: int = 1) -> list[tuple[Any, ...]]:
        """Wait until ``kind`` was called ``count`` times; return those calls."""

        async def reached() -> None:
            while len(self.of(kind)) < count:
                self._changed.clear()
                await self._changed.wait()

        await asyncio.wait_for(reached(), WAIT)
        return self.of(kind)


WEATHER = AITool(
    name="get_weather",
    description="Weather of a city",
    parameters={"type": "object", "properties": {"city": {"type": "string"}}},
)
SENTINEL = b"\x07\x00"
"""Audio sent after an action to prove what the action did (or did not) send before it."""


def tone(samples: int, rate: int = 24000) -> bytes:
    """A 440 Hz PCM16 tone."""
    return pcm16_from_array(
        [8000 * math.sin(2 * math.pi * 440 * n / rate) for n in range(samples)]
    )


def b64(data: bytes) -> str:
    """``data`` as base64 text, as the protocol carries audio."""
    return base64.b64encode(data).decode()


async def expect_sentinel(
    provider: OpenAIRealtimeProvider, session: RealtimeSession, fake: FakeRealtime
) -> None:
    """Send the sentinel and check it is the very next client event."""
    await provider.send_audio(session, SENTINEL)
    assert await fake.next_event() == {"type": "input_audio_buffer.append", "audio": b64(SENTINEL)}
