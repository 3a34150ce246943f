"""Ephemeral events (typing, presence, read receipts) and their pub/sub backends."""

from __future__ import annotations

from roomkit.realtime.base import (
    EphemeralCallback,
    EphemeralEvent,
    EphemeralEventType,
    RealtimeBackend,
)
from roomkit.realtime.memory import InMemoryRealtime

__all__ = [
    "EphemeralCallback",
    "EphemeralEvent",
    "EphemeralEventType",
    "InMemoryRealtime",
    "RealtimeBackend",
]
