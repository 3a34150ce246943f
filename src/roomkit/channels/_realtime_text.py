"""Text crossing a realtime voice session: room messages into the model, transcripts out.

A text message of another channel is shown to the ``ON_REALTIME_TEXT_INJECTED`` sync
hooks as a copy of its room event whose metadata also holds ``realtime_session_id``
(the session about to receive it) and ``realtime_role`` (``"user"``). A hook may block
it, rewrite its content, or set ``realtime_role`` to ``"assistant"``. The participant's
final transcripts enter the room as inbound messages carrying ``realtime_session_id``.
"""

from __future__ import annotations

import logging

from roomkit.channels.base import content_text
from roomkit.models.content import TextContent
from roomkit.models.context import RoomContext
from roomkit.models.delivery import InboundMessage
from roomkit.models.enums import HookTrigger
from roomkit.models.event import RoomEvent
from roomkit.voice._hooks import VoiceHooks
from roomkit.voice.realtime.base import RealtimeRole, RealtimeSession

__all__ = ["ROLE_KEY", "SESSION_KEY", "participant_message", "text_to_inject"]

logger = logging.getLogger("roomkit.channels.realtime_voice")

SESSION_KEY = "realtime_session_id"
"""Metadata key naming the realtime session a text comes from or goes to."""

ROLE_KEY = "realtime_role"
"""Metadata key of the role an injected text takes in the model's conversation."""


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
