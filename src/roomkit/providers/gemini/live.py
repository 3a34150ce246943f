"""Gemini Live: a :class:`RealtimeVoiceProvider` over Google's ``BidiGenerateContent`` API.

**Why ``websockets`` and not the google-genai SDK's live client.** The SDK's
``client.aio.live.connect`` always rewrites the base URL to ``wss://``, so it cannot
talk to a plain ``ws://`` server (a proxy or the loopback server the tests use) without
a TLS certificate; its ``receive()`` stops at every ``turnComplete`` and it raises on
server messages it does not know; and it offers no handshake timeout. The documented
JSON protocol is small, so this module speaks it directly with ``websockets`` (which
the ``gemini`` extra's google-genai already installs). The key travels in the
``x-goog-api-key`` header, never in the URL, and is masked in everything the WebSocket
library logs (its debug log shows handshake headers and close reasons).

**Protocol.** ``connect`` sends ``setup`` (model, audio replies with the chosen voice,
temperature, system instruction, tools as function declarations, both transcriptions,
and automatic activity detection turned off when ``server_vad=False``) and returns once
``setupComplete`` arrives. Audio goes out as ``realtimeInput.audio`` (16 kHz PCM16) and
comes back as ``inlineData`` parts of the model's turn (24 kHz); other session rates are
resampled on the way. Each session has one reader task.

**Events.** The first part of a model turn starts a response, ``turnComplete`` or
``interrupted`` ends it. Transcripts of both sides are reported as they grow (the text
so far, ``is_final=False``); the participant's is final at ``generationComplete`` (or the
end of the turn), the model's at the end of the turn. Gemini has no speech-boundary
messages: ``interrupted`` (its VAD heard the participant over the model) fires
``speech_start``, and the next response fires ``speech_end`` first. ``goAway`` is logged
and reported through the error callback; a dropped or closed connection fires the error
callback (with its classified code) and ends the session.

**Resumption.** ``setup`` asks for ``sessionResumptionUpdate`` messages (unless
``session_resumption`` is off); connecting a session whose connection was lost sends
the newest handle, so the conversation goes on where it was. If Gemini refuses it, the
session starts anew (see :mod:`roomkit.providers.gemini._live_resume`).

**Interrupting.** Under automatic activity detection no client message cancels a turn:
Gemini stops by itself when it hears speech, so the provider reports
``interrupts_on_speech_for`` the session (unless ``provider_config`` sets
``realtimeInputConfig.activityHandling`` to ``NO_INTERRUPTION``) and the ``interrupted``
message ends the response. :meth:`GeminiLiveProvider.interrupt` ends it locally
(``response_end`` at once, the rest of that turn's audio and transcript dropped until
Gemini closes the turn). With ``server_vad=False`` (or automatic activity detection
disabled through ``provider_config``) it also sends ``activityStart``, which makes Gemini
stop generating; the application then marks turns itself with
:meth:`~GeminiLiveProvider.start_activity` and :meth:`~GeminiLiveProvider.end_activity`.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from typing import Any

from roomkit.errors import ConfigurationError, ErrorCode, ProviderError
from roomkit.models.ai import AITool
from roomkit.providers.ai._errors import network_error, timeout_error
from roomkit.providers.gemini._live_events import LiveEvents
from roomkit.providers.gemini._live_resume import ResumeHandles, resumable
from roomkit.providers.gemini._live_session import LiveSession
from roomkit.providers.gemini._live_wire import (
    API_KEY_HEADER,
    VENDOR,
    RedactingLogger,
    activity_detection,
    activity_message,
    audio_message,
    close_error,
    decode_frame,
    handshake_error,
    setup_message,
    text_message,
    tool_response_message,
)
from roomkit.providers.gemini.config import GeminiLiveConfig
from roomkit.voice.realtime.base import RealtimeRole, RealtimeSession, RealtimeSessionState

try:
    from websockets.asyncio.client import ClientConnection, connect
    from websockets.exceptions import ConnectionClosed, InvalidStatus, WebSocketException
except ImportError as exc:  # pragma: no cover - exercised in the bare-install test
    raise ImportError(
        "GeminiLiveProvider needs websockets; install it with: pip install 'roomkit[gemini-live]'"
    ) from exc

__all__ = ["GeminiLiveProvider"]

logger = logging.getLogger("roomkit.providers.gemini.live")
_ws_logger = logging.getLogger("roomkit.providers.gemini.live.websocket")
_UNREACHABLE = (ErrorCode.NETWORK, ErrorCode.TIMEOUT)


class GeminiLiveProvider(LiveEvents):
    """Speech-to-speech sessions with a Gemini Live model (one WebSocket per session)."""

    def __init__(self, config: GeminiLiveConfig) -> None:
        super().__init__()
        self.config = config
        self._sessions: dict[str, LiveSession] = {}
        self._resume = ResumeHandles()

    def __repr__(self) -> str:
        return f"GeminiLiveProvider(model={self.config.model!r})"

    @property
    def name(self) -> str:
        """Short provider name: ``gemini_live``."""
        return VENDOR

    @property
    def interrupts_on_speech(self) -> bool:
        """True: with automatic activity detection (the default) Gemini cuts its own turn."""
        return True

    def interrupts_on_speech_for(self, session: RealtimeSession) -> bool:
        """Whether Gemini's activity detection cuts the model in ``session``.

        False when the session turned it off (``server_vad=False`` or ``provider_config``)
        or set ``activityHandling`` to ``NO_INTERRUPTION``; a session not connected gets
        :attr:`interrupts_on_speech`.
        """
        state = self._sessions.get(session.id)
        return self.interrupts_on_speech if state is None else state.barge_in

    @property
    def _secret(self) -> str:
        return self.config.api_key.get_secret_value()

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
        """Open the Live session, send ``setup`` and wait for ``setupComplete``.

        ``provider_config`` is deep-merged into ``setup`` in wire names (camelCase).
        Raises :class:`~roomkit.errors.ProviderError` when Gemini cannot be reached,
        refuses the key or the setup, or does not confirm it within ``connect_timeout``.
        """
        if session.id in self._sessions:
            await self.disconnect(session)
        setup = setup_message(
            self.config.model,
            system_prompt=system_prompt,
            voice=voice or self.config.voice,
            tools=tools or (),
            temperature=self.config.temperature if temperature is None else temperature,
            server_vad=server_vad,
            extra=provider_config,
        )
        enabled = self.config.session_resumption
        handle = self._resume.get(session.id) if enabled else None
        rates = (input_sample_rate, output_sample_rate)
        session.state = RealtimeSessionState.CONNECTING
        try:
            state, ready = await self._start(session, resumable(setup, enabled, handle), rates)
        except ProviderError as exc:
            if handle is None or exc.code in _UNREACHABLE:
                raise  # a handle Gemini refused is dropped; one it never saw is kept
            logger.warning(
                "gemini live could not resume session %s (%s); starting a new conversation",
                session.id,
                exc.code,
            )
            self._resume.forget(session.id)
            handle = None
            session.state = RealtimeSessionState.CONNECTING
            state, ready = await self._start(session, resumable(setup, enabled, None), rates)
        session_id = ready.get("sessionId")
        session.provider_session_id = session_id if isinstance(session_id, str) else None
        self._sessions[session.id] = state
        session.state = RealtimeSessionState.ACTIVE
        state.reader = asyncio.create_task(self._read(state), name=f"gemini-live-{session.id}")
        resumed = "" if handle is None else ", resumed"
        logger.info(
            "gemini live session %s connected (%s%s)", session.id, self.config.model, resumed
        )

    async def _start(
        self, session: RealtimeSession, setup: dict[str, Any], rates: tuple[int, int]
    ) -> tuple[LiveSession, dict[str, Any]]:
        """Open a connection and send ``setup``; the live state and ``setupComplete``."""
        manual, barge_in = activity_detection(setup)
        ws: ClientConnection | None = None
        try:
            ws = await self._open(session)
            state = LiveSession(
                session=session,
                ws=ws,
                input_rate=rates[0],
                output_rate=rates[1],
                manual_activity=manual,
                barge_in=barge_in,
            )
            return state, await self._setup(ws, setup)
        except BaseException:
            session.state = RealtimeSessionState.ENDED
            if ws is not None:
                await ws.close()
            raise

    async def _open(self, session: RealtimeSession) -> ClientConnection:
        """Open the WebSocket; raise a ProviderError when that fails."""
        timeout = self.config.connect_timeout
        try:
            return await connect(
                self.config.base_url,
                additional_headers={API_KEY_HEADER: self._secret},
                open_timeout=timeout,
                close_timeout=self.config.close_timeout,
                max_size=None,
                logger=RedactingLogger(_ws_logger, self._secret),
            )
        except InvalidStatus as exc:
            status = exc.response.status_code
            logger.warning("gemini live refused session %s: HTTP %s", session.id, status)
            raise handshake_error(status, bytes(exc.response.body or b""), self._secret) from exc
        except TimeoutError as exc:
            raise timeout_error(VENDOR, timeout) from exc
        except (OSError, WebSocketException) as exc:
            raise network_error(VENDOR, exc) from exc

    async def _setup(self, ws: ClientConnection, setup: dict[str, Any]) -> dict[str, Any]:
        """Send ``setup`` and return the ``setupComplete`` payload."""
        timeout = self.config.connect_timeout
        try:
            async with asyncio.timeout(timeout):
                await ws.send(json.dumps(setup))
                while True:
                    message = decode_frame(await ws.recv())
                    if "setupComplete" in message:
                        ready = message["setupComplete"]
                        return ready if isinstance(ready, dict) else {}
                    logger.debug("gemini live: %s before setupComplete", sorted(message))
        except TimeoutError:
            raise timeout_error(VENDOR, timeout) from None
        except ConnectionClosed:
            raise close_error(ws.close_code, ws.close_reason or "", self._secret) from None
        except ValueError as exc:
            raise ProviderError(
                f"{VENDOR} answered the setup with a malformed message",
                code=ErrorCode.INVALID_PAYLOAD,
                provider=VENDOR,
            ) from exc

    def _require(self, session: RealtimeSession) -> LiveSession:
        """The live state of ``session``; a ProviderError when it is not connected."""
        state = self._sessions.get(session.id)
        if state is None:
            raise ProviderError(
                f"{VENDOR} session {session.id} is not connected",
                code=ErrorCode.NETWORK,
                retryable=True,
                provider=VENDOR,
            )
        return state

    async def _send(self, state: LiveSession, message: dict[str, Any]) -> None:
        """Send one client message; a closed connection becomes a ProviderError."""
        try:
            await state.ws.send(json.dumps(message))
        except ConnectionClosed:
            ws = state.ws
            raise close_error(ws.close_code, ws.close_reason or "", self._secret) from None

    async def send_audio(self, session: RealtimeSession, audio: bytes) -> None:
        """Stream participant audio; dropped (debug log) while the session is not connected."""
        state = self._sessions.get(session.id)
        if state is None:
            logger.debug("gemini live: audio for unconnected session %s dropped", session.id)
            return
        pcm16 = state.to_gemini(audio)
        if pcm16:
            await self._send(state, audio_message(pcm16))

    async def inject_text(
        self, session: RealtimeSession, text: str, *, role: RealtimeRole = "user"
    ) -> None:
        """Add a text turn: a user turn makes the model answer, an assistant one is context."""
        await self._send(self._require(session), text_message(text, role=role))

    async def submit_tool_result(
        self, session: RealtimeSession, call_id: str, result: str
    ) -> None:
        """Answer a pending tool call (a result for a call Gemini cancelled is dropped)."""
        state = self._require(session)
        if call_id in state.cancelled_calls:
            state.cancelled_calls.discard(call_id)
            logger.info("gemini live: result of cancelled tool call %s dropped", call_id)
            return
        name = state.call_names.pop(call_id, None)
        if name is None:
            raise ProviderError(
                f"{VENDOR} has no pending tool call {call_id!r}",
                code=ErrorCode.INVALID_REQUEST,
                provider=VENDOR,
            )
        await self._send(state, tool_response_message(call_id, name, result))

    async def interrupt(self, session: RealtimeSession) -> None:
        """Cut the current response locally (and send ``activityStart`` in manual mode)."""
        state = self._sessions.get(session.id)
        if state is None:
            return
        if state.manual_activity and not state.activity_open:
            state.activity_open = True
            await self._send(state, activity_message(start=True))
        if state.responding:
            state.responding = False
            state.dropping = True
            state.reset_output()
            await self._finish_assistant(state)
            await self._fire_response_end(session)

    async def start_activity(self, session: RealtimeSession) -> None:
        """Tell Gemini the participant started speaking (only with ``server_vad=False``)."""
        state = self._manual(session)
        if not state.activity_open:
            state.activity_open = True
            await self._send(state, activity_message(start=True))

    async def end_activity(self, session: RealtimeSession) -> None:
        """Tell Gemini the participant stopped speaking, so it answers (``server_vad=False``)."""
        state = self._manual(session)
        if state.activity_open:
            state.activity_open = False
            await self._send(state, activity_message(start=False))

    def _manual(self, session: RealtimeSession) -> LiveSession:
        state = self._require(session)
        if not state.manual_activity:
            raise ConfigurationError(
                "activity markers need a session connected with server_vad=False"
            )
        return state

    async def disconnect(self, session: RealtimeSession) -> None:
        """Close the Live session; no callbacks fire for it afterwards.

        Disconnecting a live session ends its conversation: the next ``connect`` starts a
        new one. A session whose connection was already lost keeps its resumption handle
        (the realtime voice channel releases it like this before reconnecting).
        """
        session.state = RealtimeSessionState.ENDED
        state = self._sessions.pop(session.id, None)
        if state is not None:
            self._resume.forget(session.id)
            await self._shut(state)
            logger.info("gemini live session %s disconnected", session.id)

    async def close(self) -> None:
        """Disconnect every session still open and forget every resumption handle."""
        for state in list(self._sessions.values()):
            await self.disconnect(state.session)
        self._resume.clear()

    async def _shut(self, state: LiveSession) -> None:
        """Stop the reader (unless it is the caller) and close the WebSocket."""
        state.closing = True
        reader = state.reader
        if reader is not None and reader is not asyncio.current_task():
            reader.cancel()
            await asyncio.wait([reader])
        await state.ws.close()

    async def _read(self, state: LiveSession) -> None:
        """Dispatch server messages until the connection ends, then report the loss."""
        ws = state.ws
        try:
            async for frame in ws:
                await self._dispatch(state, frame)
                if state.closing:
                    return
        except ConnectionClosed:
            pass
        error = close_error(ws.close_code, ws.close_reason or "", self._secret)
        await self._lost(state, error)

    async def _lost(self, state: LiveSession, error: ProviderError) -> None:
        """End a session whose connection went away and report it."""
        session = state.session
        logger.warning("gemini live session %s lost: %s", session.id, error)
        if self._sessions.get(session.id) is state:
            del self._sessions[session.id]
        session.state = RealtimeSessionState.ENDED
        if state.responding:
            state.responding = False
            await self._fire_response_end(session)
        await self._fire_error(session, error.code, str(error))
