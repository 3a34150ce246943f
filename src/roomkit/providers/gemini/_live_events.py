"""Turning Gemini Live server messages into :class:`RealtimeVoiceProvider` callbacks.

:class:`LiveEvents` is the half of the Gemini Live provider that reads: it keeps each
session's turn bookkeeping (response open, transcripts growing, output to drop after a
local interrupt) and fires the registered callbacks. The module docstring of
:mod:`roomkit.providers.gemini.live` describes the mapping.
"""

from __future__ import annotations

import base64
import logging
from typing import Any

from roomkit.errors import ErrorCode
from roomkit.providers.ai._wire import new_call_id, parse_arguments
from roomkit.providers.gemini._live_resume import ResumeHandles
from roomkit.providers.gemini._live_session import LiveSession
from roomkit.providers.gemini._live_wire import VENDOR, audio_rate, decode_frame, object_field
from roomkit.voice.realtime.provider import RealtimeVoiceProvider

__all__ = ["LiveEvents"]

logger = logging.getLogger("roomkit.providers.gemini.live")

_KNOWN = frozenset(
    {
        "setupComplete",
        "serverContent",
        "toolCall",
        "toolCallCancellation",
        "goAway",
        "sessionResumptionUpdate",
    }
)


def _text(content: dict[str, Any], key: str) -> str:
    """The ``text`` of a transcription object (empty when absent)."""
    text = object_field(content, key).get("text", "")
    if not isinstance(text, str):
        raise ValueError(f"{key}.text is not a string")
    return text


def _list(container: dict[str, Any], key: str) -> list[Any]:
    """The list under ``key`` ([] when absent); ValueError when it is something else."""
    value = container.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError(f"{key} is not a list")
    return value


class LiveEvents(RealtimeVoiceProvider):
    """Reads Gemini Live server messages for a session and fires the callbacks."""

    _resume: ResumeHandles

    async def _dispatch(self, state: LiveSession, frame: str | bytes) -> None:
        """Handle one frame; a malformed one is reported as an error and skipped."""
        try:
            await self._handle(state, decode_frame(frame))
        except ValueError as exc:
            session = state.session
            logger.warning("gemini live sent a malformed message on %s: %s", session.id, exc)
            message = f"{VENDOR} sent a malformed message: {exc}"
            await self._fire_error(session, ErrorCode.INVALID_PAYLOAD, message)

    async def _handle(self, state: LiveSession, message: dict[str, Any]) -> None:
        """Route each part of a server message."""
        content = object_field(message, "serverContent")
        if content:
            await self._server_content(state, content)
        if "toolCall" in message:
            await self._tool_calls(state, object_field(message, "toolCall"))
        if "toolCallCancellation" in message:
            self._cancel_calls(state, object_field(message, "toolCallCancellation"))
        if "goAway" in message:
            await self._go_away(state, object_field(message, "goAway"))
        if "sessionResumptionUpdate" in message:
            update = object_field(message, "sessionResumptionUpdate")
            self._resume.update(state.session.id, update)
        others = sorted(set(message) - _KNOWN)
        if others:
            logger.debug("gemini live: ignored %s", others)

    async def _server_content(self, state: LiveSession, content: dict[str, Any]) -> None:
        """Transcripts, model audio and turn boundaries, in the order they happen."""
        session = state.session
        heard = _text(content, "inputTranscription")
        if heard:
            await self._fire_transcription(session, state.add_user_text(heard), "user", False)
        if content.get("interrupted"):
            await self._interrupted(state)
        for part in _list(object_field(content, "modelTurn"), "parts"):
            await self._model_part(state, part)
        said = _text(content, "outputTranscription")
        if said and not state.dropping:
            await self._begin_response(state)
            text = state.add_assistant_text(said)
            await self._fire_transcription(session, text, "assistant", False)
        if content.get("generationComplete"):
            await self._finish_user(state)
        if content.get("turnComplete"):
            await self._turn_complete(state)

    async def _model_part(self, state: LiveSession, part: object) -> None:
        """Play an audio part of the model's turn (text and thought parts are skipped)."""
        if not isinstance(part, dict):
            raise ValueError("a modelTurn part is not an object")
        inline = object_field(part, "inlineData")
        data = inline.get("data")
        mime = inline.get("mimeType")
        if not isinstance(data, str) or (isinstance(mime, str) and not mime.startswith("audio/")):
            return
        pcm16 = base64.b64decode(data, validate=True)
        if state.dropping:
            return
        await self._begin_response(state)
        audio = state.from_gemini(pcm16, audio_rate(mime))
        if audio:
            await self._fire_audio(state.session, audio)

    async def _begin_response(self, state: LiveSession) -> None:
        """Fire ``response_start`` (after a pending ``speech_end``) once per turn."""
        if state.responding:
            return
        state.responding = True
        if state.user_speaking:
            state.user_speaking = False
            await self._fire_speech_end(state.session)
        await self._fire_response_start(state.session)

    async def _end_response(self, state: LiveSession) -> None:
        """Fire ``response_end`` if a response is open."""
        if state.responding:
            state.responding = False
            await self._fire_response_end(state.session)

    async def _interrupted(self, state: LiveSession) -> None:
        """Gemini's VAD heard the participant over the model: it stopped the turn."""
        state.user_speaking = True
        await self._fire_speech_start(state.session)
        await self._finish_user(state)
        state.reset_output()
        await self._finish_assistant(state)
        state.dropping = False
        await self._end_response(state)

    async def _turn_complete(self, state: LiveSession) -> None:
        """The model's turn is over: flush audio, finalise transcripts, end the response."""
        await self._finish_user(state)
        if state.dropping:
            state.reset_output()
        else:
            tail = state.flush_output()
            if tail:
                await self._fire_audio(state.session, tail)
        await self._finish_assistant(state)
        state.dropping = False
        await self._end_response(state)

    async def _finish_user(self, state: LiveSession) -> None:
        """Report the participant's transcript of the turn as final."""
        text = state.take_user_text()
        if text:
            await self._fire_transcription(state.session, text, "user", True)

    async def _finish_assistant(self, state: LiveSession) -> None:
        """Report the model's transcript of the turn as final."""
        text = state.take_assistant_text()
        if text:
            await self._fire_transcription(state.session, text, "assistant", True)

    async def _tool_calls(self, state: LiveSession, tool_call: dict[str, Any]) -> None:
        """Remember each call's name by id and fire the tool-call callbacks."""
        calls: list[tuple[str, str, dict[str, Any]]] = []
        for call in _list(tool_call, "functionCalls"):
            if not isinstance(call, dict):
                raise ValueError("a function call is not an object")
            name, args = call.get("name"), call.get("args")
            if not isinstance(name, str) or not name:
                raise ValueError("a function call has no name")
            if args is not None and not isinstance(args, (dict, str)):
                raise ValueError("function call args are not an object")
            calls.append((str(call.get("id") or new_call_id()), name, parse_arguments(args)))
        for call_id, name, arguments in calls:
            state.call_names[call_id] = name
            logger.info("gemini live tool call %s (%s) on %s", name, call_id, state.session.id)
            await self._fire_tool_call(state.session, call_id, name, arguments)

    def _cancel_calls(self, state: LiveSession, cancellation: dict[str, Any]) -> None:
        """Forget calls Gemini cancelled (the participant interrupted before the result)."""
        for call_id in _list(cancellation, "ids"):
            state.call_names.pop(str(call_id), None)
            state.cancelled_calls.add(str(call_id))
            logger.info("gemini live cancelled tool call %s on %s", call_id, state.session.id)

    async def _go_away(self, state: LiveSession, go_away: dict[str, Any]) -> None:
        """Gemini will close the connection soon: log it and tell the error callbacks."""
        left = go_away.get("timeLeft", "a moment")
        session = state.session
        logger.warning("gemini live will close session %s in %s (goAway)", session.id, left)
        message = f"{VENDOR} will close the connection in {left} (goAway)"
        await self._fire_error(session, ErrorCode.PROVIDER_ERROR, message)
