"""WebSocketChannel: connection registry, concurrent fan-out and failure isolation."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import pytest

from roomkit.channels import WebSocketChannel
from roomkit.channels.websocket import SendFn
from roomkit.errors import ProviderError
from roomkit.models import (
    ChannelDirection,
    ChannelMediaType,
    ChannelType,
    RoomContext,
    RoomEvent,
)

Build = Callable[..., Any]


class Inbox:
    """Collects what a fake connection was sent."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str]] = []

    async def send(self, connection_id: str, event: RoomEvent) -> None:
        self.received.append((connection_id, event.id))


async def broken(connection_id: str, event: RoomEvent) -> None:
    raise ConnectionResetError("socket closed")


def ws_binding(make_binding: Build) -> Any:
    return make_binding("ws-1", ChannelType.WEBSOCKET)


def test_channel_type_and_capabilities() -> None:
    channel = WebSocketChannel("ws-1")
    capabilities = channel.capabilities()

    assert channel.channel_type is ChannelType.WEBSOCKET
    assert capabilities.media_types == [
        ChannelMediaType.TEXT,
        ChannelMediaType.RICH,
        ChannelMediaType.MEDIA,
    ]
    assert capabilities.supports_typing
    assert capabilities.supports_reactions
    assert capabilities.supports_read_receipts


def test_connection_registry() -> None:
    channel = WebSocketChannel("ws-1")
    inbox = Inbox()

    channel.register_connection("a", inbox.send)
    channel.register_connection("b", inbox.send)
    channel.register_connection("a", inbox.send)

    assert channel.connection_ids == ["a", "b"]
    assert channel.connection_count == 2
    assert channel.unregister_connection("a") is True
    assert channel.unregister_connection("a") is False
    assert channel.connection_ids == ["b"]


async def test_deliver_without_connections_is_a_successful_no_op(
    make_event: Build, make_binding: Build, context: RoomContext
) -> None:
    output = await WebSocketChannel("ws-1").deliver(
        make_event(), ws_binding(make_binding), context
    )

    assert output.provider_result is not None and output.provider_result.success


async def test_deliver_sends_to_every_connection(
    make_event: Build, make_binding: Build, context: RoomContext
) -> None:
    channel = WebSocketChannel("ws-1")
    inbox = Inbox()
    channel.register_connection("a", inbox.send)
    channel.register_connection("b", inbox.send)
    event = make_event()

    output = await channel.deliver(event, ws_binding(make_binding), context)

    assert sorted(inbox.received) == [("a", event.id), ("b", event.id)]
    assert output.provider_result is not None
    assert output.provider_result.metadata == {"delivered": 2, "failed": []}


async def test_deliver_runs_sends_concurrently(
    make_event: Build, make_binding: Build, context: RoomContext
) -> None:
    channel = WebSocketChannel("ws-1")
    both_started = asyncio.Event()
    started: list[str] = []

    def waiting(name: str) -> SendFn:
        async def send(connection_id: str, event: RoomEvent) -> None:
            started.append(name)
            if len(started) == 2:
                both_started.set()
            await asyncio.wait_for(both_started.wait(), timeout=1)

        return send

    channel.register_connection("a", waiting("a"))
    channel.register_connection("b", waiting("b"))

    output = await channel.deliver(make_event(), ws_binding(make_binding), context)

    assert output.provider_result is not None
    assert output.provider_result.metadata == {"delivered": 2, "failed": []}


async def test_a_failing_connection_does_not_stop_the_others(
    make_event: Build,
    make_binding: Build,
    context: RoomContext,
    caplog: pytest.LogCaptureFixture,
) -> None:
    channel = WebSocketChannel("ws-1")
    inbox = Inbox()
    channel.register_connection("bad", broken)
    channel.register_connection("good", inbox.send)
    event = make_event("secret body")

    with caplog.at_level(logging.WARNING, logger="roomkit.channels.websocket"):
        output = await channel.deliver(event, ws_binding(make_binding), context)

    assert inbox.received == [("good", event.id)]
    assert output.provider_result is not None
    assert output.provider_result.metadata == {"delivered": 1, "failed": ["bad"]}
    assert "bad" in caplog.text
    assert "secret body" not in caplog.text


async def test_every_connection_failing_raises_provider_error(
    make_event: Build, make_binding: Build, context: RoomContext
) -> None:
    channel = WebSocketChannel("ws-1")
    channel.register_connection("a", broken)
    channel.register_connection("b", broken)

    with pytest.raises(ProviderError) as caught:
        await channel.deliver(make_event(), ws_binding(make_binding), context)

    assert caught.value.code == "websocket_send_failed"
    assert caught.value.retryable is False


async def test_cancellation_inside_a_send_is_not_swallowed(
    make_event: Build, make_binding: Build, context: RoomContext
) -> None:
    async def cancelled(connection_id: str, event: RoomEvent) -> None:
        raise asyncio.CancelledError

    channel = WebSocketChannel("ws-1")
    channel.register_connection("a", cancelled)

    with pytest.raises(asyncio.CancelledError):
        await channel.deliver(make_event(), ws_binding(make_binding), context)


async def test_handle_inbound_builds_an_inbound_websocket_event(
    make_message: Build, context: RoomContext
) -> None:
    channel = WebSocketChannel("ws-1")

    event = await channel.handle_inbound(
        make_message(channel_id="ws-1", sender_id="user-1"), context
    )

    assert event.source.channel_id == "ws-1"
    assert event.source.channel_type is ChannelType.WEBSOCKET
    assert event.source.direction is ChannelDirection.INBOUND
    assert event.source.participant_id == "user-1"
    assert event.room_id == context.room.id


def test_no_binding_metadata_is_needed(make_message: Build) -> None:
    assert WebSocketChannel("ws-1").binding_metadata_for(make_message()) == {}


async def test_close_forgets_connections() -> None:
    channel = WebSocketChannel("ws-1")
    channel.register_connection("a", Inbox().send)

    await channel.close()

    assert channel.connection_count == 0
