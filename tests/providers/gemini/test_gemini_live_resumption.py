"""GeminiLiveProvider: a lost session resumes its conversation with Gemini's handle."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from websockets.asyncio.server import ServerConnection

from roomkit.errors import ErrorCode, ProviderError
from roomkit.providers.gemini._live_resume import ResumeHandles
from roomkit.providers.gemini.live import GeminiLiveProvider
from roomkit.voice.realtime import RealtimeSession, RealtimeSessionState
from tests.providers.gemini.live_server import (
    Calls,
    FakeGemini,
    live_provider,
    model_audio,
    new_session,
)
from tests.voice.vendor_ws_server import LoopbackWS


def update(handle: str, resumable: bool = True) -> dict[str, Any]:
    """A ``sessionResumptionUpdate`` server message."""
    return {"sessionResumptionUpdate": {"newHandle": handle, "resumable": resumable}}


def resumption(fake: FakeGemini, number: int) -> Any:
    """What the ``number``-th setup (0-based) asked of session resumption."""
    return fake.setups[number]["setup"].get("sessionResumption")


async def lose(fake: FakeGemini, calls: Calls, *messages: dict[str, Any]) -> None:
    """Send ``messages`` (handled once the audio after them arrives), then drop the line."""
    await fake.send(*messages, model_audio(b"\x01\x00"))
    await calls.wait("audio", len(calls.of("audio")) + 1)
    fake.connection.transport.abort()
    await calls.wait("error", len(calls.of("error")) + 1)


async def reconnect(provider: GeminiLiveProvider, session: RealtimeSession) -> None:
    """What the realtime voice channel does: release the lost session, connect again."""
    await provider.disconnect(session)
    await provider.connect(session)


async def test_setup_asks_for_resumption_handles(fake: FakeGemini, live: RealtimeSession) -> None:
    assert resumption(fake, 0) == {}


async def test_a_lost_session_resumes_with_the_newest_resumable_handle(
    fake: FakeGemini, provider: GeminiLiveProvider, calls: Calls, live: RealtimeSession
) -> None:
    await lose(fake, calls, update("h-1"), update("h-2"), update("", resumable=False))

    await reconnect(provider, live)

    assert resumption(fake, 1) == {"handle": "h-2"}
    assert live.state is RealtimeSessionState.ACTIVE


@pytest.mark.parametrize("disconnect_first", [True, False], ids=["disconnect", "replace"])
async def test_opening_a_live_session_again_starts_a_new_conversation(
    fake: FakeGemini,
    provider: GeminiLiveProvider,
    calls: Calls,
    live: RealtimeSession,
    disconnect_first: bool,
) -> None:
    await fake.send(update("h-1"), model_audio(b"\x01\x00"))
    await calls.wait("audio")

    if disconnect_first:  # a disconnect of a live session ends it on purpose
        await provider.disconnect(live)
    await provider.connect(live)

    assert resumption(fake, 1) == {}


class RefusingGemini(FakeGemini):
    """Closes the connection, as Gemini does for a bad setup, when asked to resume."""

    async def _script(self, server: LoopbackWS, connection: ServerConnection) -> None:
        setup = json.loads(await server.receive(connection))
        if "handle" in setup["setup"].get("sessionResumption", {}):
            self.setups.append(setup)
            await connection.close(1007, "Invalid session resumption handle.")
            return
        self.setups.append(setup)
        self.connections.append(connection)
        await connection.send(self._encode(self.setup_reply))
        await server.receive(connection)


async def test_a_refused_handle_starts_a_new_conversation(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with RefusingGemini() as fake:
        provider = live_provider(fake)
        calls = Calls(provider)
        session = new_session()
        await provider.connect(session)
        await lose(fake, calls, update("h-1"))

        with caplog.at_level(logging.WARNING, logger="roomkit.providers.gemini.live"):
            await reconnect(provider, session)

        assert [resumption(fake, n) for n in range(3)] == [{}, {"handle": "h-1"}, {}]
        assert session.state is RealtimeSessionState.ACTIVE
        assert "could not resume session" in caplog.text
        fake.connection.transport.abort()
        await calls.wait("error", 2)
        await reconnect(provider, session)  # the refused handle is not tried again
        assert resumption(fake, 3) == {}
        await provider.close()


async def test_the_handle_survives_a_reconnect_that_cannot_reach_gemini(
    fake: FakeGemini, provider: GeminiLiveProvider, calls: Calls, live: RealtimeSession
) -> None:
    await lose(fake, calls, update("h-1"))
    reachable = provider.config
    provider.config = reachable.model_copy(update={"base_url": "ws://127.0.0.1:9/nowhere"})
    await provider.disconnect(live)
    with pytest.raises(ProviderError) as caught:
        await provider.connect(live)
    assert caught.value.code is ErrorCode.NETWORK
    assert live.state is RealtimeSessionState.ENDED

    provider.config = reachable
    await provider.connect(live)

    assert resumption(fake, 1) == {"handle": "h-1"}


async def test_provider_config_resumption_options_are_kept(
    fake: FakeGemini, provider: GeminiLiveProvider, calls: Calls, session: RealtimeSession
) -> None:
    options = {"sessionResumption": {"transparent": True}}
    await provider.connect(session, provider_config=options)
    await lose(fake, calls, update("h-1"))

    await provider.disconnect(session)
    await provider.connect(session, provider_config=options)

    assert resumption(fake, 0) == {"transparent": True}
    assert resumption(fake, 1) == {"transparent": True, "handle": "h-1"}


async def test_resumption_can_be_turned_off(fake: FakeGemini) -> None:
    provider = live_provider(fake, session_resumption=False)
    calls = Calls(provider)
    session = new_session()
    await provider.connect(session)
    await lose(fake, calls, update("h-1"))

    await reconnect(provider, session)

    assert resumption(fake, 0) is None and resumption(fake, 1) is None
    await provider.close()


async def test_a_malformed_update_is_reported_and_skipped(
    fake: FakeGemini, calls: Calls, live: RealtimeSession
) -> None:
    await fake.send({"sessionResumptionUpdate": {"newHandle": 7, "resumable": True}})
    events = await calls.wait("error")
    assert events[-1][1] is ErrorCode.INVALID_PAYLOAD
    assert "newHandle" in events[-1][2]


def test_handles_beyond_the_limit_drop_the_least_recently_updated() -> None:
    handles = ResumeHandles(limit=2)
    handles.update("a", {"newHandle": "a-1", "resumable": True})
    handles.update("b", {"newHandle": "b-1", "resumable": True})
    handles.update("a", {"newHandle": "a-2", "resumable": True})
    handles.update("c", {"newHandle": "c-1", "resumable": True})

    assert (handles.get("a"), handles.get("b"), handles.get("c")) == ("a-2", None, "c-1")
    assert len(handles) == 2
    handles.forget("a")
    handles.clear()
    assert len(handles) == 0
