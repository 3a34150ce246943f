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
``response.done``) is sent when that response ends. Server events are handled in
:mod:`roomkit.providers.openai._realtime_events`, which also says what happens when
OpenAI cuts a response itself. Install with ``pip install 'roomkit[openai-realtime]'``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from roomkit.errors import ConfigurationError, ErrorCode, ProviderError
from roomkit.models.ai import AITool
from roomkit.providers.openai import realtime_wire as wire
from roomkit.providers.openai._realtime_conn import (
    VENDOR,
    ConnectionClosed,
    close_quietly,
    closed_detail,
    open_connection,
    sdk_base_url,
)
from roomkit.providers.openai._realtime_events import RealtimeEvents
from roomkit.providers.openai._realtime_live import LiveSession, make_resampler, session_config
from roomkit.providers.openai.config import OpenAIRealtimeConfig
from roomkit.voice.realtime.base import RealtimeRole, RealtimeSession, RealtimeSessionState

try:
    import openai
except ImportError as exc:  # pragma: no cover - exercised in the bare-install test
    raise ImportError(
        "OpenAIRealtimeProvider needs the openai SDK and websockets; "
        "install it with: pip install 'roomkit[openai-realtime]'"
    ) from exc

__all__ = ["OpenAIRealtimeProvider"]

logger = logging.getLogger("roomkit.providers.openai.realtime")


class OpenAIRealtimeProvider(RealtimeEvents):
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

    def __repr__(self) -> str:
        return f"OpenAIRealtimeProvider(model={self.config.model!r})"

    @property
    def name(self) -> str:
        """Short provider name used in logs and event metadata."""
        return "openai_realtime"

    @property
    def interrupts_on_speech(self) -> bool:
        """Whether OpenAI cuts its own responses in a session with server VAD (the config's)."""
        return self.config.interrupt_response

    def interrupts_on_speech_for(self, session: RealtimeSession) -> bool:
        """True when ``session`` runs server VAD with ``interrupt_response`` on.

        A session not connected gets the provider-wide :attr:`interrupts_on_speech`.
        """
        live = self._live.get(session.id)
        return self.interrupts_on_speech if live is None else live.vad_interrupts

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
            vad_interrupts=server_vad and config.interrupt_response,
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
        await self._drop_unheard(live)

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
