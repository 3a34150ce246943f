"""Helpers for the voice-channel tests: a controllable streaming model and a voice room.

Import them as ``from voice_support import ...`` (``tests/voice`` is on the path).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from roomkit import AIChannel, HookExecution, HookTrigger, RoomKit
from roomkit.channels.voice import VoiceChannel
from roomkit.models.ai import AIContext, AIResponse
from roomkit.providers.ai.base import AIProvider
from roomkit.voice import MockSTTProvider, MockTTSProvider, MockVoiceBackend, VoiceSession
from roomkit.voice.streaming import VoiceStreamingProvider

REPLY = ["Sunny today. ", "Warm ", "too! ", "See you."]
"""The deltas of the default streamed reply: three sentences."""


class ScriptedModel(AIProvider):
    """Streams scripted deltas; ``hold(i)`` makes the stream wait before delta ``i``.

    ``generate`` answers the joined deltas. ``stream_closed`` counts streams that were
    closed (run to the end or stopped early); ``yielded`` counts deltas handed out.
    """

    def __init__(self, deltas: list[str] | None = None, *, fail_at: int | None = None) -> None:
        self.deltas = list(REPLY if deltas is None else deltas)
        self.fail_at = fail_at
        self.gates: dict[int, asyncio.Event] = {}
        self.waiting: dict[int, asyncio.Event] = {}
        self.generate_calls: list[AIContext] = []
        self.stream_calls: list[AIContext] = []
        self.yielded = 0
        self.stream_closed = 0

    @property
    def model_name(self) -> str:
        return "scripted"

    def hold(self, index: int) -> asyncio.Event:
        """Make the stream wait before delta ``index``; set the returned event to go on."""
        self.gates[index] = asyncio.Event()
        self.waiting[index] = asyncio.Event()
        return self.gates[index]

    async def generate(self, context: AIContext) -> AIResponse:
        self.generate_calls.append(context)
        return AIResponse(content="".join(self.deltas), finish_reason="stop")

    async def generate_stream(self, context: AIContext) -> AsyncIterator[str]:
        self.stream_calls.append(context)
        try:
            for index, delta in enumerate(self.deltas):
                if index in self.gates:
                    self.waiting[index].set()
                    await self.gates[index].wait()
                if index == self.fail_at:
                    raise RuntimeError("model stream broke")
                self.yielded += 1
                yield delta
        finally:
            self.stream_closed += 1


@dataclass
class HookLog:
    """Records every voice hook call as ``(trigger, event)``."""

    calls: list[tuple[HookTrigger, Any]] = field(default_factory=list)

    def of(self, trigger: HookTrigger) -> list[Any]:
        """The events one trigger received, in order."""
        return [event for t, event in self.calls if t is trigger]

    def install(self, kit: RoomKit, *triggers: HookTrigger) -> None:
        """Register an async recording hook for each trigger."""
        for trigger in triggers:

            async def record(event: Any, _ctx: Any, trigger: HookTrigger = trigger) -> None:
                self.calls.append((trigger, event))

            kit.hook(trigger, execution=HookExecution.ASYNC, name=f"log_{trigger}")(record)


@dataclass
class VoiceRoom:
    """A kit with a voice channel, an AI channel and one connected caller."""

    kit: RoomKit
    voice: VoiceChannel
    backend: MockVoiceBackend
    stt: MockSTTProvider
    tts: MockTTSProvider
    model: ScriptedModel
    room_id: str
    session: VoiceSession

    async def say(self, audio: bytes = b"\x01\x00" * 1600) -> None:
        """The caller speaks one utterance; wait for the whole turn and its playback."""
        await self.backend.simulate_speech_start(self.session)
        await self.backend.simulate_speech_end(self.session, audio)
        await self.voice.wait_idle()

    async def texts(self) -> list[tuple[str, str]]:
        """The room's messages as ``(channel id, text)``."""
        events = await self.kit.store.list_events(self.room_id)
        return [
            (e.source.channel_id, getattr(e.content, "body", ""))
            for e in events
            if e.type == "message"
        ]


async def build_voice_room(
    kit: RoomKit,
    *,
    streaming: bool = True,
    model: ScriptedModel | None = None,
    backend: MockVoiceBackend | None = None,
    **voice_options: Any,
) -> VoiceRoom:
    """Register ``voice`` and ``ai`` channels, create a room and connect ``caller``."""
    backend = backend or MockVoiceBackend()
    stt = MockSTTProvider(["What is the weather?"])
    tts = MockTTSProvider()
    model = model or ScriptedModel()
    voice = VoiceChannel("voice", backend=backend, stt=stt, tts=tts, **voice_options)
    kit.register_channel(voice)
    provider: AIProvider = VoiceStreamingProvider(model, voice) if streaming else model
    kit.register_channel(AIChannel("ai", provider=provider))
    room = await kit.create_room()
    await kit.attach_channel(room.id, "ai")
    session = await kit.connect_voice(room.id, "caller", "voice")
    return VoiceRoom(kit, voice, backend, stt, tts, model, room.id, session)


async def until(condition: Callable[[], bool], *, turns: int = 2000) -> None:
    """Let other tasks run (no clock involved) until ``condition()`` holds."""
    for _ in range(turns):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("condition never became true")


def played_ms(room: VoiceRoom) -> int:
    """Audio of the current reply handed to the backend so far (0 when silent)."""
    utterance = room.voice.speaking(room.session)
    return 0 if utterance is None else utterance.audio_position_ms
