"""The speaking side of a voice channel: per-session players, interruptions, TTS hooks.

:class:`Speaker` plays utterances to the sessions it serves, cuts them on barge-in,
explicit interruption or disconnect, fires ``AFTER_TTS``, ``ON_BARGE_IN`` and
``ON_TTS_CANCELLED`` (through the ``fire`` callback it is given, which runs hooks in
the background) and leaves an interruption record on the reply event.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from roomkit.models.enums import HookTrigger
from roomkit.voice._notes import EventNotes
from roomkit.voice.backends.base import VoiceBackend
from roomkit.voice.base import VoiceSession
from roomkit.voice.events import BargeInEvent, TTSCancelledEvent, TTSCancelReason
from roomkit.voice.playback import Interruption, SessionPlayer, Utterance

__all__ = ["INTERRUPTION_KEY", "Speaker"]

INTERRUPTION_KEY = "voice_interruption"
"""Event metadata key of the record left by an interrupted reply."""

Spawn = Callable[[Coroutine[Any, Any, None]], None]
Fire = Callable[[HookTrigger, Any], None]
Cut = tuple[Utterance, Interruption]


class Speaker:
    """Plays utterances to sessions one at a time and handles their interruption."""

    def __init__(self, backend: VoiceBackend, *, spawn: Spawn, fire: Fire) -> None:
        self.backend = backend
        self.notes: EventNotes | None = None
        """Writes interruption records; set once the channel joins a kit."""
        self._spawn = spawn
        self._fire = fire
        self._players: dict[str, SessionPlayer] = {}

    # --- sessions -----------------------------------------------------------------------

    def bind(self, session: VoiceSession) -> None:
        """Serve a session (idempotent)."""
        if session.id not in self._players:
            self._players[session.id] = SessionPlayer(session)

    async def unbind(self, session: VoiceSession) -> None:
        """Cut the session's playback and stop serving it."""
        await self.cut(session, "disconnect")
        self._players.pop(session.id, None)

    def sessions(self, room_id: str | None = None) -> list[VoiceSession]:
        """The sessions served, optionally only those of one room."""
        return [
            p.session
            for p in self._players.values()
            if room_id is None or p.session.room_id == room_id
        ]

    def current(self, session: VoiceSession) -> Utterance | None:
        """The utterance being played to the session right now, if any."""
        player = self._players.get(session.id)
        return player.current if player is not None else None

    # --- playing ------------------------------------------------------------------------

    def start(self, utterance: Utterance) -> None:
        """Play an utterance in the background, after the session's earlier ones."""
        self.bind(utterance.session)
        player = self._players[utterance.session.id]
        self._spawn(self._play(player, utterance))

    async def _play(self, player: SessionPlayer, utterance: Utterance) -> None:
        await player.play(utterance)
        if utterance.state == "finished":
            self.after_tts(utterance)
        elif utterance.state == "failed":
            cancelled = TTSCancelledEvent(
                utterance.session, "error", utterance.text, utterance.audio_position_ms
            )
            self._fire(HookTrigger.ON_TTS_CANCELLED, cancelled)

    def after_tts(self, utterance: Utterance) -> None:
        """AFTER_TTS, once, when the utterance played in full and its event is known."""
        event = utterance.event
        if event is None or utterance.state != "finished" or utterance.reported:
            return
        utterance.reported = True
        self._fire(HookTrigger.AFTER_TTS, event)

    # --- interruptions --------------------------------------------------------------

    async def barge_in(self, session: VoiceSession, threshold_ms: int) -> bool:
        """Cut the session's reply if at least ``threshold_ms`` of it was played."""
        current = self.current(session)
        if current is None or current.audio_position_ms < threshold_ms:
            return False
        cuts = await self.cut(session, "barge_in", fire=False)
        for utterance, cut in cuts:
            if utterance is current:
                barge = BargeInEvent(session, cut.interrupted_text, cut.audio_position_ms)
                self._fire(HookTrigger.ON_BARGE_IN, barge)
        self._fire_cancelled(cuts)
        return True

    async def cut(
        self, session: VoiceSession, reason: TTSCancelReason, *, fire: bool = True
    ) -> list[Cut]:
        """Interrupt every utterance of the session and cancel the backend's playback."""
        player = self._players.get(session.id)
        cuts: list[Cut] = []
        for utterance in player.pending() if player is not None else []:
            cut = utterance.interrupt(reason)
            if cut is not None:
                cuts.append((utterance, cut))
        if cuts or self.backend.is_playing(session):
            await self.backend.cancel_audio(session)
        for utterance, _ in cuts:
            self.note_interruption(utterance)
        if fire:
            self._fire_cancelled(cuts)
        return cuts

    def _fire_cancelled(self, cuts: list[Cut]) -> None:
        for utterance, cut in cuts:
            cancelled = TTSCancelledEvent(
                utterance.session, cut.reason, utterance.text, cut.audio_position_ms
            )
            self._fire(HookTrigger.ON_TTS_CANCELLED, cancelled)

    def note_interruption(self, utterance: Utterance) -> None:
        """Record a cut on the reply event, once both the cut and the event are known."""
        cut, event, notes = utterance.interruption, utterance.event, self.notes
        if cut is None or event is None or notes is None:
            return
        record = cut.as_metadata(utterance.session.id)
        self._spawn(notes.note(event.room_id, event.id, INTERRUPTION_KEY, record))
