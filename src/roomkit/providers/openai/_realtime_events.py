"""Turning OpenAI Realtime server events into :class:`RealtimeVoiceProvider` callbacks.

:class:`RealtimeEvents` is the half of
:class:`~roomkit.providers.openai.realtime.OpenAIRealtimeProvider` that reacts to what the
server sends: it keeps each session's response bookkeeping (running response, held
``response.create``, audio item received so far, announced tool names) and fires the
registered callbacks. It also holds the few client events a reaction needs to send.

With server VAD and ``interrupt_response`` on, OpenAI cancels the running response
itself when it hears the participant; the provider then advertises
``interrupts_on_speech`` for that session, and on ``input_audio_buffer.speech_started``
does the client's part of the cut: it truncates the model's audio item to what was
delivered, drops resampled audio held back and forgets a held ``response.create``.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from roomkit.errors import ErrorCode, ProviderError
from roomkit.providers.openai import realtime_wire as wire
from roomkit.providers.openai._realtime_conn import (
    VENDOR,
    ConnectionClosed,
    decode_event,
    session_id,
)
from roomkit.providers.openai._realtime_live import LiveSession
from roomkit.voice.realtime.provider import RealtimeVoiceProvider

__all__ = ["RealtimeEvents"]

logger = logging.getLogger("roomkit.providers.openai.realtime")

_BENIGN_ERRORS = frozenset({"response_cancel_not_active"})
"""Vendor error codes that only say an interruption arrived after the response ended."""

Handler = Callable[[LiveSession, dict[str, Any]], Awaitable[None]]


class RealtimeEvents(RealtimeVoiceProvider):
    """Reads OpenAI Realtime server events for a session and fires the callbacks."""

    def __init__(self) -> None:
        super().__init__()
        self._handlers = self._event_handlers()

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

    async def _drop_unheard(self, live: LiveSession) -> None:
        """The client's side of a cut: truncate the audio item, drop audio held back.

        A ``response.create`` held for the end of the cut response is forgotten too.
        """
        live.response_wanted = False
        if live.audio_item is not None:
            item_id, content_index = live.audio_item
            await self._send(live, wire.truncate_item(item_id, content_index, int(live.audio_ms)))
            live.audio_item = None
        if live.from_api is not None:
            live.from_api.flush()  # drop what the resampler held back of the cut response

    # --- server events --------------------------------------------------------------

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
        if live.vad_interrupts and live.response_active:
            await self._drop_unheard(live)  # the server cancels the response itself
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
