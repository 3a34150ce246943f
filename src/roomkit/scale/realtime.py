"""RedisRealtime: ephemeral events (typing, presence, read receipts) over Redis pub/sub.

``publish`` sends the event as JSON (:mod:`roomkit.realtime._wire`, the form the
in-memory backend delivers too) on the Redis channel ``<prefix><channel>``, so every
process subscribed to that channel receives it, the publisher included. Each process
keeps one pub/sub connection: a listener task reads it and hands each event to the local
subscribers through an :class:`InMemoryRealtime`, so, as there, every subscription has
its own bounded queue and task, a slow callback delays nobody else and a failing one is
logged without ending the subscription. A malformed message is logged and skipped; a
dropped connection is re-established (and the channels re-subscribed) by the listener,
which keeps going.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import ValidationError

from roomkit.realtime._wire import decode_event, encode_event
from roomkit.realtime.base import EphemeralCallback, EphemeralEvent, RealtimeBackend
from roomkit.realtime.memory import InMemoryRealtime
from roomkit.scale._redis import Redis, redis_client

__all__ = ["RedisRealtime"]

logger = logging.getLogger("roomkit.scale.realtime")


class RedisRealtime(RealtimeBackend):
    """A :class:`RealtimeBackend` whose channels span every process on one Redis.

    Give ``url`` (the backend creates and closes its client) or an existing ``client``.
    ``max_queue`` bounds each local subscriber's queue (oldest events dropped first);
    ``retry_delay`` is the pause before the listener reconnects after an error.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        client: Redis | None = None,
        prefix: str = "roomkit:realtime:",
        max_queue: int = 1000,
        retry_delay: float = 1.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """Prepare the backend; Redis is contacted on the first subscribe or publish."""
        self._redis, self._owns_client = redis_client(url, client)
        self.prefix = prefix
        self._local = InMemoryRealtime(max_queue=max_queue)
        self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        self._channel_of: dict[str, str] = {}
        self._listeners: dict[str, int] = {}
        self._listener: asyncio.Task[None] | None = None
        self._retry_delay = retry_delay
        self._sleep = sleep
        self._closed = False

    def __repr__(self) -> str:
        """Show the channel prefix (never the URL, which may hold a password)."""
        return f"RedisRealtime(prefix={self.prefix!r})"

    @property
    def subscription_count(self) -> int:
        """Number of live subscriptions in this process."""
        return len(self._channel_of)

    async def publish(self, channel: str, event: EphemeralEvent) -> None:
        """Send ``event`` to the subscribers of ``channel`` in every process.

        Raises ``ValueError`` if the event's data has no JSON form.
        """
        self._check_open()
        await self._redis.publish(self.prefix + channel, encode_event(event))

    async def subscribe(self, channel: str, callback: EphemeralCallback) -> str:
        """Call ``callback`` for each event published on ``channel`` by any process."""
        self._check_open()
        subscription_id = await self._local.subscribe(channel, callback)
        self._channel_of[subscription_id] = channel
        count = self._listeners.get(channel, 0)
        self._listeners[channel] = count + 1
        if count == 0:
            try:
                await self._pubsub.subscribe(self.prefix + channel)
            except BaseException:
                await self.unsubscribe(subscription_id)
                raise
        if self._listener is None:
            self._listener = asyncio.create_task(self._listen(), name="roomkit-redis-realtime")
        return subscription_id

    async def unsubscribe(self, subscription_id: str) -> bool:
        """Stop a subscription; return False if the id is unknown."""
        channel = self._channel_of.pop(subscription_id, None)
        if channel is None:
            return False
        await self._local.unsubscribe(subscription_id)
        remaining = self._listeners[channel] - 1
        if remaining:
            self._listeners[channel] = remaining
        else:
            del self._listeners[channel]
            await self._pubsub.unsubscribe(self.prefix + channel)
        return True

    async def close(self) -> None:
        """End every subscription, stop the listener and close the connections."""
        if self._closed:
            return
        self._closed = True
        if self._listener is not None:
            self._listener.cancel()
            await asyncio.gather(self._listener, return_exceptions=True)
            self._listener = None
        await self._local.close()
        self._channel_of.clear()
        self._listeners.clear()
        await self._pubsub.aclose()  # type: ignore[no-untyped-call]  # untyped in redis-py
        if self._owns_client:
            await self._redis.aclose()

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("this RedisRealtime is closed")

    async def _listen(self) -> None:
        """Read the pub/sub connection forever, handing events to local subscribers."""
        while True:
            try:
                message = await self._pubsub.get_message(
                    ignore_subscribe_messages=True, timeout=None
                )
            except Exception:
                logger.warning(
                    "redis realtime listener failed; retrying in %ss",
                    self._retry_delay,
                    exc_info=True,
                )
                await self._sleep(self._retry_delay)
                continue
            if message is not None and message.get("type") == "message":
                await self._dispatch(message)

    async def _dispatch(self, message: dict[str, Any]) -> None:
        channel = _text(message["channel"]).removeprefix(self.prefix)
        try:
            event = decode_event(message["data"])
        except (ValueError, TypeError, ValidationError):
            logger.warning("ignoring a malformed realtime message on %s", channel)
            return
        self._local._deliver(channel, event)  # decoded just now: no copy needed


def _text(value: str | bytes) -> str:
    """Decode a channel name that the client returned as bytes."""
    return value.decode() if isinstance(value, bytes) else value
