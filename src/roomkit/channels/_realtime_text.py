"""Text crossing a realtime voice session: room messages into the model, transcripts out.

:class:`TranscriptRouter` sends every transcript of a session to its client; a final
one of the participant goes through ``kit.process_inbound`` and one of the model is put
into the room with ``kit.send_event``, through the session's :class:`RoomWriter`, so in
the order the provider reported them.

A text message of another channel is shown to the ``ON_REALTIME_TEXT_INJECTED`` sync
hooks as a copy of its room event whose metadata also holds ``realtime_session_id``
(the session about to receive it) and ``realtime_role`` (``"user"``). A hook may block
it, rewrite its content, or set ``realtime_role`` to ``"assistant"``. The participant's
final transcripts enter the room as inbound messages carrying ``realtime_session_id``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

from roomkit.channels._realtime_session import SessionLink
from roomkit.channels.base import content_text
from roomkit.models.content import TextContent
from roomkit.models.context import RoomContext
from roomkit.models.delivery import InboundMessage
from roomkit.models.enums import HookTrigger
from roomkit.models.event import RoomEvent
from roomkit.voice._hooks import VoiceHooks
from roomkit.voice.realtime.base import RealtimeRole, RealtimeSession

if TYPE_CHECKING:
    from roomkit.core.framework import RoomKit

__all__ = [
    "ROLE_KEY",
    "SESSION_KEY",
    "TellFn",
    "TranscriptRouter",
    "participant_message",
    "text_to_inject",
]

logger = logging.getLogger("roomkit.channels.realtime_voice")

SESSION_KEY = "realtime_session_id"
"""Metadata key naming the realtime session a text comes from or goes to."""

ROLE_KEY = "realtime_role"
"""Metadata key of the role an injected text takes in the model's conversation."""

TellFn = Callable[[RealtimeSession, dict[str, Any]], Awaitable[None]]
"""Sends a JSON message to a session's client: ``await tell(session, message)``."""


async def text_to_inject(
    hooks: VoiceHooks | None,
    session: RealtimeSession,
    event: RoomEvent,
    context: RoomContext,
) -> tuple[str, RealtimeRole] | None:
    """The text and role to give the session for ``event``, or ``None`` if none is left."""
    metadata = {**event.metadata, SESSION_KEY: session.id, ROLE_KEY: "user"}
    candidate = event.model_copy(update={"metadata": metadata})
    if hooks is not None:
        seen, reason = await hooks.run_sync(
            HookTrigger.ON_REALTIME_TEXT_INJECTED, candidate, context
        )
        if seen is None:
            logger.debug("text of event %s kept from session %s: %s", event.id, session.id, reason)
            return None
        candidate = seen
    text = content_text(candidate.content).strip()
    if not text:
        return None
    role: RealtimeRole = "assistant" if candidate.metadata.get(ROLE_KEY) == "assistant" else "user"
    return text, role


def participant_message(channel_id: str, session: RealtimeSession, text: str) -> InboundMessage:
    """The inbound message made of a final transcript of the participant."""
    return InboundMessage(
        channel_id=channel_id,
        sender_id=session.participant_id,
        content=TextContent(body=text),
        metadata={SESSION_KEY: session.id},
    )


class TranscriptRouter:
    """Routes the transcripts of a realtime voice channel's live sessions."""

    def __init__(self, channel_id: str, links: Mapping[str, SessionLink], tell: TellFn) -> None:
        self._channel_id = channel_id
        self._links = links
        self._tell = tell

    async def route(
        self,
        session: RealtimeSession,
        text: str,
        role: RealtimeRole,
        is_final: bool,
        kit: RoomKit | None,
    ) -> None:
        """Send a transcript to the client and, when final, into the room through ``kit``.

        With ``kit=None`` (no kit, or transcription events turned off) nothing enters the
        room. A blank final transcript is dropped.
        """
        link = self._links.get(session.id)
        if link is None:
            return
        if is_final:
            text = text.strip()
            if not text:
                return
        await self._tell(
            session, {"type": "transcript", "role": role, "text": text, "final": is_final}
        )
        if not is_final or kit is None:
            return
        if role == "user":
            message = participant_message(self._channel_id, session, text)
            link.writer.put(lambda: kit.process_inbound(message, room_id=session.room_id))
        else:
            content = TextContent(body=text)
            link.writer.put(lambda: kit.send_event(session.room_id, self._channel_id, content))
