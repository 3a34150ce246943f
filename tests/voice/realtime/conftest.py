"""Fixtures of the realtime voice tests: a room with the realtime channel on mocks."""

from __future__ import annotations

import pytest
from realtime_support import RealtimeRoom, build_realtime_room

from roomkit import RoomKit
from roomkit.voice.realtime import RealtimeSession


@pytest.fixture
async def room(kit: RoomKit) -> RealtimeRoom:
    """``room-1`` with the realtime channel on a mock provider and transport."""
    return await build_realtime_room(kit)


@pytest.fixture
async def session(room: RealtimeRoom) -> RealtimeSession:
    """A live session of ``caller`` in the room."""
    return await room.start()
