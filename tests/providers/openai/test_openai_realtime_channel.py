"""RealtimeVoiceChannel on OpenAIRealtimeProvider over loopback: barge-in and reconnects."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from roomkit import RoomKit
from roomkit.channels import RealtimeVoiceChannel
from roomkit.models.framework_event import FrameworkEvent
from roomkit.providers.openai import OpenAIRealtimeProvider
from roomkit.voice.realtime import MockRealtimeTransport, RealtimeSession, RealtimeSessionState
from tests.providers.openai.realtime_support import WAIT, FakeRealtime, b64, tone


@dataclass
class Call:
    """A session of the channel on a real provider, the client being a mock transport."""

    channel: RealtimeVoiceChannel
    transport: MockRealtimeTransport
    session: RealtimeSession
    events: list[FrameworkEvent]


async def no_wait(delay: float) -> None:
    """The channel's sleep in these tests: reconnect at once."""


@pytest.fixture
async def call(kit: RoomKit, fake: FakeRealtime) -> AsyncIterator[Call]:
    """A live session at the API's own rate, its ``session.update`` consumed."""
    transport = MockRealtimeTransport()
    channel = RealtimeVoiceChannel(
        "voice",
        provider=OpenAIRealtimeProvider(fake.config()),
        transport=transport,
        system_prompt="Be brief.",
        input_sample_rate=24000,
        output_sample_rate=24000,
        sleep=no_wait,
    )
    kit.register_channel(channel)
    await kit.create_room(room_id="room-1")
    events: list[FrameworkEvent] = []

    @kit.on("realtime_reconnected")
    async def record(event: FrameworkEvent) -> None:
        events.append(event)

    session = await channel.start_session("room-1", "caller", "conn")
    assert (await fake.next_event())["type"] == "session.update"
    yield Call(channel, transport, session, events)


async def test_the_channel_leaves_the_cut_to_openai(fake: FakeRealtime, call: Call) -> None:
    await fake.send(
        {"type": "response.created", "response": {"id": "r1"}},
        {"type": "response.output_audio.delta", "item_id": "it", "delta": b64(tone(2400))},
        {"type": "input_audio_buffer.speech_started", "audio_start_ms": 50},
    )

    async with asyncio.timeout(WAIT):
        await call.transport.wait_for_call("clear_audio")
    assert await fake.next_event() == {  # a truncation, and no response.cancel
        "type": "conversation.item.truncate",
        "item_id": "it",
        "content_index": 0,
        "audio_end_ms": 100,
    }
    assert call.transport.sent_messages(call.session, "interrupted") == [{"type": "interrupted"}]


async def test_a_dropped_openai_session_is_reopened_on_a_new_connection(
    fake: FakeRealtime, call: Call
) -> None:
    await fake.drop(1011, "server restart")

    update = await fake.next_event()  # the new connection is configured like the first
    assert update["type"] == "session.update"
    assert update["session"]["instructions"] == "Be brief."
    await call.channel.wait_idle()
    assert call.session.state is RealtimeSessionState.ACTIVE
    assert [e.data["attempt"] for e in call.events] == [1]
    await call.transport.simulate_client_audio(call.session, b"\x01\x00")
    assert await fake.next_event() == {
        "type": "input_audio_buffer.append",
        "audio": b64(b"\x01\x00"),
    }
