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

A new subscription gets only what is published after ``subscribe`` returns, and
everything published after that. Redis answers one connection's commands in order, so
``subscribe`` sends a PING with a token of its own on the pub/sub connection (after the
SUBSCRIBE, for a channel's first subscription) and registers the callback only when the
listener has read the matching PONG: by then Redis has the channel subscribed and every
message it sent before is already handed out. If the connection is re-established
meanwhile, the PING is sent again; if the listener fails or the backend closes, the
waiting ``subscribe`` raises.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import ValidationError

from roomkit.models._util import new_id
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
    ``health_check_interval`` (seconds, ``None`` for never): after that long without a
    reply on the pub/sub connection, the listener sends a PING, and if that goes
    unanswered for as long again it drops the connection and makes a new one (with
    its channels re-subscribed). A connection that died without being closed, as
    behind a load balancer that forgets idle connections, would otherwise stay silent.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        client: Redis | None = None,
        prefix: str = "roomkit:realtime:",
        max_queue: int = 1000,
        retry_delay: float = 1.0,
        health_check_interval: float | None = 30.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """Prepare the backend; Redis is contacted on the first subscribe or publish."""
        if health_check_interval is not None and not health_check_interval > 0:
            raise ValueError(
                f"health_check_interval must be positive or None, not {health_check_interval}"
            )
        self._health_interval = health_check_interval
        self._redis, self._owns_client = redis_client(url, client)
        self.prefix = prefix
        self._local = InMemoryRealtime(max_queue=max_queue)
        self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        self._commands = asyncio.Lock()
        """Held while a command is sent on the pub/sub connection, so they go in order."""
        self._connection: Any = None
        """The pub/sub connection, once made; it tells :meth:`_resend_pings` of reconnects."""
        self._pings: dict[str, asyncio.Future[None]] = {}
        """The barriers of the subscribes waiting for their PONG, by token."""
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
        """Call ``callback`` for each event published on ``channel`` after this returns.

        Raises ``RuntimeError`` if the backend is (or gets) closed before the
        subscription is in place, and Redis's error if the pub/sub connection fails.
        """
        async with self._commands:
            self._check_open()
            if channel not in self._listeners:
                await self._subscribe_in_redis(self.prefix + channel)
                self._check_open()
                self._watch_connection()
            self._listeners[channel] = self._listeners.get(channel, 0) + 1
        try:
            await self._barrier()
            subscription_id = await self._local.subscribe(channel, callback)
        except BaseException:  # cancelled too: the subscriber never got its id
            await self._leave(channel)
            raise
        self._channel_of[subscription_id] = channel
        return subscription_id

    async def _subscribe_in_redis(self, name: str) -> None:
        """SUBSCRIBE; if the call is cut short (cancelled, say), the command may still
        have reached Redis, or be sent again on reconnection: UNSUBSCRIBE it then."""
        try:
            await self._pubsub.subscribe(name)
        except BaseException:
            with contextlib.suppress(Exception):  # a broken connection holds nothing
                await self._pubsub.unsubscribe(name)
            raise

    async def unsubscribe(self, subscription_id: str) -> bool:
        """Stop a subscription; return False if the id is unknown."""
        channel = self._channel_of.pop(subscription_id, None)
        if channel is None:
            return False
        try:
            await self._local.unsubscribe(subscription_id)
        finally:  # even if cancelled while the local task stops: Redis must hear of it
            await self._leave(channel)
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
        self._fail_pings(RuntimeError("this RedisRealtime is closed"))
        await self._local.close()
        self._channel_of.clear()
        self._listeners.clear()
        if self._connection is not None:
            self._connection.deregister_connect_callback(self._resend_pings)
        await self._pubsub.aclose()  # type: ignore[no-untyped-call]  # untyped in redis-py
        if self._owns_client:
            await self._redis.aclose()

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("this RedisRealtime is closed")

    def _watch_connection(self) -> None:
        """Start the listener, and hear of reconnects, once the pub/sub connection exists."""
        if self._connection is None:
            self._connection = self._pubsub.connection
            self._connection.register_connect_callback(self._resend_pings)
        if self._listener is None:
            self._listener = asyncio.create_task(self._listen(), name="roomkit-redis-realtime")

    async def _barrier(self) -> None:
        """Return once the listener has read all that Redis sent before this call."""
        token = new_id()
        reached: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pings[token] = reached
        try:
            async with self._commands:
                self._check_open()
                await self._pubsub.ping(token)
            await reached
            self._check_open()
        finally:
            self._pings.pop(token, None)
            if reached.done() and not reached.cancelled():
                reached.exception()  # retrieved, whether raised here or not

    async def _leave(self, channel: str) -> None:
        """Drop one subscriber of ``channel``; after the last, unsubscribe in Redis."""
        async with self._commands:
            if self._closed:
                return
            remaining = self._listeners[channel] - 1
            if remaining:
                self._listeners[channel] = remaining
            else:
                del self._listeners[channel]
                await self._pubsub.unsubscribe(self.prefix + channel)

    async def _resend_pings(self, connection: Any) -> None:
        """On reconnect (channels already re-subscribed), send the pending PINGs again."""
        for token in list(self._pings):
            await connection.send_command("PING", token)

    def _fail_pings(self, error: BaseException) -> None:
        pings, self._pings = self._pings, {}
        for reached in pings.values():
            if not reached.done():
                reached.set_exception(error)

    async def _listen(self) -> None:
        """Read the pub/sub connection forever, handing events to local subscribers."""
        probing = False
        while True:
            try:
                response = await self._read()
                if response is _SILENCE:
                    probing = await self._probe(probing)
                    continue
            except Exception as error:
                logger.warning(
                    "redis realtime listener failed; retrying in %ss",
                    self._retry_delay,
                    exc_info=True,
                )
                self._fail_pings(error)
                probing = False
                await self._sleep(self._retry_delay)
                continue
            probing = False
            await self._handle(response)

    async def _read(self) -> Any:
        """The next reply, or ``_SILENCE`` after a health-check interval without one."""
        if self._health_interval is None:
            return await self._pubsub.parse_response(block=True)
        response = await self._pubsub.parse_response(block=False, timeout=self._health_interval)
        return _SILENCE if response is None else response

    async def _probe(self, probing: bool) -> bool:
        """PING after a silent interval; drop the connection after a silent PING.

        Return whether a PING now waits for its answer. A connection that died without
        being closed never fails a read; the next read re-establishes a dropped one.
        """
        if probing:
            logger.warning(
                "redis realtime connection did not answer a PING in %ss; reconnecting",
                self._health_interval,
            )
            await self._connection.disconnect()
            return False
        async with self._commands:
            await self._pubsub.ping(_HEALTH_TOKEN)
        return True

    async def _handle(self, response: Any) -> None:
        """Act on one reply read from the pub/sub connection."""
        if isinstance(response, str | bytes):  # RESP3: a PING's bare token (redis-py misreads str)
            self._reached(_text(response))
            return
        handle = self._pubsub.handle_message  # untyped in redis-py; skips subscribe replies
        message = await handle(response)  # type: ignore[no-untyped-call]
        if message is None:
            return
        if message["type"] == "message":
            await self._dispatch(message)
        elif message["type"] == "pong":  # RESP2 answers ["pong", token]
            self._reached(_text(message["data"]))

    def _reached(self, token: str) -> None:
        """Release the subscribe whose PING carried ``token`` (if it still waits)."""
        reached = self._pings.pop(token, None)
        if reached is not None and not reached.done():
            reached.set_result(None)

    async def _dispatch(self, message: dict[str, Any]) -> None:
        channel = _text(message["channel"]).removeprefix(self.prefix)
        try:
            event = decode_event(message["data"])
        except (ValueError, TypeError, ValidationError):
            logger.warning("ignoring a malformed realtime message on %s", channel)
            return
        self._local._deliver(channel, event)  # decoded just now: no copy needed


_SILENCE = object()
"""What :meth:`RedisRealtime._read` returns when an interval passed without a reply."""
_HEALTH_TOKEN = "roomkit-health-check"
"""The token of the listener's own PINGs (their answers release no subscribe)."""


def _text(value: str | bytes) -> str:
    """Decode a channel name or token that the client returned as bytes."""
    return value.decode() if isinstance(value, bytes) else value
