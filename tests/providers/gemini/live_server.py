"""A loopback Gemini Live server and a callback recorder for the GeminiLiveProvider tests.

:class:`FakeGemini` plays Google's side of ``BidiGenerateContent`` on a real WebSocket
(built on :class:`tests.voice.vendor_ws_server.LoopbackWS`, which checks the
``x-goog-api-key`` header): it answers ``setup`` with ``setupComplete``, queues every
later client message for the test to assert on, and lets the test push server messages
(as binary frames by default, like Gemini does).
"""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from roomkit.providers.gemini import GeminiLiveConfig
from roomkit.providers.gemini.live import GeminiLiveProvider
from roomkit.voice.realtime import RealtimeSession
from tests.voice.vendor_ws_server import LoopbackWS

KEY = "AIza-gemini-live-secret-7"
PATH = "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent"
WAIT = 2.0
"""Upper bound of every wait on real loopback I/O."""
SPEECH = bytes(range(256)) * 8
"""Some PCM16 bytes (1024 samples)."""


def b64(data: bytes) -> str:
    """Base64 text of ``data``."""
    return base64.b64encode(data).decode()


def model_audio(*chunks: bytes, rate: int = 24000) -> dict[str, Any]:
    """A ``serverContent`` whose model turn carries ``chunks`` as audio parts."""
    parts = [
        {"inlineData": {"mimeType": f"audio/pcm;rate={rate}", "data": b64(c)}} for c in chunks
    ]
    return {"serverContent": {"modelTurn": {"parts": parts}}}


def content(**fields: Any) -> dict[str, Any]:
    """A ``serverContent`` message with ``fields``."""
    return {"serverContent": fields}


def said(text: str) -> dict[str, Any]:
    """A piece of the model's transcript."""
    return content(outputTranscription={"text": text})


def heard(text: str) -> dict[str, Any]:
    """A piece of the participant's transcript."""
    return content(inputTranscription={"text": text})


TURN_COMPLETE = content(turnComplete=True)


class FakeGemini:
    """Gemini's side of the Live protocol on a free loopback port (``async with``)."""

    def __init__(self, *, setup_reply: Any = None, binary: bool = True) -> None:
        self.setup_reply = {"setupComplete": {}} if setup_reply is None else setup_reply
        self.binary = binary
        self.server = LoopbackWS(self._script, auth_header="x-goog-api-key", auth_value=KEY)
        self.setups: list[dict[str, Any]] = []
        self.connections: list[ServerConnection] = []
        self.received: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def __aenter__(self) -> FakeGemini:
        await self.server.__aenter__()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.server.__aexit__(None, None, None)

    @property
    def url(self) -> str:
        """The ``ws://`` endpoint URL to put in :class:`GeminiLiveConfig`."""
        return f"ws://127.0.0.1:{self.server.port}{PATH}"

    @property
    def connection(self) -> ServerConnection:
        """The latest client connection."""
        return self.connections[-1]

    async def _script(self, server: LoopbackWS, connection: ServerConnection) -> None:
        try:
            self.setups.append(json.loads(await server.receive(connection)))
            self.connections.append(connection)
            if self.setup_reply is not False:
                await connection.send(self._encode(self.setup_reply))
            while True:
                frame = await server.receive(connection)
                await self.received.put(json.loads(frame))
        except ConnectionClosed:
            return

    def _encode(self, message: Any) -> str | bytes:
        if isinstance(message, str | bytes):
            return message
        text = json.dumps(message)
        return text.encode() if self.binary else text

    async def send(self, *messages: Any) -> None:
        """Send server messages (dicts are JSON-encoded; str/bytes go as they are)."""
        for message in messages:
            await self.connection.send(self._encode(message))

    async def next(self) -> dict[str, Any]:
        """The next client message after ``setup``."""
        async with asyncio.timeout(WAIT):
            return await self.received.get()


class Calls:
    """Records every provider callback, in order, as tuples (``("audio", pcm)``...)."""

    def __init__(self, provider: GeminiLiveProvider) -> None:
        self.events: list[tuple[Any, ...]] = []
        self._changed = asyncio.Event()
        provider.on_audio(lambda s, audio: self._add("audio", audio))
        provider.on_transcription(lambda s, text, role, final: self._add(role, text, final))
        provider.on_speech_start(lambda s: self._add("speech_start"))
        provider.on_speech_end(lambda s: self._add("speech_end"))
        provider.on_tool_call(
            lambda s, call_id, name, args: self._add("tool", call_id, name, args)
        )
        provider.on_response_start(lambda s: self._add("response_start"))
        provider.on_response_end(lambda s: self._add("response_end"))
        provider.on_error(lambda s, code, message: self._add("error", code, message))

    async def _add(self, *event: Any) -> None:
        self.events.append(event)
        self._changed.set()

    def of(self, kind: str) -> list[tuple[Any, ...]]:
        """The recorded events of one kind."""
        return [event for event in self.events if event[0] == kind]

    async def wait(self, kind: str, count: int = 1) -> list[tuple[Any, ...]]:
        """Wait until ``count`` events of ``kind`` were recorded; return all events."""
        async with asyncio.timeout(WAIT):
            while len(self.of(kind)) < count:
                self._changed.clear()
                await self._changed.wait()
        return self.events


def live_provider(fake: FakeGemini, **options: Any) -> GeminiLiveProvider:
    """A provider whose config points at ``fake``."""
    return GeminiLiveProvider(GeminiLiveConfig(api_key=KEY, base_url=fake.url, **options))


def new_session() -> RealtimeSession:
    """A fresh realtime session."""
    return RealtimeSession(room_id="room-1", participant_id="caller", channel_id="rt-voice")
