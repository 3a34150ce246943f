"""An in-memory voice backend for tests: records what is sent, simulates what is heard."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from roomkit.errors import NotFoundError
from roomkit.models._util import new_id
from roomkit.models.enums import VoiceSessionState
from roomkit.voice.backends.base import VoiceBackend
from roomkit.voice.base import (
    AudioChunk,
    SpeechEndCallback,
    SpeechStartCallback,
    VoiceCapability,
    VoiceSession,
)

__all__ = ["MockVoiceBackend", "MockVoiceCall"]


@dataclass
class MockVoiceCall:
    """One call received by :class:`MockVoiceBackend`.

    ``method`` is ``connect``, ``disconnect``, ``send_audio``, ``send_transcription`` or
    ``cancel_audio``. For ``send_audio`` the ``args`` hold ``audio`` (the bytes played,
    complete once the call returns), ``streamed``, ``chunks`` and ``cancelled``.
    """

    method: str
    session_id: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Playback:
    task: asyncio.Task[None]
    call: MockVoiceCall
    interrupted: bool = False


async def _one_chunk(audio: bytes) -> AsyncIterator[AudioChunk]:
    yield AudioChunk(data=audio, is_final=True)


class MockVoiceBackend(VoiceBackend):
    """A voice backend with no network: sessions live in memory and calls are recorded.

    Audio passed to ``send_audio`` (raw bytes or a chunk stream) is "played" by reading
    it; while that lasts ``is_playing`` is true and ``cancel_audio`` can stop it. When
    ``playback_gate`` is set, each chunk waits for that event before it counts as played,
    so a test can hold playback open. ``capabilities`` is only what the backend
    advertises: every ``simulate_*`` driver and ``cancel_audio`` work regardless.
    """

    def __init__(
        self,
        capabilities: VoiceCapability = VoiceCapability.NONE,
        *,
        playback_gate: asyncio.Event | None = None,
    ) -> None:
        super().__init__()
        self._capabilities = capabilities
        self.playback_gate = playback_gate
        self.sessions: dict[str, VoiceSession] = {}
        self.calls: list[MockVoiceCall] = []
        self.closed = False
        self._sent: dict[str, bytearray] = {}
        self._playing: dict[str, list[_Playback]] = {}

    @property
    def name(self) -> str:
        """Backend name used in logs."""
        return "mock"

    @property
    def capabilities(self) -> VoiceCapability:
        """The capabilities given to the constructor."""
        return self._capabilities

    async def connect(
        self,
        room_id: str,
        participant_id: str,
        channel_id: str,
        *,
        metadata: dict[str, Any] | None = None,
    ) -> VoiceSession:
        """Create an ACTIVE session and keep it in ``sessions``."""
        session = VoiceSession(
            id=new_id(),
            room_id=room_id,
            participant_id=participant_id,
            channel_id=channel_id,
            state=VoiceSessionState.ACTIVE,
            metadata=dict(metadata or {}),
        )
        self.sessions[session.id] = session
        self.calls.append(
            MockVoiceCall(
                "connect",
                session.id,
                {"room_id": room_id, "participant_id": participant_id, "channel_id": channel_id},
            )
        )
        return session

    async def disconnect(self, session: VoiceSession) -> None:
        """Stop the session's playback, mark it ENDED and forget it."""
        self.calls.append(MockVoiceCall("disconnect", session.id))
        await self._stop_playback(session.id)
        session.state = VoiceSessionState.ENDED
        self.sessions.pop(session.id, None)

    def on_speech_start(self, callback: SpeechStartCallback) -> None:
        """Register a callback run by :meth:`simulate_speech_start`."""
        self._speech_start_callbacks.append(callback)

    def on_speech_end(self, callback: SpeechEndCallback) -> None:
        """Register a callback run by :meth:`simulate_speech_end`."""
        self._speech_end_callbacks.append(callback)

    async def send_audio(
        self, session: VoiceSession, audio: bytes | AsyncIterator[AudioChunk]
    ) -> None:
        """Play ``audio`` to a connected session; returns when done or cancelled.

        Raises :class:`~roomkit.errors.NotFoundError` for a session that is not connected.
        """
        self._require(session)
        streamed = not isinstance(audio, bytes)
        call = MockVoiceCall(
            "send_audio",
            session.id,
            {"audio": b"", "streamed": streamed, "chunks": 0, "cancelled": False},
        )
        self.calls.append(call)
        stream = _one_chunk(audio) if isinstance(audio, bytes) else audio
        playback = _Playback(asyncio.create_task(self._play(session.id, stream, call)), call)
        playing = self._playing.setdefault(session.id, [])
        playing.append(playback)
        try:
            await playback.task
        except asyncio.CancelledError:
            current = asyncio.current_task()
            outer_cancelled = current is not None and current.cancelling() > 0
            if outer_cancelled or not playback.interrupted:
                raise
        finally:
            playing.remove(playback)
            aclose = getattr(stream, "aclose", None)
            if aclose is not None:
                await aclose()

    async def _play(
        self, session_id: str, stream: AsyncIterator[AudioChunk], call: MockVoiceCall
    ) -> None:
        played = bytearray()
        total = self._sent.setdefault(session_id, bytearray())
        try:
            async for chunk in stream:
                if self.playback_gate is not None:
                    await self.playback_gate.wait()
                played += chunk.data
                total += chunk.data
                call.args["chunks"] += 1
        except asyncio.CancelledError:
            call.args["cancelled"] = True
            raise
        finally:
            call.args["audio"] = bytes(played)

    async def send_transcription(
        self, session: VoiceSession, text: str, role: str = "user"
    ) -> None:
        """Record the transcript line."""
        self.calls.append(
            MockVoiceCall("send_transcription", session.id, {"text": text, "role": role})
        )

    async def cancel_audio(self, session: VoiceSession) -> bool:
        """Stop every playback in progress for the session; True if there was one."""
        was_playing = self.is_playing(session)
        self.calls.append(MockVoiceCall("cancel_audio", session.id, {"was_playing": was_playing}))
        await self._stop_playback(session.id)
        return was_playing

    def is_playing(self, session: VoiceSession) -> bool:
        """Whether a ``send_audio`` for the session is still in progress."""
        return any(not p.task.done() for p in self._playing.get(session.id, []))

    async def _stop_playback(self, session_id: str) -> None:
        active = [p for p in self._playing.get(session_id, []) if not p.task.done()]
        for playback in active:
            playback.interrupted = True
            playback.call.args["cancelled"] = True
            playback.task.cancel()
        current = asyncio.current_task()
        waiting = [p.task for p in active if p.task is not current]
        if waiting:
            await asyncio.wait(waiting)

    def sent_audio(self, session: VoiceSession) -> bytes:
        """All audio bytes played to the session so far, across every ``send_audio``."""
        return bytes(self._sent.get(session.id, b""))

    def calls_of(self, method: str) -> list[MockVoiceCall]:
        """The recorded calls of one method, in order."""
        return [call for call in self.calls if call.method == method]

    async def close(self) -> None:
        """Stop all playback, end every session and mark the backend closed."""
        for session in list(self.sessions.values()):
            await self._stop_playback(session.id)
            session.state = VoiceSessionState.ENDED
        self.sessions.clear()
        self.closed = True

    def _require(self, session: VoiceSession) -> None:
        if session.id not in self.sessions:
            raise NotFoundError(f"voice session {session.id!r} is not connected")

    async def simulate_speech_start(self, session: VoiceSession) -> None:
        """Act as if VAD heard the participant start speaking."""
        await self._fire_speech_start(session)

    async def simulate_speech_end(self, session: VoiceSession, audio: bytes) -> None:
        """Act as if the participant finished an utterance made of ``audio``."""
        await self._fire_speech_end(session, audio)

    async def simulate_partial_transcription(
        self,
        session: VoiceSession,
        text: str,
        confidence: float = 1.0,
        is_stable: bool = False,
    ) -> None:
        """Act as if an interim transcription arrived."""
        await self._fire_partial_transcription(session, text, confidence, is_stable)

    async def simulate_vad_silence(self, session: VoiceSession, silence_duration_ms: int) -> None:
        """Act as if VAD measured silence after speech."""
        await self._fire_vad_silence(session, silence_duration_ms)

    async def simulate_audio_level(
        self, session: VoiceSession, level_db: float, is_speech: bool = True
    ) -> None:
        """Act as if VAD reported the input level."""
        await self._fire_vad_audio_level(session, level_db, is_speech)

    async def simulate_barge_in(self, session: VoiceSession) -> None:
        """Act as if the participant spoke over the audio being played."""
        await self._fire_barge_in(session)
