"""A room event for the provider tests to send."""

from __future__ import annotations

import pytest

from roomkit.models import ChannelType, EventSource, RoomEvent, TextContent


@pytest.fixture
def event() -> RoomEvent:
    """A text event ready to be sent by a provider."""
    return RoomEvent(
        room_id="room-1",
        source=EventSource(channel_id="ws-1", channel_type=ChannelType.WEBSOCKET),
        content=TextContent(body="hello there"),
    )
