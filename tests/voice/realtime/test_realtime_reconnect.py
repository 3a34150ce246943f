"""RealtimeVoiceChannel reopens a provider session the vendor dropped, with backoff."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from realtime_support import RealtimeRoom, build_realtime_room

from roomkit import ConfigurationError, RoomKit
from roomkit.channels import RealtimeVoiceChannel
from roomkit.errors import ErrorCode, ProviderError
from roomkit.voice.realtime import (
    MockRealtimeProvider,
    MockRealtimeTransport,
    RealtimeSession,
    RealtimeSessionState,
)

DROPPED = ProviderError("the line dropped", code=ErrorCode.NETWORK, retryable=True)
WAIT = 2.0
"""Upper bound on waiting for the channel's background work (it takes microseconds)."""


class FakeSleep:
    """The channel's ``sleep``: records each delay and, while held, waits to be released.

    ``before_wake(n)`` runs when the n-th wait starts, e.g. to let the next connect work.
    """

    def __init__(self, *, held: bool = False) -> None:
        self.delays: list[float] = []
        self.before_wake: Callable[[int], None] = lambda number: None
        self._waiting = asyncio.Event()
        self._released = asyncio.Event()
        if not held:
            self._released.set()

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        self.before_wake(len(self.delays))
        self._waiting.set()
        await self._released.wait()

    async def started(self) -> None:
        """Wait until the channel is waiting before a reconnect attempt."""
        await asyncio.wait_for(self._waiting.wait(), WAIT)

    def release(self) -> None:
        """Let every wait, present and future, end."""
        self._released.set()


async def reconnecting_room(kit: RoomKit, sleep: FakeSleep, **options: Any) -> RealtimeRoom:
    """The test room with the reconnect options given and ``sleep`` as the channel's wait."""
    return await build_realtime_room(kit, sleep=sleep, **options)


async def test_a_dropped_session_is_reopened_after_failed_attempts(kit: RoomKit) -> None:
    sleep = FakeSleep()
    room = await reconnecting_room(kit, sleep, reconnect_attempts=4, system_prompt="Be brief.")
    session = await room.start()
    await room.provider.simulate_response_start(session)  # the model was answering
    room.provider.connect_error = DROPPED

    def heal(number: int) -> None:
        if number == 3:
            room.provider.connect_error = None

    sleep.before_wake = heal
    await room.provider.simulate_disconnect(session)
    await room.channel.wait_idle()

    assert sleep.delays == [0.5, 1.0, 2.0]
    assert session.state is RealtimeSessionState.ACTIVE
    assert room.channel.sessions() == [session]
    connects = room.provider.calls_of("connect")
    assert len(connects) == 4
    assert all(call.args == connects[0].args for call in connects)
    assert connects[0].args["system_prompt"] == "Be brief."
    assert room.events_of("realtime_reconnecting") == [
        {"session_id": session.id, "attempt": 1, "delay": 0.5},
        {"session_id": session.id, "attempt": 2, "delay": 1.0},
        {"session_id": session.id, "attempt": 3, "delay": 2.0},
    ]
    assert room.events_of("realtime_reconnected") == [{"session_id": session.id, "attempt": 3}]
    assert room.events_of("realtime_session_ended") == []
    sent = room.mock_transport.sent_messages(session)
    assert {"type": "speaking", "speaking": False} in sent  # the cut answer is over
    assert [m for m in sent if m["type"].startswith("reconnect")][-2:] == [
        {"type": "reconnecting", "attempt": 3, "delay": 2.0},
        {"type": "reconnected", "attempt": 3},
    ]
    await room.mock_transport.simulate_client_audio(session, b"\x01\x00")
    assert room.provider.sent_audio(session) == b"\x01\x00"


class FakeClock:
    """The channel's monotonic clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_a_loss_after_the_session_settled_gets_a_fresh_round(kit: RoomKit) -> None:
    sleep, clock = FakeSleep(), FakeClock()
    room = await reconnecting_room(kit, sleep, reconnect_attempts=1, clock=clock)
    session = await room.start()

    for _ in range(2):
        await room.provider.simulate_disconnect(session)
        await room.channel.wait_idle()
        clock.now += 30.0  # the reopened session stays up: the next loss starts over

    assert session.state is RealtimeSessionState.ACTIVE
    assert sleep.delays == [0.5, 0.5]
    assert len(room.events_of("realtime_reconnected")) == 2
    assert len(room.provider.calls_of("disconnect")) == 2  # what was left of each loss


@pytest.mark.parametrize(
    ("options", "delays"),
    [
        ({"reconnect_attempts": 2}, [0.5, 1.0]),
        (
            {"reconnect_attempts": 5, "reconnect_base_delay": 1.0, "reconnect_max_delay": 3.0},
            [1.0, 2.0, 3.0, 3.0, 3.0],
        ),
    ],
)
async def test_the_session_ends_when_every_attempt_failed(
    kit: RoomKit, options: dict[str, Any], delays: list[float]
) -> None:
    sleep = FakeSleep()
    room = await reconnecting_room(kit, sleep, **options)
    session = await room.start()
    room.provider.connect_error = DROPPED

    await room.provider.simulate_disconnect(session)
    await room.channel.wait_idle()

    assert sleep.delays == delays
    assert session.state is RealtimeSessionState.ENDED
    assert room.channel.sessions() == []
    assert len(room.mock_transport.calls_of("disconnect")) == 1
    assert room.events_of("realtime_reconnected") == []
    assert room.events_of("realtime_session_ended") == [
        {
            "session_id": session.id,
            "reason": "provider_disconnected",
            "reconnect_attempts": len(delays),
            "error": "ProviderError: the line dropped",
        }
    ]


async def test_an_error_not_worth_retrying_stops_the_attempts(kit: RoomKit) -> None:
    sleep = FakeSleep()
    room = await reconnecting_room(kit, sleep, reconnect_attempts=3)
    session = await room.start()
    room.provider.connect_error = ProviderError("key refused", code=ErrorCode.AUTHENTICATION)

    await room.provider.simulate_disconnect(session)
    await room.channel.wait_idle()

    assert sleep.delays == [0.5]
    assert room.events_of("realtime_session_ended")[0]["reconnect_attempts"] == 1
    assert room.channel.sessions() == []


async def test_client_audio_is_dropped_while_reconnecting(
    kit: RoomKit, caplog: pytest.LogCaptureFixture
) -> None:
    sleep = FakeSleep(held=True)
    room = await reconnecting_room(kit, sleep)
    session = await room.start()
    await room.mock_transport.simulate_client_audio(session, b"\x01\x00")

    await room.provider.simulate_disconnect(session)
    await sleep.started()
    assert session.state is RealtimeSessionState.CONNECTING
    for _ in range(50):
        await room.mock_transport.simulate_client_audio(session, b"\x02\x00" * 160)
    await room.provider.simulate_disconnect(session)  # a late second report changes nothing

    sleep.release()
    await room.channel.wait_idle()
    await room.mock_transport.simulate_client_audio(session, b"\x03\x00")

    assert room.provider.sent_audio(session) == b"\x01\x00\x03\x00"
    assert "streaming audio" not in caplog.text  # none was even tried
    assert len(room.events_of("realtime_reconnecting")) == 1
    assert session.state is RealtimeSessionState.ACTIVE


async def end_session(room: RealtimeRoom, session: RealtimeSession) -> None:
    await room.channel.end_session(session)


async def leave(room: RealtimeRoom, session: RealtimeSession) -> None:
    await room.mock_transport.simulate_client_disconnect(session)
    await room.channel.wait_idle()


async def close_kit(room: RealtimeRoom, session: RealtimeSession) -> None:
    await room.kit.close()


@pytest.mark.parametrize(
    ("stop", "reason"),
    [(end_session, "ended"), (leave, "client_disconnected"), (close_kit, "closed")],
)
async def test_ending_the_session_stops_a_reconnect_under_way(
    kit: RoomKit,
    stop: Callable[[RealtimeRoom, RealtimeSession], Awaitable[None]],
    reason: str,
) -> None:
    sleep = FakeSleep(held=True)
    room = await reconnecting_room(kit, sleep)
    session = await room.start()
    await room.provider.simulate_disconnect(session)
    await sleep.started()

    async with asyncio.timeout(WAIT):  # a reconnect left running would hold it forever
        await stop(room, session)
    sleep.release()
    await room.channel.wait_idle()

    assert len(room.provider.calls_of("connect")) == 1
    assert session.state is RealtimeSessionState.ENDED
    assert room.channel.sessions() == []
    assert room.events_of("realtime_reconnected") == []
    assert room.events_of("realtime_session_ended") == [
        {"session_id": session.id, "reason": reason}
    ]


async def test_a_session_whose_client_left_is_not_reconnected(kit: RoomKit) -> None:
    sleep = FakeSleep()
    room = await reconnecting_room(kit, sleep)
    session = await room.start()

    await room.mock_transport.simulate_client_disconnect(session)
    await room.provider.simulate_disconnect(session)  # before the ending has run
    await room.channel.wait_idle()
    await room.provider.simulate_disconnect(session)  # after it

    assert sleep.delays == []
    assert len(room.provider.calls_of("connect")) == 1
    assert room.events_of("realtime_reconnecting") == []
    assert room.events_of("realtime_session_ended")[0]["reason"] == "client_disconnected"


async def test_ending_the_session_cancels_a_connect_in_flight(kit: RoomKit) -> None:
    class SlowProvider(MockRealtimeProvider):
        """Its reconnects hang until cancelled."""

        def __init__(self) -> None:
            super().__init__()
            self.reconnecting = asyncio.Event()

        async def connect(self, session: RealtimeSession, **options: Any) -> None:
            if self.calls_of("connect"):
                self.reconnecting.set()
                await asyncio.Event().wait()
            await super().connect(session, **options)

    provider = SlowProvider()
    room = await build_realtime_room(kit, provider=provider, sleep=FakeSleep())
    session = await room.start()
    await provider.simulate_disconnect(session)
    await asyncio.wait_for(provider.reconnecting.wait(), WAIT)

    await asyncio.wait_for(room.channel.end_session(session), WAIT)

    assert provider.sessions == {}
    assert len(provider.calls_of("connect")) == 1  # the second one never completed
    assert session.state is RealtimeSessionState.ENDED
    assert room.events_of("realtime_session_ended")[0]["reason"] == "ended"


@pytest.mark.parametrize(
    "options",
    [
        {"reconnect_attempts": -1},
        {"reconnect_base_delay": -0.1},
        {"reconnect_base_delay": 2.0, "reconnect_max_delay": 1.0},
    ],
)
def test_invalid_reconnect_options_are_refused(options: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError):
        RealtimeVoiceChannel(
            "voice", provider=MockRealtimeProvider(), transport=MockRealtimeTransport(), **options
        )


async def test_a_vendor_dropping_every_reopened_session_uses_one_budget(
    kit: RoomKit,
) -> None:
    sleep, clock = FakeSleep(), FakeClock()
    room = await reconnecting_room(kit, sleep, reconnect_attempts=2, clock=clock)
    session = await room.start()

    for _ in range(3):  # each reconnect works, and the session is lost again at once
        await room.provider.simulate_disconnect(session)
        await room.channel.wait_idle()
        clock.now += 1.0

    assert sleep.delays == [0.5, 1.0]  # tries 1 and 2; the third loss finds none left
    assert len(room.events_of("realtime_reconnected")) == 2
    assert session.state is RealtimeSessionState.ENDED
    (ended,) = room.events_of("realtime_session_ended")
    assert ended["reason"] == "provider_disconnected"
    assert "keeps dropping" in ended["error"]
    assert room.channel.sessions() == []


async def test_a_loss_while_the_reconnect_is_reported_starts_another(kit: RoomKit) -> None:
    sleep = FakeSleep()
    room = await reconnecting_room(kit, sleep, reconnect_attempts=2)
    session = await room.start()

    losses = [session]

    @kit.on("realtime_reconnected")
    async def lose_again(event: object) -> None:
        if losses:
            await room.provider.simulate_disconnect(losses.pop())

    await room.provider.simulate_disconnect(session)
    await room.channel.wait_idle()

    assert len(room.events_of("realtime_reconnected")) == 2
    assert session.state is RealtimeSessionState.ACTIVE
    assert room.channel.sessions() == [session]
