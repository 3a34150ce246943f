"""Fixtures for the Gemini Live tests: a loopback server and a provider aimed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from roomkit.providers.gemini.live import GeminiLiveProvider
from roomkit.voice.realtime import RealtimeSession
from tests.providers.gemini.live_server import Calls, FakeGemini, live_provider, new_session


@pytest.fixture
async def fake() -> AsyncIterator[FakeGemini]:
    """A running loopback Gemini Live server."""
    async with FakeGemini() as server:
        yield server


@pytest.fixture
async def provider(fake: FakeGemini) -> AsyncIterator[GeminiLiveProvider]:
    """A provider pointed at ``fake``, closed after the test."""
    live = live_provider(fake)
    yield live
    await live.close()


@pytest.fixture
def calls(provider: GeminiLiveProvider) -> Calls:
    """Everything the provider reports, in order."""
    return Calls(provider)


@pytest.fixture
def session() -> RealtimeSession:
    """A fresh realtime session."""
    return new_session()


@pytest.fixture
async def live(provider: GeminiLiveProvider, session: RealtimeSession) -> RealtimeSession:
    """``session`` connected with the default settings."""
    await provider.connect(session)
    return session
