"""Fixtures of the OpenAI Realtime tests: a loopback server and a provider connected to it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from roomkit.providers.openai import OpenAIRealtimeProvider
from roomkit.voice.realtime import RealtimeSession
from tests.providers.openai.realtime_support import Calls, FakeRealtime


@pytest.fixture
async def fake() -> AsyncIterator[FakeRealtime]:
    """A running loopback Realtime server."""
    server = FakeRealtime()
    async with server.ws:
        yield server


@pytest.fixture
async def provider(fake: FakeRealtime) -> AsyncIterator[OpenAIRealtimeProvider]:
    """A provider configured for ``fake``, closed after the test."""
    realtime = OpenAIRealtimeProvider(fake.config())
    yield realtime
    await realtime.close()


@pytest.fixture
def calls(provider: OpenAIRealtimeProvider) -> Calls:
    """Every callback of ``provider``, recorded."""
    return Calls(provider)


@pytest.fixture
def session() -> RealtimeSession:
    """A session not connected yet."""
    return RealtimeSession(room_id="room-1", participant_id="alice", channel_id="voice")


@pytest.fixture
async def live(
    provider: OpenAIRealtimeProvider, fake: FakeRealtime, session: RealtimeSession
) -> RealtimeSession:
    """``session`` connected at the API's own 24 kHz both ways, its session.update consumed."""
    await provider.connect(session, input_sample_rate=24000, output_sample_rate=24000)
    assert (await fake.next_event())["type"] == "session.update"
    return session
