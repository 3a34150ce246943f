"""The realtime voice events module: the signatures of what a session reports."""

from __future__ import annotations

import typing

import roomkit.voice.realtime as realtime
from roomkit.voice.realtime import MockRealtimeProvider, RealtimeRole, RealtimeSession, events


def test_the_package_exports_every_event_signature_of_the_events_module() -> None:
    assert sorted(events.__all__) == sorted(
        name for name in realtime.__all__ if name.endswith("Callback")
    )
    for name in events.__all__:
        assert getattr(realtime, name) is getattr(events, name)


def test_each_signature_takes_the_session_first() -> None:
    for name in events.__all__:
        parameters, _ = typing.get_args(getattr(events, name))
        assert parameters[0] is RealtimeSession, name


async def test_a_provider_calls_back_with_the_signature_it_declares() -> None:
    provider = MockRealtimeProvider()
    seen: list[tuple[RealtimeSession, str, str, bool]] = []

    async def on_transcription(
        session: RealtimeSession, text: str, role: RealtimeRole, final: bool
    ) -> None:
        seen.append((session, text, role, final))

    handler: events.RealtimeTranscriptionCallback = on_transcription
    provider.on_transcription(handler)
    session = RealtimeSession(room_id="r", participant_id="p", channel_id="rt")
    await provider.simulate_transcription(session, "hello", role="assistant", is_final=False)
    assert seen == [(session, "hello", "assistant", False)]
