"""VoiceBackend defaults and the callback dispatch it gives every backend."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any
from unittest.mock import create_autospec

import pytest

from roomkit.voice import (
    AudioChunk,
    SpeechEndCallback,
    SpeechStartCallback,
    VoiceBackend,
    VoiceCapability,
    VoiceSession,
)

SESSION = VoiceSession(id="s1", room_id="r1", participant_id="p1", channel_id="c1")


class MinimalBackend(VoiceBackend):
    """Implements only what the contract requires."""

    @property
    def name(self) -> str:
        return "minimal"

    async def connect(
        self,
        room_id: str,
        participant_id: str,
        channel_id: str,
        *,
        metadata: dict[str, Any] | None = None,
    ) -> VoiceSession:
        return VoiceSession("s1", room_id, participant_id, channel_id)

    async def disconnect(self, session: VoiceSession) -> None:
        return None

    def on_speech_start(self, callback: SpeechStartCallback) -> None:
        self._speech_start_callbacks.append(callback)

    def on_speech_end(self, callback: SpeechEndCallback) -> None:
        self._speech_end_callbacks.append(callback)

    async def send_audio(
        self, session: VoiceSession, audio: bytes | AsyncIterator[AudioChunk]
    ) -> None:
        return None


async def test_optional_methods_have_inert_defaults() -> None:
    backend = MinimalBackend()
    assert backend.capabilities is VoiceCapability.NONE
    await backend.send_transcription(SESSION, "hi", role="assistant")
    assert await backend.cancel_audio(SESSION) is False
    assert backend.is_playing(SESSION) is False
    await backend.close()


def test_required_methods_are_abstract() -> None:
    with pytest.raises(TypeError, match="send_audio"):
        VoiceBackend()  # type: ignore[abstract]


async def test_each_kind_of_callback_reaches_its_own_listeners() -> None:
    backend = MinimalBackend()
    seen: list[tuple[Any, ...]] = []

    async def record(*args: Any) -> None:
        seen.append(args)

    backend.on_speech_start(record)
    backend.on_speech_end(record)
    backend.on_partial_transcription(record)
    backend.on_vad_silence(record)
    backend.on_vad_audio_level(record)
    backend.on_barge_in(record)

    await backend._fire_speech_start(SESSION)
    await backend._fire_speech_end(SESSION, b"pcm")
    await backend._fire_partial_transcription(SESSION, "hel", 0.5, False)
    await backend._fire_vad_silence(SESSION, 600)
    await backend._fire_vad_audio_level(SESSION, -40.0, False)
    await backend._fire_barge_in(SESSION)

    assert seen == [
        (SESSION,),
        (SESSION, b"pcm"),
        (SESSION, "hel", 0.5, False),
        (SESSION, 600),
        (SESSION, -40.0, False),
        (SESSION,),
    ]


async def test_callbacks_run_in_order_and_a_failure_does_not_stop_the_rest(
    caplog: pytest.LogCaptureFixture,
) -> None:
    backend = MinimalBackend()
    order: list[str] = []

    async def first(session: VoiceSession) -> None:
        order.append("first")
        raise RuntimeError("boom")

    async def second(session: VoiceSession) -> None:
        order.append("second")

    backend.on_barge_in(first)
    backend.on_barge_in(second)
    with caplog.at_level(logging.ERROR, logger="roomkit.voice.backends"):
        await backend._fire_barge_in(SESSION)

    assert order == ["first", "second"]
    assert "barge_in callback" in caplog.text
    assert "boom" in caplog.text


async def test_firing_without_listeners_is_harmless() -> None:
    await MinimalBackend()._fire_speech_end(SESSION, b"")


async def test_a_subclass_with_its_own_init_still_keeps_callbacks() -> None:
    class OwnInit(MinimalBackend):
        def __init__(self, label: str) -> None:  # does not call super().__init__()
            self.label = label

    first, second = OwnInit("a"), OwnInit("b")
    seen: list[str] = []

    async def record(session: VoiceSession) -> None:
        seen.append(session.id)

    first.on_barge_in(record)
    first.on_speech_start(record)
    await first._fire_barge_in(SESSION)
    await first._fire_speech_start(SESSION)
    await second._fire_barge_in(SESSION)  # its own, empty lists
    assert seen == ["s1", "s1"]
    assert second._barge_in_callbacks == []


def test_a_backend_class_can_be_autospecced() -> None:
    spec = create_autospec(MinimalBackend, instance=True)
    assert VoiceBackend._barge_in_callbacks == []
    spec.on_barge_in(lambda session: None)
    spec.on_barge_in.assert_called_once()
