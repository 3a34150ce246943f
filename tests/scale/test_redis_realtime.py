"""RedisRealtime against the local Redis: two backends stand for two processes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError

from roomkit import EphemeralEvent, EphemeralEventType, RoomKit
from roomkit.scale.realtime import RedisRealtime
from tests.scale.scale_support import (
    Gate,
    LogSignal,
    RedisSpace,
    eventually,
    gated_client,
)

# A lost reply from Redis would leave a subscribe waiting: fail fast instead.
pytestmark = pytest.mark.timeout(60)


@dataclass
class Inbox:
    """A subscriber callback that keeps what it receives and signals each arrival."""

    events: list[EphemeralEvent] = field(default_factory=list)
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    fail_first: bool = False

    async def __call__(self, event: EphemeralEvent) -> None:
        async with self.changed:
            self.events.append(event)
            self.changed.notify_all()
        if self.fail_first and len(self.events) == 1:
            raise RuntimeError("subscriber bug")

    async def wait_for(self, count: int) -> list[EphemeralEvent]:
        """Wait (at most 5 s) until ``count`` events arrived; return them."""
        async with self.changed:
            await asyncio.wait_for(
                self.changed.wait_for(lambda: len(self.events) >= count), timeout=5
            )
        return list(self.events)

    @property
    def users(self) -> list[str]:
        """The user ids of the events received, in order."""
        return [event.user_id for event in self.events]


def typing(user_id: str = "alice", room_id: str = "room-1") -> EphemeralEvent:
    return EphemeralEvent(
        room_id=room_id, type=EphemeralEventType.TYPING_START, user_id=user_id, data={"n": 1}
    )


@pytest.fixture
async def backends(space: RedisSpace) -> AsyncIterator[tuple[RedisRealtime, RedisRealtime]]:
    """Two backends on the test's prefix, as two processes would have."""
    first = RedisRealtime(space.url, prefix=space.prefix)
    second = RedisRealtime(space.url, prefix=space.prefix)
    try:
        yield first, second
    finally:
        await first.close()
        await second.close()


async def test_an_event_reaches_a_subscriber_in_another_process(
    backends: tuple[RedisRealtime, RedisRealtime],
) -> None:
    listener, publisher = backends
    inbox = Inbox()
    await listener.subscribe_to_room("room-1", inbox)
    sent = typing()

    await publisher.publish_to_room("room-1", sent)

    assert await inbox.wait_for(1) == [sent]


async def test_every_local_subscriber_gets_each_event_once(
    space: RedisSpace, backends: tuple[RedisRealtime, RedisRealtime]
) -> None:
    listener, publisher = backends
    inboxes = [Inbox(), Inbox()]
    for inbox in inboxes:
        await listener.subscribe("room:room-1", inbox)
    await listener.subscribe("room:room-2", Inbox())

    await publisher.publish("room:room-1", typing("alice"))
    await listener.publish("room:room-1", typing("bob"))

    for inbox in inboxes:
        await inbox.wait_for(2)
        assert sorted(inbox.users) == ["alice", "bob"]
    assert listener.subscription_count == 3
    counts = await space.client.pubsub_numsub(f"{space.prefix}room:room-1")
    assert counts == [(f"{space.prefix}room:room-1", 1)]


async def test_unsubscribed_callbacks_get_nothing_more(
    backends: tuple[RedisRealtime, RedisRealtime],
) -> None:
    listener, publisher = backends
    leaving, staying, other_room = Inbox(), Inbox(), Inbox()
    leaving_id = await listener.subscribe("room:a", leaving)
    await listener.subscribe("room:a", staying)
    last_id = await listener.subscribe("room:b", other_room)
    await publisher.publish("room:a", typing("first"))
    await leaving.wait_for(1)

    assert await listener.unsubscribe(leaving_id) is True
    assert await listener.unsubscribe(leaving_id) is False
    assert await listener.unsubscribe(last_id) is True
    await publisher.publish("room:a", typing("second"))
    await publisher.publish("room:b", typing("unheard"))
    await publisher.publish("room:a", typing("third"))

    assert [e.user_id for e in await staying.wait_for(3)] == ["first", "second", "third"]
    assert leaving.users == ["first"]
    assert other_room.users == []


async def test_a_cancelled_unsubscribe_still_leaves_the_redis_channel(
    space: RedisSpace, backends: tuple[RedisRealtime, RedisRealtime]
) -> None:
    listener, _ = backends
    channel = f"{space.prefix}room:a"
    subscription_id = await listener.subscribe("room:a", Inbox())
    leaving = asyncio.create_task(listener.unsubscribe(subscription_id))
    await asyncio.sleep(0)  # it now waits for the local subscription's task to stop

    leaving.cancel()

    with pytest.raises(asyncio.CancelledError):
        await leaving
    assert listener.subscription_count == 0

    async def left() -> bool:
        return bool(await space.client.pubsub_numsub(channel) == [(channel, 0)])

    await eventually(left)


async def _cancel_a_stalled_subscribe(listener: RedisRealtime, stall: str) -> None:
    """Start a subscribe, stall it in ``stall`` (the Redis SUBSCRIBE, after the command
    went out, or the local subscription), and cancel it there."""
    reached = asyncio.Event()
    target = listener._pubsub if stall == "redis" else listener._local
    original = target.subscribe

    async def stalled(*args: Any) -> Any:
        if stall == "redis":
            await original(*args)  # SUBSCRIBE reaches Redis; the call does not return
        reached.set()
        await asyncio.sleep(30)

    target.subscribe = stalled
    try:
        subscribing = asyncio.create_task(listener.subscribe("room:a", Inbox()))
        await asyncio.wait_for(reached.wait(), timeout=5)
        subscribing.cancel()
        with pytest.raises(asyncio.CancelledError):
            await subscribing
    finally:
        target.subscribe = original


@pytest.mark.parametrize("stall", ["redis", "local"])
async def test_a_cancelled_subscribe_leaves_no_redis_subscription(
    space: RedisSpace, backends: tuple[RedisRealtime, RedisRealtime], stall: str
) -> None:
    listener, publisher = backends
    channel = f"{space.prefix}room:a"

    await _cancel_a_stalled_subscribe(listener, stall)

    async def left() -> bool:
        return bool(await space.client.pubsub_numsub(channel) == [(channel, 0)])

    await eventually(left)
    assert listener.subscription_count == 0
    # the channel still works for a later subscriber
    inbox = Inbox()
    await listener.subscribe("room:a", inbox)
    await publisher.publish("room:a", typing("after"))
    assert [e.user_id for e in await inbox.wait_for(1)] == ["after"]


async def test_a_failing_callback_and_a_malformed_message_stop_nothing(
    space: RedisSpace, backends: tuple[RedisRealtime, RedisRealtime]
) -> None:
    listener, publisher = backends
    flaky, steady = Inbox(fail_first=True), Inbox()
    await listener.subscribe("room:room-1", flaky)
    await listener.subscribe("room:room-1", steady)

    await publisher.publish("room:room-1", typing("one"))
    await space.client.publish(f"{space.prefix}room:room-1", "{not json")
    await space.client.publish(f"{space.prefix}room:room-1", '{"room_id": "no type"}')
    await publisher.publish("room:room-1", typing("two"))

    assert [e.user_id for e in await flaky.wait_for(2)] == ["one", "two"]
    assert [e.user_id for e in await steady.wait_for(2)] == ["one", "two"]


async def test_the_listener_reconnects_after_losing_its_connection(space: RedisSpace) -> None:
    name = f"rt-{space.prefix.split(':')[1]}"
    listener = RedisRealtime(f"{space.url}?client_name={name}", prefix=space.prefix)
    inbox = Inbox()
    dropped = LogSignal("listener failed")
    logging.getLogger("roomkit.scale.realtime").addHandler(dropped)
    try:
        await listener.subscribe("room:room-1", inbox)
        await _kill_clients_named(space, name)
        await dropped.wait()

        async def delivered() -> bool:
            await space.client.publish(
                f"{space.prefix}room:room-1", typing("back").model_dump_json()
            )
            return bool(inbox.events)

        await eventually(delivered)
    finally:
        logging.getLogger("roomkit.scale.realtime").removeHandler(dropped)
        await listener.close()
    assert set(inbox.users) == {"back"}


async def _kill_clients_named(space: RedisSpace, name: str) -> None:
    clients = await space.client.client_list()
    for client in clients:
        if client.get("name") == name:
            await space.client.client_kill_filter(_id=client["id"])


async def test_an_event_published_as_soon_as_the_first_subscribe_returns_arrives(
    space: RedisSpace,
) -> None:
    gate = Gate(hold={"SUBSCRIBE"})  # the SUBSCRIBE is still on its way
    client = gated_client(space.url, gate)
    backend = RedisRealtime(client=client, prefix=space.prefix)
    inbox = Inbox()
    try:
        await backend.subscribe("room:room-1", inbox)
        await backend.publish("room:room-1", typing("right-after"))

        assert [e.user_id for e in await inbox.wait_for(1)] == ["right-after"]
    finally:
        await backend.close()
        await client.aclose()


async def test_a_subscribe_waiting_for_redis_is_refused_when_the_backend_closes(
    space: RedisSpace,
) -> None:
    gate = Gate(lose={"PING"})  # Redis never confirms the subscription
    client = gated_client(space.url, gate)
    backend = RedisRealtime(client=client, prefix=space.prefix)
    try:
        waiting = asyncio.create_task(backend.subscribe("room:room-1", Inbox()))
        await gate.wait_lost()
        await backend.close()

        with pytest.raises(RuntimeError, match="closed"):
            await asyncio.wait_for(waiting, timeout=5)
        assert backend.subscription_count == 0
    finally:
        await backend.close()
        await client.aclose()


async def test_a_subscribe_waiting_when_the_listener_fails_gets_the_error(
    space: RedisSpace,
) -> None:
    name = f"rt-{space.prefix.split(':')[1]}"
    gate = Gate(lose={"PING", "UNSUBSCRIBE"})  # nothing is sent on the dead connection
    client = gated_client(f"{space.url}?client_name={name}", gate)
    backend = RedisRealtime(client=client, prefix=space.prefix)
    try:
        waiting = asyncio.create_task(backend.subscribe("room:room-1", Inbox()))
        await gate.wait_lost()
        await _kill_clients_named(space, name)

        with pytest.raises(RedisConnectionError):
            await asyncio.wait_for(waiting, timeout=5)
        assert backend.subscription_count == 0
    finally:
        await backend.close()
        await client.aclose()


async def test_a_subscribe_outlives_a_reconnection_of_the_listener(space: RedisSpace) -> None:
    name = f"rt-{space.prefix.split(':')[1]}"
    gate = Gate(lose={"PING"})  # lost with the connection; sent again on the new one
    client = gated_client(
        f"{space.url}?client_name={name}", gate, retry=Retry(NoBackoff(), retries=3)
    )
    backend = RedisRealtime(client=client, prefix=space.prefix)
    publisher = RedisRealtime(space.url, prefix=space.prefix)
    inbox = Inbox()
    try:
        waiting = asyncio.create_task(backend.subscribe("room:room-1", inbox))
        await gate.wait_lost()
        await _kill_clients_named(space, name)
        await asyncio.wait_for(waiting, timeout=5)
        await publisher.publish("room:room-1", typing("after"))

        assert [e.user_id for e in await inbox.wait_for(1)] == ["after"]
    finally:
        await backend.close()
        await publisher.close()
        await client.aclose()


async def test_close_ends_everything_and_is_final(space: RedisSpace) -> None:
    backend = RedisRealtime(space.url, prefix=space.prefix)
    await backend.subscribe("room:room-1", Inbox())

    await backend.close()
    await backend.close()

    assert backend.subscription_count == 0
    with pytest.raises(RuntimeError, match="closed"):
        await backend.publish("room:room-1", typing())
    with pytest.raises(RuntimeError, match="closed"):
        await backend.subscribe("room:room-1", Inbox())
    counts = await space.client.pubsub_numsub(f"{space.prefix}room:room-1")
    assert counts == [(f"{space.prefix}room:room-1", 0)]


@pytest.mark.parametrize(
    "options",
    [{"decode_responses": True}, {"protocol": 2}, {"protocol": 2, "decode_responses": True}],
    ids=["decoded", "resp2", "resp2-decoded"],
)
async def test_a_given_client_is_left_open(space: RedisSpace, options: dict[str, Any]) -> None:
    async with Redis.from_url(space.url, **options) as client:
        backend = RedisRealtime(client=client, prefix=space.prefix)
        inbox = Inbox()
        try:
            for _ in range(2):  # each subscribe waits for Redis to answer its PING
                await asyncio.wait_for(backend.subscribe("room:room-1", inbox), timeout=5)
            await backend.publish("room:room-1", typing())
            await inbox.wait_for(2)
        finally:
            await backend.close()

        assert await client.ping() is True


def test_repr_never_shows_the_url() -> None:
    backend = RedisRealtime("redis://:hunter2-secret@cache.example:6379/0", prefix="app:")

    assert repr(backend) == "RedisRealtime(prefix='app:')"
    assert "hunter2" not in repr(backend)


async def test_kits_in_two_processes_share_typing_and_receipts(space: RedisSpace) -> None:
    inbox = Inbox()
    async with (
        RoomKit(realtime=RedisRealtime(space.url, prefix=space.prefix)) as watching,
        RoomKit(realtime=RedisRealtime(space.url, prefix=space.prefix)) as typing_kit,
    ):
        await watching.subscribe_room("room-1", inbox)
        await typing_kit.publish_typing("room-1", "alice")
        await typing_kit.publish_read_receipt("room-1", "alice", "event-9")

        received = await inbox.wait_for(2)
    assert [e.type for e in received] == [
        EphemeralEventType.TYPING_START,
        EphemeralEventType.READ_RECEIPT,
    ]
    assert received[1].data.get("event_id") == "event-9"
