"""Voice turns: transcriptions on their way through the room, and the events they make.

A turn opens when a transcription is handed to ``kit.process_inbound`` and closes when
that call returns, so the AI's reply to it (generated inside the call) can find the
turn, stream into it, and be recognised when the finished reply event is delivered.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from roomkit.models._util import new_id
from roomkit.models.content import TextContent
from roomkit.models.enums import ChannelDirection, ChannelType
from roomkit.models.event import EventSource, RoomEvent
from roomkit.voice.base import AudioChunk, VoiceSession
from roomkit.voice.streaming import ReplyStream

__all__ = ["Turn", "Turns", "sentence_event", "transcription_event"]


@dataclass
class Turn:
    """One transcription being processed by the room pipeline."""

    session: VoiceSession
    id: str = field(default_factory=new_id)
    inbound_event_id: str | None = None
    """Id of the room event made from the transcription (set by ``handle_inbound``)."""
    stream: ReplyStream | None = None
    """The reply streamed into this turn, if a streaming provider claimed it."""
    reply_seen: bool = False
    """Whether the streamed reply's room event was delivered already."""


class Turns:
    """The open turns of one voice channel."""

    def __init__(self) -> None:
        self._open: dict[str, Turn] = {}

    def open(self, session: VoiceSession) -> Turn:
        """Open a turn for a transcription of ``session``."""
        turn = Turn(session)
        self._open[turn.id] = turn
        return turn

    def close(self, turn: Turn) -> None:
        """Forget a turn whose processing is over."""
        self._open.pop(turn.id, None)

    def link(self, turn_id: object, event_id: str) -> None:
        """Note the room event made for the turn ``turn_id`` (ignored if unknown)."""
        turn = self._open.get(turn_id) if isinstance(turn_id, str) else None
        if turn is not None:
            turn.inbound_event_id = event_id

    def claimable(self, room_id: str) -> Turn | None:
        """The turn of the room now in the pipeline whose reply nobody streams yet.

        The room lock lets one pipeline run per room, so at most one turn qualifies.
        """
        for turn in self._open.values():
            if turn.session.room_id == room_id and turn.inbound_event_id and turn.stream is None:
                return turn
        return None

    def streamed_reply(self, event: RoomEvent) -> ReplyStream | None:
        """The stream that already spoke ``event``, if it is a streamed reply (once)."""
        for turn in self._open.values():
            stream = turn.stream
            if stream is None or turn.reply_seen:
                continue
            if event.parent_event_id != turn.inbound_event_id:
                continue
            if stream.channel_id is None:
                matches = event.source.channel_type == ChannelType.AI
            else:
                matches = event.source.channel_id == stream.channel_id
            if matches:
                turn.reply_seen = True
                return stream
        return None


def transcription_event(
    channel_id: str, provider: str, session: VoiceSession, text: str, audio: AudioChunk
) -> RoomEvent:
    """The event shown to ``ON_TRANSCRIPTION`` hooks for what a participant said."""
    return RoomEvent(
        room_id=session.room_id,
        source=EventSource(
            channel_id=channel_id,
            channel_type=ChannelType.VOICE,
            direction=ChannelDirection.INBOUND,
            participant_id=session.participant_id,
            provider=provider,
        ),
        content=TextContent(body=text),
        metadata={
            "voice_session_id": session.id,
            "audio_duration_ms": int(audio.duration_ms or 0),
        },
    )


def sentence_event(room_id: str, channel_id: str, text: str, parent_id: str | None) -> RoomEvent:
    """The event shown to ``BEFORE_TTS`` hooks for one sentence of a streamed reply."""
    return RoomEvent(
        room_id=room_id,
        source=EventSource(
            channel_id=channel_id,
            channel_type=ChannelType.AI,
            direction=ChannelDirection.OUTBOUND,
        ),
        content=TextContent(body=text),
        parent_event_id=parent_id,
        metadata={"voice_streamed_sentence": True},
    )
