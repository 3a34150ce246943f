"""VoiceChannel: live speech in a room, through a voice backend, STT and TTS.

Listening: the backend reports the end of an utterance; the channel transcribes it,
runs the ``ON_TRANSCRIPTION`` hooks (which may rewrite or block it), shows the line to
the speaker (``send_transcription``) and puts it into the room with
``kit.process_inbound``, like any inbound message. Speaking: every text message that
reaches the channel (the AI's answer, or a message from another channel) goes through
the ``BEFORE_TTS`` hooks and is spoken to the room's voice sessions sentence by
sentence (:mod:`roomkit.voice.playback`); ``AFTER_TTS`` hooks run once it was played.
With :class:`~roomkit.voice.streaming.VoiceStreamingProvider` around the AI provider,
an answer is spoken while it is generated.

Barge-in: when a participant starts speaking over at least ``barge_in_threshold_ms``
of played audio, playback is cut (queued replies are dropped too), the backend's
``cancel_audio`` is called, then ``ON_BARGE_IN`` and ``ON_TTS_CANCELLED`` hooks run
and the reply event gets a ``metadata["voice_interruption"]`` record of what was heard.

Turns and playback run in background tasks so the backend's audio loop is never held
up; :meth:`VoiceChannel.wait_idle` waits for them (handy in tests). Audio handed over
at speech end is taken as 16-bit mono PCM at ``session.metadata["input_sample_rate"]``
(16 kHz when absent). Voice hooks other than ``ON_TRANSCRIPTION``/``BEFORE_TTS`` are
async hooks receiving the voice event objects of :mod:`roomkit.voice.events`.
"""

from __future__ import annotations

import logging
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from roomkit._concurrency import BackgroundTasks
from roomkit.channels._inbound import inbound_event
from roomkit.channels.base import Channel, content_text
from roomkit.errors import ConfigurationError
from roomkit.models.channel import ChannelBinding, ChannelCapabilities, ChannelOutput
from roomkit.models.context import RoomContext
from roomkit.models.delivery import InboundMessage
from roomkit.models.enums import (
    ChannelCategory,
    ChannelDirection,
    ChannelMediaType,
    ChannelType,
    EventType,
    HookTrigger,
    VoiceSessionState,
)
from roomkit.models.event import RoomEvent
from roomkit.voice._hooks import VoiceHooks
from roomkit.voice._notes import EventNotes
from roomkit.voice._speaker import Speaker
from roomkit.voice._turns import Turn, Turns, sentence_event, transcription_event
from roomkit.voice.backends.base import VoiceBackend
from roomkit.voice.base import AudioChunk, VoiceSession
from roomkit.voice.events import (
    PartialTranscriptionEvent,
    SpeechEndEvent,
    SpeechStartEvent,
    TTSCancelReason,
    VADAudioLevelEvent,
    VADSilenceEvent,
)
from roomkit.voice.playback import Utterance
from roomkit.voice.sentences import split_sentences
from roomkit.voice.streaming import ReplyStream
from roomkit.voice.stt.base import STTProvider
from roomkit.voice.tts.base import TTSProvider

if TYPE_CHECKING:
    from roomkit.core.framework import RoomKit
    from roomkit.providers.ai.base import AIProvider

__all__ = ["VoiceChannel"]

logger = logging.getLogger("roomkit.channels.voice")

_TURN_KEY = "_voice_turn"
"""Inbound-message metadata key linking a transcription to its turn (removed again)."""


class VoiceChannel(Channel):
    """A real-time voice line: speech in through STT, replies out through TTS."""

    channel_type = ChannelType.VOICE
    category = ChannelCategory.TRANSPORT
    direction = ChannelDirection.BIDIRECTIONAL

    def __init__(
        self,
        channel_id: str,
        *,
        backend: VoiceBackend,
        stt: STTProvider | None = None,
        tts: TTSProvider | None = None,
        voice: str | None = None,
        enable_barge_in: bool = True,
        barge_in_threshold_ms: int = 200,
    ) -> None:
        super().__init__(channel_id)
        if barge_in_threshold_ms < 0:
            raise ConfigurationError("barge_in_threshold_ms must not be negative")
        self.backend = backend
        self.stt = stt
        self.tts = tts
        self.voice = voice
        """TTS voice used unless a BEFORE_TTS hook sets ``metadata["tts_voice"]``."""
        self.enable_barge_in = enable_barge_in
        self.barge_in_threshold_ms = barge_in_threshold_ms
        self._kit: RoomKit | None = None
        self._hooks: VoiceHooks | None = None
        self._notes: EventNotes | None = None
        self._speaker = Speaker(backend, spawn=self._spawn, fire=self._fire)
        self._turns = Turns()
        self._tasks = BackgroundTasks(logger, f"voice channel {channel_id!r}")
        backend.on_speech_start(self._on_speech_start)
        backend.on_speech_end(self._on_speech_end)
        backend.on_partial_transcription(self._on_partial_transcription)
        backend.on_vad_silence(self._on_vad_silence)
        backend.on_vad_audio_level(self._on_vad_audio_level)
        backend.on_barge_in(self._on_barge_in)

    # --- kit and sessions -----------------------------------------------------------

    def on_register(self, kit: RoomKit) -> None:
        """Called by ``kit.register_channel``: the kit runs this channel's hooks and turns."""
        if self._kit is kit:
            return
        if self._kit is not None:
            raise ConfigurationError(f"voice channel {self.channel_id!r} is in another kit")
        self._kit = kit
        self._hooks = VoiceHooks(kit)
        self._notes = self._speaker.notes = EventNotes(kit.store)
        kit.on("event_processed")(self._notes.on_processed)

    def bind_session(self, session: VoiceSession) -> None:
        """Start serving a session (``kit.connect_voice`` calls this)."""
        self._speaker.bind(session)

    async def unbind_session(self, session: VoiceSession) -> None:
        """Stop serving a session, cutting its playback (``kit.disconnect_voice``)."""
        await self._speaker.unbind(session)

    def sessions(self, room_id: str | None = None) -> list[VoiceSession]:
        """The sessions this channel serves, optionally only those of one room."""
        return self._speaker.sessions(room_id)

    def speaking(self, session: VoiceSession) -> Utterance | None:
        """What is being said to the session right now (text, audio position), if anything."""
        return self._speaker.current(session)

    def _serves(self, session: VoiceSession) -> bool:
        """Whether a backend callback is for us; adopts sessions connected directly."""
        if session.channel_id != self.channel_id:
            return False  # a backend shared by several voice channels
        if session.state is VoiceSessionState.ENDED:
            return False
        self.bind_session(session)
        return True

    # --- Channel contract --------------------------------------------------------------

    def capabilities(self) -> ChannelCapabilities:
        """Text (spoken through TTS) and audio."""
        return ChannelCapabilities(
            media_types=[ChannelMediaType.TEXT, ChannelMediaType.AUDIO], supports_audio=True
        )

    async def handle_inbound(self, message: InboundMessage, context: RoomContext) -> RoomEvent:
        """Build the room event of a transcription (or any message sent on this channel)."""
        metadata = dict(message.metadata)
        turn_id = metadata.pop(_TURN_KEY, None)
        event = inbound_event(
            message.model_copy(update={"metadata": metadata}),
            context,
            channel_id=self.channel_id,
            channel_type=self.channel_type,
            provider=self.backend.name,
        )
        self._turns.link(turn_id, event.id)
        return event

    async def deliver(
        self, event: RoomEvent, binding: ChannelBinding, context: RoomContext
    ) -> ChannelOutput:
        """Speak a text message to the room's voice sessions."""
        if self._notes is not None:
            self._notes.delivered(event.room_id, event.id)
        if event.type is not EventType.MESSAGE:
            return ChannelOutput.empty()
        if self._attach_streamed_reply(event):
            return ChannelOutput.empty()
        sessions = self.sessions(event.room_id)
        if not sessions or not content_text(event.content).strip():
            return ChannelOutput.empty()
        spoken = event
        if self._hooks is not None:
            rewritten, _ = await self._hooks.run_sync(HookTrigger.BEFORE_TTS, event, context)
            if rewritten is None:
                return ChannelOutput.empty()
            spoken = rewritten
        text = content_text(spoken.content).strip()
        voice = spoken.metadata.get("tts_voice", self.voice)
        for session in sessions:
            if self.tts is not None and text:
                utterance = self._utterance(session, voice=voice, event=event)
                for sentence in split_sentences(text):
                    utterance.add(sentence)
                utterance.close()
                self._speaker.start(utterance)
            await self.backend.send_transcription(session, text, "assistant")
        return ChannelOutput.empty()

    async def close(self) -> None:
        """Cancel running turns and playback, then close the backend, STT and TTS."""
        await self._tasks.cancel()
        for resource in (self.backend, self.stt, self.tts):
            if resource is not None:
                await resource.close()

    async def wait_idle(self) -> None:
        """Wait until no turn, playback or voice hook of this channel is running."""
        await self._tasks.wait()

    # --- listening ----------------------------------------------------------------------

    async def _on_speech_start(self, session: VoiceSession) -> None:
        if not self._serves(session):
            return
        if self.enable_barge_in:
            await self._speaker.barge_in(session, self.barge_in_threshold_ms)
        self._fire(HookTrigger.ON_SPEECH_START, SpeechStartEvent(session))

    async def _on_speech_end(self, session: VoiceSession, audio: bytes) -> None:
        if not self._serves(session):
            return
        rate = session.metadata.get("input_sample_rate", 16000)
        chunk = AudioChunk(data=audio, sample_rate=int(rate), is_final=True)
        self._fire(HookTrigger.ON_SPEECH_END, SpeechEndEvent(session, chunk))
        self._spawn(self._turn(session, chunk))

    async def _turn(self, session: VoiceSession, audio: AudioChunk) -> None:
        """Speech end -> STT -> ON_TRANSCRIPTION -> the room (whose AI may answer)."""
        kit, hooks = self._kit, self._hooks
        if kit is None or hooks is None or self.stt is None:
            logger.warning("voice channel %r needs a kit and an STT provider", self.channel_id)
            return
        try:
            text = (await self.stt.transcribe(audio)).strip()
        except Exception as exc:
            logger.warning("speech-to-text failed for session %s: %r", session.id, exc)
            return
        if not text:
            return
        said = transcription_event(self.channel_id, self.backend.name, session, text, audio)
        event, _ = await hooks.run_sync(HookTrigger.ON_TRANSCRIPTION, said)
        if event is None:
            return
        await self.backend.send_transcription(session, content_text(event.content), "user")
        turn = self._turns.open(session)
        metadata = {**event.metadata, _TURN_KEY: turn.id}
        try:
            await kit.process_inbound(
                InboundMessage(
                    channel_id=self.channel_id,
                    sender_id=session.participant_id,
                    content=event.content,
                    metadata=metadata,
                ),
                room_id=session.room_id,
            )
        finally:
            self._turns.close(turn)
            if turn.stream is not None:
                await turn.stream.finish(complete=False)

    async def _on_partial_transcription(
        self, session: VoiceSession, text: str, confidence: float, is_stable: bool
    ) -> None:
        if self._serves(session):
            event = PartialTranscriptionEvent(session, text, confidence, is_stable)
            self._fire(HookTrigger.ON_PARTIAL_TRANSCRIPTION, event)

    async def _on_vad_silence(self, session: VoiceSession, silence_duration_ms: int) -> None:
        if self._serves(session):
            self._fire(HookTrigger.ON_VAD_SILENCE, VADSilenceEvent(session, silence_duration_ms))

    async def _on_vad_audio_level(
        self, session: VoiceSession, level_db: float, is_speech: bool
    ) -> None:
        if self._serves(session):
            event = VADAudioLevelEvent(session, level_db, is_speech)
            self._fire(HookTrigger.ON_VAD_AUDIO_LEVEL, event)

    async def _on_barge_in(self, session: VoiceSession) -> None:
        if self._serves(session) and self.enable_barge_in:
            await self._speaker.barge_in(session, self.barge_in_threshold_ms)

    # --- speaking -----------------------------------------------------------------------

    def _utterance(
        self, session: VoiceSession, *, voice: Any = None, event: RoomEvent | None = None
    ) -> Utterance:
        if self.tts is None:
            raise ConfigurationError(f"voice channel {self.channel_id!r} has no TTS provider")
        return Utterance(
            session,
            tts=self.tts,
            backend=self.backend,
            voice=voice if isinstance(voice, str) else self.voice,
            event=event,
        )

    def claim_reply_stream(self, room: RoomContext, provider: AIProvider) -> ReplyStream | None:
        """Give a streaming provider the voice turn its reply answers, if there is one.

        Used by :class:`~roomkit.voice.streaming.VoiceStreamingProvider`; returns
        ``None`` (generate normally) outside a voice turn or when nobody listens.
        """
        room_id = room.room.id
        turn = self._turns.claimable(room_id)
        sessions = self.sessions(room_id)
        if turn is None or not sessions or self.tts is None:
            return None
        channel_id = self._channel_of(provider)
        stream = ReplyStream(
            [self._utterance(session) for session in sessions],
            channel_id=channel_id,
            sentence_filter=lambda text: self._filter_sentence(room, turn, channel_id, text),
        )
        turn.stream = stream
        for utterance in stream.utterances:
            self._speaker.start(utterance)
        return stream

    def _channel_of(self, provider: AIProvider) -> str | None:
        kit = self._kit
        channels = kit.list_channels() if kit is not None else []
        return next(
            (c.channel_id for c in channels if getattr(c, "provider", None) is provider), None
        )

    async def _filter_sentence(
        self, room: RoomContext, turn: Turn, channel_id: str | None, text: str
    ) -> str | None:
        """BEFORE_TTS for one streamed sentence, seen as a message from the AI channel."""
        if self._hooks is None:
            return text
        source_id = channel_id or self.channel_id
        sentence = sentence_event(room.room.id, source_id, text, turn.inbound_event_id)
        rewritten, _ = await self._hooks.run_sync(HookTrigger.BEFORE_TTS, sentence, room)
        return None if rewritten is None else content_text(rewritten.content).strip()

    def _attach_streamed_reply(self, event: RoomEvent) -> bool:
        """If ``event`` is a reply already spoken while streamed, link it and say so."""
        stream = self._turns.streamed_reply(event)
        if stream is None:
            return False
        text = content_text(event.content)
        for utterance in stream.utterances:
            utterance.event = event
            self._speaker.note_interruption(utterance)
            self._speaker.after_tts(utterance)
            self._spawn(self.backend.send_transcription(utterance.session, text, "assistant"))
        return True

    # --- interruptions --------------------------------------------------------------

    async def interrupt(self, session: VoiceSession, reason: TTSCancelReason = "explicit") -> bool:
        """Stop what is being said to the session; return whether anything was cut."""
        return bool(await self._speaker.cut(session, reason))

    # --- background work ------------------------------------------------------------

    def _fire(self, trigger: HookTrigger, event: Any) -> None:
        """Run async hooks for a voice event in the background (if any are registered)."""
        hooks = self._hooks
        if hooks is not None and hooks.has(trigger, event.room_id):
            self._spawn(hooks.run_async(trigger, event))

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        self._tasks.spawn(work)
