"""GeminiLiveProvider: whether Gemini itself cuts the model when the participant talks."""

from __future__ import annotations

from typing import Any

import pytest

from roomkit.providers.gemini._live_wire import activity_detection
from roomkit.providers.gemini.live import GeminiLiveProvider
from roomkit.voice.realtime import RealtimeSession
from tests.providers.gemini.live_server import FakeGemini

NO_INTERRUPTION = {"realtimeInputConfig": {"activityHandling": "NO_INTERRUPTION"}}
MANUAL = {"realtimeInputConfig": {"automaticActivityDetection": {"disabled": True}}}


@pytest.mark.parametrize(
    ("options", "interrupts"),
    [
        ({}, True),
        ({"provider_config": {"realtimeInputConfig": {"activityHandling": "X"}}}, True),
        ({"server_vad": False}, False),
        ({"provider_config": NO_INTERRUPTION}, False),
        ({"provider_config": MANUAL}, False),
    ],
)
async def test_gemini_cuts_its_turn_only_under_its_own_activity_detection(
    provider: GeminiLiveProvider,
    session: RealtimeSession,
    options: dict[str, Any],
    interrupts: bool,
) -> None:
    assert provider.interrupts_on_speech is True
    await provider.connect(session, **options)

    assert provider.interrupts_on_speech_for(session) is interrupts
    await provider.disconnect(session)
    assert provider.interrupts_on_speech_for(session) is True  # not connected: the default


async def test_activity_detection_disabled_by_provider_config_means_manual_turns(
    fake: FakeGemini, provider: GeminiLiveProvider, session: RealtimeSession
) -> None:
    await provider.connect(session, provider_config=MANUAL)

    await provider.start_activity(session)
    await provider.end_activity(session)

    assert fake.setups[0]["setup"]["realtimeInputConfig"] == MANUAL["realtimeInputConfig"]
    assert [await fake.next() for _ in range(2)] == [
        {"realtimeInput": {"activityStart": {}}},
        {"realtimeInput": {"activityEnd": {}}},
    ]


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ({}, (False, True)),
        ({"setup": "not an object"}, (False, True)),
        ({"setup": {"realtimeInputConfig": ["bogus"]}}, (False, True)),
        ({"setup": {"realtimeInputConfig": {"automaticActivityDetection": True}}}, (False, True)),
        ({"setup": MANUAL}, (True, False)),
        ({"setup": NO_INTERRUPTION}, (False, False)),
    ],
)
def test_activity_detection_reads_the_final_setup(
    setup: dict[str, Any], expected: tuple[bool, bool]
) -> None:
    assert activity_detection(setup) == expected
