"""One live FastRTC client connection of the voice backend, and its session.

A :class:`Link` holds the connection (:class:`~roomkit.voice._fastrtc.Peer`), its
:class:`~roomkit.voice.backends._fastrtc_playout.Playout` and the voice session bound
to it. Speech events of the connection are run one after another by a worker task,
so callbacks see "speech start" before "speech end" even though the pause detection
reports them from other threads and never waits for them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from roomkit.voice._fastrtc import Peer
from roomkit.voice.backends._fastrtc_playout import Playout
from roomkit.voice.base import VoiceSession

__all__ = ["Link"]

Event = Callable[[], Awaitable[None]]


class Link:
    """A client connection, its playback and its session (once bound)."""

    def __init__(self, peer: Peer, playout: Playout) -> None:
        self.peer = peer
        self.playout = playout
        self.session: VoiceSession | None = None
        self._events: asyncio.Queue[Event | None] = asyncio.Queue()
        self._worker = asyncio.create_task(self._work())

    def post(self, event: Event) -> None:
        """Run ``event`` after the ones posted before it."""
        self._events.put_nowait(event)

    async def shut(self) -> None:
        """Stop playback, run the events already posted, then stop the worker."""
        await self.playout.cancel()
        if not self._worker.done():
            self._events.put_nowait(None)
            await self._worker

    async def _work(self) -> None:
        while (event := await self._events.get()) is not None:
            await event()
