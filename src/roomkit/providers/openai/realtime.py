"""Speech-to-speech with OpenAI's Realtime API, over the official ``openai`` SDK's WebSocket.

The SDK's ``AsyncOpenAI.realtime.connect`` is used rather than raw ``websockets``: it
builds the endpoint URL (``websocket_base_url`` + ``/realtime?model=...``), sends the
``Authorization: Bearer`` header and works unchanged against a loopback server, and a
client passed in (Azure, a proxy) brings its own auth. Frames are read with
``recv_bytes`` and decoded here, not by the SDK's typed parser, so both protocol
dialects are understood (see :mod:`roomkit.providers.openai.realtime_wire`) and a
malformed frame is reported through ``on_error`` instead of ending the session.

Each session gets its own connection and a reader task that turns server events into
the provider callbacks. The API speaks 24 kHz PCM16: audio at other session rates is
resampled both ways with :class:`roomkit.voice.codecs.Resampler` (which needs numpy).
A response requested while another is still running (a tool result arriving before
``response.done``) is sent when that response ends. Install with
``pip install 'roomkit[openai-realtime]'``.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from roomkit.errors import ConfigurationError, ErrorCode, ProviderError
from roomkit.models.ai import AITool
from roomkit.providers.openai import realtime_wire as wire
from roomkit.providers.openai._realtime_conn import (
    VENDOR,
    ConnectionClosed,
    close_quietly,
    closed_detail,
    decode_event,
    open_connection,
    sdk_base_url,
    session_id,
)
from roomkit.providers.openai._realtime_live import LiveSession, make_resampler, session_config
from roomkit.providers.openai.config import OpenAIRealtimeConfig
from roomkit.voice.realtime.base import RealtimeRole, RealtimeSession, RealtimeSessionState
from roomkit.voice.realtime.provider import RealtimeVoiceProvider

try:
    import openai
except ImportError as exc:  # pragma: no cover - exercised in the bare-install test
    raise ImportError(
        "OpenAIRealtimeProvider needs the openai SDK and websockets; "
        "install it with: pip install 'roomkit[openai-realtime]'"
    ) from exc

__all__ = ["OpenAIRealtimeProvider"]

logger = logging.getLogger("roomkit.providers.openai.realtime")

_BENIGN_ERRORS = frozenset({"response_cancel_not_active"})
"""Vendor error codes that only say an interruption arrived after the response ended."""

Handler = Callable[[LiveSession, dict[str, Any]], Awaitable[None]]


class OpenAIRealtimeProvider(RealtimeVoiceProvider):
    """Runs realtime voice sessions on an OpenAI speech-to-speech model.

    ``client`` is an already configured ``openai.AsyncOpenAI`` (Azure, custom proxy);
    it is then used as is (``config.api_key`` and ``config.base_url`` are ignored) and
    left open by :meth:`close`. ``provider_config`` given to :meth:`connect` may
    override any config field except ``api_key`` and ``base_url`` for that session.
    """

    def __init__(
        self, config: OpenAIRealtimeConfig, *, client: openai.AsyncOpenAI | None = None
    ) -> None:
        super().__init__()
        self.config = config
        self._owned = client is None
        self._client = client or openai.AsyncOpenAI(
            api_key=config.api_key.get_secret_value(),
            websocket_base_url=sdk_base_url(config.base_url),
            max_retries=0,
        )
        self._live: dict[str, LiveSession] = {}
        self._handlers = self._event_handlers()

    def __repr__(self) -> str:
        return f"OpenAIRealtimeProvider(model={self.config.model!r})"

    @property
    def name(self) -> str:
        """Short provider name used in logs and event metadata."""
        return "openai_realtime"

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
        """Open the Realtime session, wait for ``session.created`` and configure it."""
        if session.id in self._live:
            raise ConfigurationError(f"realtime session {session.id} is already connected")
        config = session_config(self.config, provider_config)
        if temperature is not None and config.api_version == "ga":
            logger.warning("openai realtime: the GA protocol has no temperature; ignoring it")
        conn, provider_session_id = await open_connection(self._client, config)
        live = LiveSession(
            session=session,
            conn=conn,
            config=config,
            to_api=make_resampler(input_sample_rate, wire.API_SAMPLE_RATE),
            from_api=make_resampler(wire.API_SAMPLE_RATE, output_sample_rate),
        )
        update = wire.session_update(
            config,
            instructions=system_prompt,
            voice=voice or config.voice,
            tools=tools or (),
            temperature=temperature,
            server_vad=server_vad,
        )
        try:
            await self._send(live, update)
        except BaseException:
            await close_quietly(conn, config.close_timeout)
            raise
        session.provider_session_id = provider_session_id
        session.state = RealtimeSessionState.ACTIVE
        self._live[session.id] = live
        live.reader = asyncio.create_task(self._read(live), name=f"openai-realtime-{session.id}")
        logger.info("openai realtime: session %s connected (%s)", session.id, config.model)

    async def send_audio(self, session: RealtimeSession, audio: bytes) -> None:
        """Append the participant's audio to the input buffer (dropped if not connected)."""
        live = self._live.get(session.id)
        if live is None:
            logger.debug("openai realtime: audio for unconnected session %s dropped", session.id)
            return
        pcm = live.to_api.process(audio) if live.to_api is not None else audio
        if pcm:
            await self._send(live, wire.audio_append(pcm))

    async def inject_text(
        self, session: RealtimeSession, text: str, *, role: RealtimeRole = "user"
    ) -> None:
        """Add a text message; a user message also asks the model to answer it."""
        live = self._require(session)
        await self._send(live, wire.text_item(text, role, live.config.api_version))
        if role == "user":
            await self._request_response(live)

    async def submit_tool_result(
        self, session: RealtimeSession, call_id: str, result: str
    ) -> None:
        """Send the function call's output and let the model continue."""
        await self._answer_tool(self._require(session), call_id, result)

    async def interrupt(self, session: RealtimeSession) -> None:
        """Cancel the running response and truncate its audio to what was delivered."""
        live = self._live.get(session.id)
        if live is None:
            return
        live.response_wanted = False
        if live.response_active:
            await self._send(live, wire.response_cancel())
        if live.audio_item is not None:
            item_id, content_index = live.audio_item
            await self._send(live, wire.truncate_item(item_id, content_index, int(live.audio_ms)))
            live.audio_item = None
        if live.from_api is not None:
            live.from_api.flush()  # drop what the resampler held back of the cut response

    async def disconnect(self, session: RealtimeSession) -> None:
        """Stop the reader and close the connection; no callbacks fire afterwards."""
        session.state = RealtimeSessionState.ENDED
        live = self._live.pop(session.id, None)
        if live is None:
            return
        live.closing = True
        reader = live.reader
        if reader is not None and reader is not asyncio.current_task():
            reader.cancel()
            try:
                await reader
            except asyncio.CancelledError:
                current = asyncio.current_task()
                if current is not None and current.cancelling():
                    raise
        await close_quietly(live.conn, live.config.close_timeout)
        logger.info("openai realtime: session %s disconnected", session.id)

    async def close(self) -> None:
        """Disconnect every session and close the SDK client if this provider made it."""
        for live in list(self._live.values()):
            await self.disconnect(live.session)
        if self._owned:
            await self._client.close()

    def _require(self, session: RealtimeSession) -> LiveSession:
        live = self._live.get(session.id)
        if live is None:
            raise ProviderError(
                f"openai realtime session {session.id} is not connected",
                code=ErrorCode.NETWORK,
                retryable=True,
                provider=VENDOR,
            )
        return live

    async def _send(self, live: LiveSession, event: dict[str, Any]) -> None:
        try:
            await live.conn.send(event)  # type: ignore[arg-type]  # both dialects, as dicts
        except ConnectionClosed as exc:
            raise ProviderError(
                f"openai realtime connection of session {live.session.id} is closed",
                code=ErrorCode.NETWORK,
                retryable=True,
                provider=VENDOR,
            ) from exc

    async def _request_response(self, live: LiveSession) -> None:
        """Ask for a response now, or when the running one is done."""
        if live.response_active:
            live.response_wanted = True
        else:
            await self._send(live, wire.response_create())

    async def _answer_tool(self, live: LiveSession, call_id: str, output: str) -> None:
        await self._send(live, wire.tool_output_item(call_id, output))
        await self._request_response(live)

    # --- server events --------------------------------------------------------------

    async def _read(self, live: LiveSession) -> None:
        """Dispatch server events until the connection closes or the session is dropped."""
        session = live.session
        try:
            while not live.closing:
                await self._dispatch(live, await live.conn.recv_bytes())
        except ConnectionClosed as exc:
            if not live.closing:
                await self._lost(live, closed_detail(exc))
        except Exception as exc:  # a bug here must still end the session visibly
            logger.exception("openai realtime: reader of session %s failed", session.id)
            if not live.closing:
                await self._lost(live, f"reader failed: {type(exc).__name__}")

    async def _lost(self, live: LiveSession, detail: str) -> None:
        session = live.session
        if self._live.get(session.id) is live:
            del self._live[session.id]
        session.state = RealtimeSessionState.ENDED
        logger.warning("openai realtime: session %s lost its connection: %s", session.id, detail)
        await self._fire_error(
            session, ErrorCode.NETWORK, f"openai realtime connection lost: {detail}"
        )

    async def _dispatch(self, live: LiveSession, raw: bytes) -> None:
        event = decode_event(raw)
        if event is None:
            await self._fire_error(
                live.session, ErrorCode.INVALID_PAYLOAD, "openai sent a frame that is not an event"
            )
            return
        kind = event["type"]
        handler = self._handlers.get(kind)
        if handler is None:
            return
        try:
            await handler(live, event)
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            logger.warning("openai realtime: malformed %s event (%s)", kind, type(exc).__name__)
            await self._fire_error(
                live.session, ErrorCode.INVALID_PAYLOAD, f"openai sent a malformed {kind} event"
            )
        except ProviderError as exc:
            if not live.closing:  # a callback may have disconnected the session meanwhile
                await self._fire_error(live.session, str(exc.code), str(exc))

    def _event_handlers(self) -> dict[str, Handler]:
        handlers: dict[str, Handler] = {
            "session.created": self._on_session_created,
            "input_audio_buffer.speech_started": self._on_speech_started,
            "input_audio_buffer.speech_stopped": self._on_speech_stopped,
            "conversation.item.input_audio_transcription.delta": self._on_user_delta,
            "conversation.item.input_audio_transcription.completed": self._on_user_final,
            "conversation.item.input_audio_transcription.failed": self._on_user_failed,
            "response.created": self._on_response_created,
            "response.done": self._on_response_done,
            "response.output_item.added": self._on_output_item,
            "response.function_call_arguments.done": self._on_tool_call,
            "error": self._on_error,
        }
        handlers.update(dict.fromkeys(wire.AUDIO_DELTA, self._on_audio))
        handlers.update(dict.fromkeys(wire.AUDIO_DONE, self._on_audio_done))
        handlers.update(dict.fromkeys(wire.ASSISTANT_TRANSCRIPT_DELTA, self._on_assistant_delta))
        handlers.update(dict.fromkeys(wire.ASSISTANT_TRANSCRIPT_DONE, self._on_assistant_final))
        return handlers

    async def _on_session_created(self, live: LiveSession, event: dict[str, Any]) -> None:
        live.session.provider_session_id = session_id(event)

    async def _on_speech_started(self, live: LiveSession, event: dict[str, Any]) -> None:
        await self._fire_speech_start(live.session)

    async def _on_speech_stopped(self, live: LiveSession, event: dict[str, Any]) -> None:
        await self._fire_speech_end(live.session)

    async def _on_user_delta(self, live: LiveSession, event: dict[str, Any]) -> None:
        if event["delta"]:
            await self._fire_transcription(live.session, str(event["delta"]), "user", False)

    async def _on_user_final(self, live: LiveSession, event: dict[str, Any]) -> None:
        await self._fire_transcription(live.session, str(event["transcript"]), "user", True)

    async def _on_user_failed(self, live: LiveSession, event: dict[str, Any]) -> None:
        error = event.get("error") or {}
        code = error.get("code") or error.get("type") or ErrorCode.PROVIDER_ERROR
        message = error.get("message") or "transcription of the participant failed"
        await self._fire_error(live.session, str(code), str(message))

    async def _on_assistant_delta(self, live: LiveSession, event: dict[str, Any]) -> None:
        if event["delta"]:
            await self._fire_transcription(live.session, str(event["delta"]), "assistant", False)

    async def _on_assistant_final(self, live: LiveSession, event: dict[str, Any]) -> None:
        text = event["transcript"] if "transcript" in event else event["text"]
        await self._fire_transcription(live.session, str(text), "assistant", True)

    async def _on_audio(self, live: LiveSession, event: dict[str, Any]) -> None:
        pcm = base64.b64decode(event["delta"], validate=True)
        item_id = event.get("item_id")
        if isinstance(item_id, str):
            item = (item_id, int(event.get("content_index", 0)))
            if item != live.audio_item:
                live.audio_item, live.audio_ms = item, 0.0
            live.audio_ms += len(pcm) / 2 / (wire.API_SAMPLE_RATE / 1000)
        if live.from_api is not None:
            pcm = live.from_api.process(pcm)
        if pcm:
            await self._fire_audio(live.session, pcm)

    async def _on_audio_done(self, live: LiveSession, event: dict[str, Any]) -> None:
        if live.from_api is not None:
            rest = live.from_api.flush()
            if rest:
                await self._fire_audio(live.session, rest)

    async def _on_response_created(self, live: LiveSession, event: dict[str, Any]) -> None:
        live.response_active = True
        await self._fire_response_start(live.session)

    async def _on_response_done(self, live: LiveSession, event: dict[str, Any]) -> None:
        live.response_active = False
        await self._on_audio_done(live, event)
        response = event.get("response") or {}
        if response.get("status") == "failed":
            error = (response.get("status_details") or {}).get("error") or {}
            code = error.get("code") or error.get("type") or ErrorCode.PROVIDER_ERROR
            await self._fire_error(live.session, str(code), str(error.get("message", "")))
        await self._fire_response_end(live.session)
        if live.response_wanted:
            live.response_wanted = False
            await self._send(live, wire.response_create())

    async def _on_output_item(self, live: LiveSession, event: dict[str, Any]) -> None:
        item = event["item"]
        if item.get("type") == "function_call":
            live.tool_names[str(item["call_id"])] = str(item["name"])

    async def _on_tool_call(self, live: LiveSession, event: dict[str, Any]) -> None:
        call_id = str(event["call_id"])
        name = str(event.get("name") or live.tool_names.get(call_id, ""))
        live.tool_names.pop(call_id, None)
        try:
            arguments = json.loads(event.get("arguments") or "{}")
        except ValueError:
            arguments = None
        if not isinstance(arguments, dict):
            message = f"the model called tool {name!r} with arguments that are not a JSON object"
            logger.warning("openai realtime: %s", message)
            await self._fire_error(live.session, ErrorCode.INVALID_PAYLOAD, message)
            await self._answer_tool(live, call_id, json.dumps({"error": message}))
            return
        await self._fire_tool_call(live.session, call_id, name, arguments)

    async def _on_error(self, live: LiveSession, event: dict[str, Any]) -> None:
        error = event["error"]
        code = str(error.get("code") or error.get("type") or ErrorCode.PROVIDER_ERROR)
        if code in _BENIGN_ERRORS:
            logger.debug("openai realtime: ignoring %s", code)
            return
        logger.warning("openai realtime: session %s got error %s", live.session.id, code)
        await self._fire_error(live.session, code, str(error.get("message", "")))
