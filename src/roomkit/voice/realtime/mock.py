"""In-memory realtime provider and transport for tests: record every call, simulate the rest.

:class:`MockRealtimeProvider` plays a speech-to-speech model and
:class:`MockRealtimeTransport` a client connection. Each records the calls it receives in
``calls`` (see :class:`MockRealtimeCall`) and offers ``simulate_*`` coroutines that fire
the callbacks a real vendor or client would trigger, so a test can drive a
:class:`~roomkit.channels.realtime_voice.RealtimeVoiceChannel` end to end and assert on
what reached each side. ``wait_for_call`` waits for a call made by a background task.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from roomkit.errors import NotFoundError
from roomkit.models._util import new_id
from roomkit.models.ai import AITool
from roomkit.voice.realtime.base import RealtimeRole, RealtimeSession, RealtimeSessionState
from roomkit.voice.realtime.provider import RealtimeVoiceProvider
from roomkit.voice.realtime.transport import RealtimeAudioTransport

__all__ = ["MockRealtimeCall", "MockRealtimeProvider", "MockRealtimeTransport"]


@dataclass
class MockRealtimeCall:
    """One call received by a mock provider or transport.

    ``method`` is the name of the method called (``connect``, ``send_audio``,
    ``inject_text``, ``submit_tool_result``, ``interrupt``, ``disconnect``, ``accept``,
    ``send_message``, ``clear_audio``); ``args`` holds its arguments by name.
    """

    method: str
    session_id: str
    args: dict[str, Any] = field(default_factory=dict)


class _CallLog:
    """The recorded calls of a mock, with a way to wait for the next ones."""

    def __init__(self) -> None:
        self.calls: list[MockRealtimeCall] = []
        self._recorded = asyncio.Event()

    def _record(self, method: str, session: RealtimeSession, **args: Any) -> None:
        self.calls.append(MockRealtimeCall(method, session.id, args))
        recorded, self._recorded = self._recorded, asyncio.Event()
        recorded.set()

    def calls_of(
        self, method: str, session: RealtimeSession | None = None
    ) -> list[MockRealtimeCall]:
        """The recorded calls of one method (optionally of one session), in order."""
        return [
            call
            for call in self.calls
            if call.method == method and (session is None or call.session_id == session.id)
        ]

    async def wait_for_call(self, method: str, count: int = 1) -> MockRealtimeCall:
        """Wait until ``count`` calls of ``method`` were recorded; return the last of them.

        Wrap it in ``asyncio.timeout`` to bound the wait.
        """
        while len(matching := self.calls_of(method)) < count:
            await self._recorded.wait()
        return matching[count - 1]


class MockRealtimeProvider(_CallLog, RealtimeVoiceProvider):
    """A speech-to-speech "model" with no network, driven by ``simulate_*`` calls.

    ``connect`` marks the session ACTIVE (or raises ``connect_error`` when set);
    calls for a session that is not connected raise
    :class:`~roomkit.errors.NotFoundError`. ``interrupts_on_speech`` is what the
    provider advertises to the channel; like a real vendor, it only cuts its own
    responses in sessions connected with ``server_vad=True``.
    """

    def __init__(self, *, name: str = "mock", interrupts_on_speech: bool = False) -> None:
        _CallLog.__init__(self)
        RealtimeVoiceProvider.__init__(self)
        self._name = name
        self._interrupts_on_speech = interrupts_on_speech
        self.sessions: dict[str, RealtimeSession] = {}
        self._server_vad: dict[str, bool] = {}
        self.connect_error: Exception | None = None
        """Raised by the next ``connect`` calls while set."""
        self.closed = False

    @property
    def name(self) -> str:
        """The name given to the constructor (``mock`` by default)."""
        return self._name

    @property
    def interrupts_on_speech(self) -> bool:
        """The ``interrupts_on_speech`` flag given to the constructor."""
        return self._interrupts_on_speech

    def interrupts_on_speech_for(self, session: RealtimeSession) -> bool:
        """The constructor's flag, for a session connected with server VAD (or not yet)."""
        return self._interrupts_on_speech and self._server_vad.get(session.id, True)

    async def connect(
        self,
        session: RealtimeSession,
        *,
        system_prompt: str | None = None,
        voice: str | None = None,
        tools: Sequence[AITool] | None = None,
        temperature: float | None = None,
        input_sample_rate: int = 16000,
        output_sample_rate: int = 24000,
        server_vad: bool = True,
        provider_config: dict[str, Any] | None = None,
    ) -> None:
        """Record the configuration and make the session live."""
        self._record(
            "connect",
            session,
            system_prompt=system_prompt,
            voice=voice,
            tools=list(tools or []),
            temperature=temperature,
            input_sample_rate=input_sample_rate,
            output_sample_rate=output_sample_rate,
            server_vad=server_vad,
            provider_config=dict(provider_config or {}),
        )
        if self.connect_error is not None:
            raise self.connect_error
        session.provider_session_id = f"mock-{new_id()}"
        session.state = RealtimeSessionState.ACTIVE
        self.sessions[session.id] = session
        self._server_vad[session.id] = server_vad

    async def send_audio(self, session: RealtimeSession, audio: bytes) -> None:
        """Record audio streamed to the model."""
        self._require(session)
        self._record("send_audio", session, audio=audio)

    async def inject_text(
        self, session: RealtimeSession, text: str, *, role: RealtimeRole = "user"
    ) -> None:
        """Record a text turn given to the model."""
        self._require(session)
        self._record("inject_text", session, text=text, role=role)

    async def submit_tool_result(
        self, session: RealtimeSession, call_id: str, result: str
    ) -> None:
        """Record the answer to a tool call."""
        self._require(session)
        self._record("submit_tool_result", session, call_id=call_id, result=result)

    async def interrupt(self, session: RealtimeSession) -> None:
        """Record that the current response was cut."""
        self._require(session)
        self._record("interrupt", session)

    async def disconnect(self, session: RealtimeSession) -> None:
        """Record the disconnection and forget the session."""
        self._record("disconnect", session)
        self.sessions.pop(session.id, None)
        self._server_vad.pop(session.id, None)

    async def close(self) -> None:
        """Forget every session and mark the provider closed."""
        self.sessions.clear()
        self._server_vad.clear()
        self.closed = True

    def _require(self, session: RealtimeSession) -> None:
        if session.id not in self.sessions:
            raise NotFoundError(f"realtime session {session.id!r} is not connected")

    # --- what the tests read ----------------------------------------------------------

    def sent_audio(self, session: RealtimeSession) -> bytes:
        """All audio streamed to the model for the session, joined."""
        return b"".join(call.args["audio"] for call in self.calls_of("send_audio", session))

    def injected_texts(self, session: RealtimeSession) -> list[tuple[str, RealtimeRole]]:
        """The ``(text, role)`` turns injected into the session, in order."""
        return [(c.args["text"], c.args["role"]) for c in self.calls_of("inject_text", session)]

    def tool_results(self, session: RealtimeSession) -> dict[str, str]:
        """The submitted tool results of the session, by call id."""
        return {
            call.args["call_id"]: call.args["result"]
            for call in self.calls_of("submit_tool_result", session)
        }

    # --- what the vendor would report -------------------------------------------------

    async def simulate_transcription(
        self,
        session: RealtimeSession,
        text: str,
        *,
        role: RealtimeRole = "user",
        is_final: bool = True,
    ) -> None:
        """Act as if the vendor transcribed the participant (``user``) or the model."""
        await self._fire_transcription(session, text, role, is_final)

    async def simulate_speech_start(self, session: RealtimeSession) -> None:
        """Act as if the vendor's VAD heard the participant start speaking."""
        await self._fire_speech_start(session)

    async def simulate_speech_end(self, session: RealtimeSession) -> None:
        """Act as if the vendor's VAD heard the participant stop speaking."""
        await self._fire_speech_end(session)

    async def simulate_audio(self, session: RealtimeSession, audio: bytes) -> None:
        """Act as if the model produced ``audio`` (PCM16)."""
        await self._fire_audio(session, audio)

    async def simulate_tool_call(
        self,
        session: RealtimeSession,
        name: str,
        arguments: dict[str, Any] | None = None,
        *,
        call_id: str | None = None,
    ) -> str:
        """Act as if the model called a tool; return the call id."""
        call_id = call_id or f"call-{new_id()}"
        await self._fire_tool_call(session, call_id, name, dict(arguments or {}))
        return call_id

    async def simulate_response_start(self, session: RealtimeSession) -> None:
        """Act as if the model started a response."""
        await self._fire_response_start(session)

    async def simulate_response_end(self, session: RealtimeSession) -> None:
        """Act as if the model finished its response."""
        await self._fire_response_end(session)

    async def simulate_error(self, session: RealtimeSession, code: str, message: str) -> None:
        """Act as if the vendor reported an error (the session stays live)."""
        await self._fire_error(session, code, message)

    async def simulate_disconnect(
        self,
        session: RealtimeSession,
        code: str = "connection_closed",
        message: str = "the vendor closed the session",
    ) -> None:
        """Act as if the vendor dropped the session for good: ENDED, then an error."""
        self.sessions.pop(session.id, None)
        session.state = RealtimeSessionState.ENDED
        await self._fire_error(session, code, message)


class MockRealtimeTransport(_CallLog, RealtimeAudioTransport):
    """A client connection with no network, driven by ``simulate_*`` calls.

    ``accept`` keeps the session in ``sessions`` with the connection object given; audio
    and messages sent to a session that is not accepted raise
    :class:`~roomkit.errors.NotFoundError`.
    """

    def __init__(self) -> None:
        _CallLog.__init__(self)
        RealtimeAudioTransport.__init__(self)
        self.sessions: dict[str, RealtimeSession] = {}
        self.connections: dict[str, Any] = {}
        self.closed = False

    @property
    def name(self) -> str:
        """Transport name used in logs."""
        return "mock"

    async def accept(self, session: RealtimeSession, connection: Any) -> None:
        """Record the connection bound to the session."""
        self._record("accept", session, connection=connection)
        self.sessions[session.id] = session
        self.connections[session.id] = connection

    async def send_audio(self, session: RealtimeSession, audio: bytes) -> None:
        """Record audio played to the client."""
        self._require(session)
        self._record("send_audio", session, audio=audio)

    async def send_message(self, session: RealtimeSession, message: dict[str, Any]) -> None:
        """Record a JSON message sent to the client."""
        self._require(session)
        self._record("send_message", session, message=dict(message))

    async def clear_audio(self, session: RealtimeSession) -> None:
        """Record that queued audio was dropped."""
        self._record("clear_audio", session)

    async def disconnect(self, session: RealtimeSession) -> None:
        """Record the disconnection and forget the session."""
        self._record("disconnect", session)
        self.sessions.pop(session.id, None)
        self.connections.pop(session.id, None)

    async def close(self) -> None:
        """Forget every session and mark the transport closed."""
        self.sessions.clear()
        self.connections.clear()
        self.closed = True

    def _require(self, session: RealtimeSession) -> None:
        if session.id not in self.sessions:
            raise NotFoundError(f"realtime session {session.id!r} is not accepted")

    # --- what the tests read ----------------------------------------------------------

    def sent_audio(self, session: RealtimeSession) -> bytes:
        """All audio played to the session's client, joined."""
        return b"".join(call.args["audio"] for call in self.calls_of("send_audio", session))

    def sent_messages(
        self, session: RealtimeSession, message_type: str | None = None
    ) -> list[dict[str, Any]]:
        """The JSON messages sent to the client (optionally only one ``type``), in order."""
        messages = [call.args["message"] for call in self.calls_of("send_message", session)]
        if message_type is None:
            return messages
        return [m for m in messages if m.get("type") == message_type]

    # --- what the client would do -----------------------------------------------------

    async def simulate_client_audio(self, session: RealtimeSession, audio: bytes) -> None:
        """Act as if the client sent ``audio`` (PCM16)."""
        await self._fire_audio_received(session, audio)

    async def simulate_client_disconnect(self, session: RealtimeSession) -> None:
        """Act as if the client went away."""
        self.sessions.pop(session.id, None)
        self.connections.pop(session.id, None)
        await self._fire_client_disconnected(session)
