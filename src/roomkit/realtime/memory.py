"""Single-process realtime backend built on asyncio queues.

Every subscription owns a bounded queue and a consumer task, so ``publish`` never waits
for a callback and a slow subscriber delays nobody else. When a subscriber's queue is
full its oldest pending event is dropped (with a warning). A callback that raises is
logged and the subscription carries on.

Subscribers receive what a network backend would deliver: each published event is
encoded as JSON and decoded again (:mod:`roomkit.realtime._wire`, the encoding
:class:`~roomkit.scale.realtime.RedisRealtime` sends), so ``data`` holds JSON types and
an event whose data has no JSON form is refused by ``publish``, as on Redis.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from roomkit.models._util import new_id
from roomkit.realtime._wire import decode_event, encode_event
from roomkit.realtime.base import EphemeralCallback, EphemeralEvent, RealtimeBackend

__all__ = ["InMemoryRealtime"]

logger = logging.getLogger("roomkit.realtime.memory")


@dataclass(eq=False)
class _Subscription:
    id: str
    channel: str
    callback: EphemeralCallback
    queue: asyncio.Queue[EphemeralEvent]
    task: asyncio.Task[None] | None = None
    active: bool = True
    pending: int = 0
    """Events queued or being handled; mirrors the queue's unfinished-task count."""
    idle: asyncio.Event = field(default_factory=asyncio.Event)

    def done_one(self) -> None:
        self.pending -= 1
        self.queue.task_done()
        if self.pending == 0:
            self.idle.set()


class InMemoryRealtime(RealtimeBackend):
    """In-process pub/sub for ephemeral events; each subscriber gets its own queue."""

    def __init__(self, max_queue: int = 1000) -> None:
        if max_queue < 1:
            raise ValueError("max_queue must be at least 1")
        self.max_queue = max_queue
        self._subscriptions: dict[str, _Subscription] = {}
        self._channels: dict[str, dict[str, _Subscription]] = {}
        self._closed = False

    @property
    def subscription_count(self) -> int:
        """Number of live subscriptions."""
        return len(self._subscriptions)

    async def publish(self, channel: str, event: EphemeralEvent) -> None:
        """Queue ``event`` for every subscriber of ``channel``; never waits on callbacks.

        Subscribers share one event decoded from ``event``'s JSON, as the wire would
        carry it (a datetime in ``data`` arrives as ISO 8601 text, a tuple as a list), so
        the publisher may change or reuse its object afterwards. Raises ``ValueError``
        if ``data`` has no JSON form, whether or not the channel has subscribers, and
        ``RuntimeError`` once the backend is closed.
        """
        if self._closed:
            raise RuntimeError("this InMemoryRealtime is closed")
        text = encode_event(event)
        if self._channels.get(channel):
            self._deliver(channel, decode_event(text))

    def _deliver(self, channel: str, event: EphemeralEvent) -> None:
        """Queue ``event``, an object no caller keeps, for every subscriber of ``channel``."""
        for sub in list(self._channels.get(channel, {}).values()):
            if sub.queue.full():
                sub.queue.get_nowait()
                sub.done_one()
                logger.warning(
                    "realtime subscription %s is full (%d): dropped its oldest event",
                    sub.id,
                    self.max_queue,
                )
            sub.queue.put_nowait(event)
            sub.pending += 1
            sub.idle.clear()

    async def subscribe(self, channel: str, callback: EphemeralCallback) -> str:
        """Start delivering ``channel``'s events to ``callback``; return the subscription id.

        Raises ``RuntimeError`` once the backend is closed.
        """
        if self._closed:
            raise RuntimeError("this InMemoryRealtime is closed")
        sub = _Subscription(
            id=new_id(),
            channel=channel,
            callback=callback,
            queue=asyncio.Queue(maxsize=self.max_queue),
        )
        sub.idle.set()
        sub.task = asyncio.create_task(self._consume(sub), name=f"roomkit-realtime-{sub.id}")
        self._subscriptions[sub.id] = sub
        self._channels.setdefault(channel, {})[sub.id] = sub
        logger.debug("realtime subscription %s on %s", sub.id, channel)
        return sub.id

    async def unsubscribe(self, subscription_id: str) -> bool:
        """Stop a subscription and discard its pending events; False if the id is unknown.

        May be called from the subscription's own callback: the callback then finishes
        normally and no further events are delivered to it.
        """
        sub = self._subscriptions.pop(subscription_id, None)
        if sub is None:
            return False
        subs = self._channels.get(sub.channel, {})
        subs.pop(subscription_id, None)
        if not subs:
            self._channels.pop(sub.channel, None)
        await self._stop([sub])
        logger.debug("realtime subscription %s ended", subscription_id)
        return True

    async def close(self) -> None:
        """Cancel every subscription and wait for their tasks to finish; refuse new ones."""
        self._closed = True
        subs = list(self._subscriptions.values())
        self._subscriptions.clear()
        self._channels.clear()
        await self._stop(subs)

    async def drain(self) -> None:
        """Wait until every queued event has been handed to its callback and handled."""
        while True:
            busy = [sub for sub in self._subscriptions.values() if sub.pending]
            if not busy:
                return
            for sub in busy:
                await sub.idle.wait()

    async def _consume(self, sub: _Subscription) -> None:
        while sub.active:
            event = await sub.queue.get()
            try:
                await sub.callback(event)
            except Exception:
                logger.exception(
                    "realtime callback of subscription %s failed on a %s event",
                    sub.id,
                    event.type.value,
                )
            finally:
                sub.done_one()

    @staticmethod
    async def _stop(subs: list[_Subscription]) -> None:
        current = asyncio.current_task()
        tasks: list[asyncio.Task[None]] = []
        for sub in subs:
            sub.active = False
            while not sub.queue.empty():
                sub.queue.get_nowait()
                sub.done_one()
            if sub.task is not None and sub.task is not current:
                sub.task.cancel()
                tasks.append(sub.task)
        if tasks:
            await asyncio.wait(tasks)
