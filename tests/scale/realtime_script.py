"""A script of realtime calls, played on a reference model and on real backends.

A script is a list of steps: ``("sub", name, room, mode)``, ``("pub", room, kind,
user)``, ``("unsub", name)`` and ``("close",)``. :func:`model` says what the
:class:`~roomkit.realtime.base.RealtimeBackend` contract makes each subscriber receive;
:class:`Player` plays the script on a backend and records what each one did receive.

Delivery is asynchronous, so before each step that is not a publish (and at the end)
the script *settles*: a fence event is published on every room of the script and the
player waits (at most 5 s) until each live subscriber, and a watcher of its own on the
room, has received it. Fences are recorded like any event, so the model predicts them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, nullcontext
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from roomkit.realtime.base import EphemeralEvent, EphemeralEventType, RealtimeBackend
from roomkit.realtime.memory import InMemoryRealtime
from roomkit.scale.realtime import RedisRealtime
from tests.services import redis_prefix

T = EphemeralEventType
STAMP = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
KINDS: dict[str, tuple[EphemeralEventType, dict[str, Any]]] = {
    "typing": (T.TYPING_START, {}),
    "stop": (T.TYPING_STOP, {}),
    "online": (T.PRESENCE_ONLINE, {}),
    "away": (T.PRESENCE_AWAY, {"since": "09:00"}),
    "offline": (T.PRESENCE_OFFLINE, {}),
    "read": (T.READ_RECEIPT, {"event_id": "ev-9"}),
    "custom": (T.CUSTOM, {"deep": {"list": [1, "two", None, 2.5], "flag": True}}),
}
MODES = ("plain", "flaky", "once")
"""Subscriber kinds: records; records then raises; unsubscribes itself on its first event."""

Step = tuple[Any, ...]
Observed = tuple[list[Any], dict[str, list[Any]]]
"""The result of each step, and what each subscriber received (events and markers)."""


def make_event(n: int, room: str, kind: str, user: str) -> EphemeralEvent:
    kind_type, data = KINDS[kind]
    return EphemeralEvent(
        id=f"e{n}",
        room_id=room,
        type=kind_type,
        user_id=user,
        channel_id="ws-1",
        data={key: value for key, value in data.items()},
        timestamp=STAMP + timedelta(milliseconds=n),
    )


def rooms_of(steps: list[Step]) -> list[str]:
    """The rooms anyone subscribes to in the script: those a settle step fences."""
    return sorted({step[2] for step in steps if step[0] == "sub"})


def fence(n: int, room: str) -> EphemeralEvent:
    """The marker published on ``room`` when settling before step ``n``."""
    return EphemeralEvent(
        id=f"fence{n}:{room}", room_id=room, type=T.CUSTOM, user_id="fence", timestamp=STAMP
    )


def model(steps: list[Step]) -> Observed:
    """What the ABC promises: each live subscriber of a room gets its events, in order."""
    subs: dict[str, list[Any]] = {}  # name -> [room, mode, live]
    got: dict[str, list[Any]] = {}
    outcomes: list[Any] = []

    def deliver(room: str, event: EphemeralEvent) -> None:
        for name, (sub_room, mode, live) in subs.items():
            if live and sub_room == room:
                got[name].append(event)
                if mode == "once":
                    got[name].append(("unsubscribed", True))
                    subs[name][2] = False

    def settle(n: int) -> None:
        for room in rooms_of(steps):
            deliver(room, fence(n, room))

    for n, step in enumerate(steps):
        if step[0] != "pub":
            settle(n)
        if step[0] == "sub":
            subs[step[1]] = [step[2], step[3], True]
            got[step[1]] = []
            outcomes.append(None)
        elif step[0] == "pub":
            deliver(step[1], make_event(n, *step[1:]))
            outcomes.append(None)
        elif step[0] == "unsub":
            live = step[1] in subs and subs[step[1]][2]
            if live:
                subs[step[1]][2] = False
            outcomes.append(live)
        else:  # close
            for sub in subs.values():
                sub[2] = False
            outcomes.append(None)
    settle(len(steps))
    return outcomes, got


class Player:
    """Plays a script on a backend (``publisher`` may be a second process)."""

    def __init__(self, backend: RealtimeBackend, publisher: RealtimeBackend) -> None:
        self.backend, self.publisher = backend, publisher
        self.subs: dict[str, list[Any]] = {}  # name -> [room, mode, live, subscription id]
        self.got: dict[str, list[Any]] = {}
        self.arrived = asyncio.Condition()
        self.fenced: list[EphemeralEvent] = []
        self.closed = False

    def _callback(self, name: str) -> Callable[[EphemeralEvent], Awaitable[None]]:
        async def receive(event: EphemeralEvent) -> None:
            sub = self.subs[name]
            async with self.arrived:
                self.got[name].append(event)
                if sub[1] == "once" and sub[2]:
                    sub[2] = False
                    self.got[name].append(("unsubscribed", await self.backend.unsubscribe(sub[3])))
                self.arrived.notify_all()
            if sub[1] == "flaky":
                raise RuntimeError("subscriber bug")

        return receive

    async def _watch(self, event: EphemeralEvent) -> None:
        async with self.arrived:
            self.fenced.append(event)
            self.arrived.notify_all()

    async def settle(self, n: int, rooms: list[str]) -> None:
        """Fence every room; wait until its watcher and each live subscriber got it.

        The watcher (a subscription of the player's own, on each room from the start)
        proves the fence was handed out, so a later subscriber cannot be given it.
        """
        for room in rooms if not self.closed else []:
            marker = fence(n, room)
            await self.publisher.publish_to_room(room, marker)
            waiting = [name for name, sub in self.subs.items() if sub[2] and sub[0] == room]

            def done(marker: EphemeralEvent = marker, waiting: list[str] = waiting) -> bool:
                return marker in self.fenced and all(
                    marker in self.got[name] or not self.subs[name][2] for name in waiting
                )

            async with self.arrived:
                await asyncio.wait_for(self.arrived.wait_for(done), timeout=5)

    async def play(self, steps: list[Step]) -> Observed:
        outcomes: list[Any] = []
        rooms = rooms_of(steps)
        for room in rooms:
            await self.backend.subscribe_to_room(room, self._watch)
        for n, step in enumerate(steps):
            if step[0] != "pub":
                await self.settle(n, rooms)
            outcomes.append(await self._step(n, step))
        await self.settle(len(steps), rooms)
        return outcomes, self.got

    async def _step(self, n: int, step: Step) -> Any:
        if step[0] == "sub":
            name, room, mode = step[1:]
            self.got[name] = []
            self.subs[name] = [room, mode, True, None]
            self.subs[name][3] = await self.backend.subscribe_to_room(room, self._callback(name))
        elif step[0] == "pub":
            await self.publisher.publish_to_room(step[1], make_event(n, *step[1:]))
        elif step[0] == "unsub":
            sub = self.subs.get(step[1], [None, None, False, "no-such-subscription"])
            sub[2] = False
            return await self.backend.unsubscribe(sub[3])
        else:
            await self.backend.close()
            self.closed = True
            for sub in self.subs.values():
                sub[2] = False
        return None


@asynccontextmanager
async def realtime_pair(kind: str) -> AsyncIterator[tuple[Any, Any, tuple[str, str]]]:
    """The subscribing backend, the publishing one, and the Redis (url, prefix) in use.

    ``kind`` is ``memory``, ``redis`` (one process) or ``redis-2`` (the publisher is a
    second process). Redis channels live under a prefix of their own; the in-memory
    backend needs no server.
    """
    async with nullcontext(("", "")) if kind == "memory" else redis_prefix() as place:
        if kind == "memory":
            backend: RealtimeBackend = InMemoryRealtime()
            publisher = backend
        else:
            backend = RedisRealtime(place[0], prefix=place[1])
            publisher = RedisRealtime(place[0], prefix=place[1]) if kind == "redis-2" else backend
        try:
            yield backend, publisher, place
        finally:
            await backend.close()
            await publisher.close()


async def observe_all(steps: list[Step]) -> dict[str, Observed]:
    """The model's and each backend's observations of ``steps``."""
    seen = {"model": model(steps)}
    for kind in ("memory", "redis", "redis-2"):
        async with realtime_pair(kind) as (backend, publisher, _):
            seen[kind] = await Player(backend, publisher).play(steps)
    return seen


def assert_agree(seen: dict[str, Observed]) -> None:
    for kind in ("memory", "redis", "redis-2"):
        assert seen[kind] == seen["model"], f"{kind} differs from the model"


async def received_alone(kind: str, send: Callable[[RealtimeBackend], Awaitable[None]]) -> Any:
    """Subscribe one callback to room r1, run ``send``, return the first event it gets."""
    async with realtime_pair(kind) as (backend, _, _):
        got: asyncio.Queue[EphemeralEvent] = asyncio.Queue()
        await backend.subscribe_to_room("r1", partial(put, got))
        await send(backend)
        return await asyncio.wait_for(got.get(), timeout=5)


async def put(queue: asyncio.Queue[EphemeralEvent], event: EphemeralEvent) -> None:
    queue.put_nowait(event)
