"""Helpers of the Redis tests: fake time, a controllable sleep, log signals, a bad network."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Connection, Redis


@dataclass(frozen=True)
class RedisSpace:
    """The Redis URL, this test's key prefix, and a client for looking at the keys."""

    url: str
    prefix: str
    client: Redis


class ManualSleep:
    """A ``sleep`` that returns only when the test says so, recording each delay."""

    def __init__(self) -> None:
        self.delays: list[float] = []
        self._wakeups: asyncio.Queue[None] = asyncio.Queue()
        self._calls: asyncio.Queue[float] = asyncio.Queue()

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        self._calls.put_nowait(delay)
        await self._wakeups.get()

    async def next_call(self) -> float:
        """Wait (at most 5 s) until the code under test goes to sleep; return the delay."""
        return await asyncio.wait_for(self._calls.get(), timeout=5)

    def wake(self) -> None:
        """Let one pending (or the next) sleep return."""
        self._wakeups.put_nowait(None)


@dataclass
class FakeTime:
    """A monotonic clock that only ``sleep`` moves forward."""

    now: float = 0.0
    pauses: list[float] = field(default_factory=list)

    def clock(self) -> float:
        """The current fake time."""
        return self.now

    async def sleep(self, delay: float) -> None:
        """Advance the clock by ``delay`` and let other tasks run once."""
        self.pauses.append(delay)
        self.now += delay
        await asyncio.sleep(0)


class LogSignal(logging.Handler):
    """A log handler that signals when a record containing ``text`` is emitted."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
        self.seen = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if self.text in record.getMessage():
            self.seen.set()

    async def wait(self) -> None:
        """Wait (at most 5 s) for the record."""
        await asyncio.wait_for(self.seen.wait(), timeout=5)


async def eventually(check: Callable[[], Awaitable[bool]], attempts: int = 100) -> None:
    """Retry an I/O-bound ``check`` (for what another connection has yet to see)."""
    for _ in range(attempts):
        if await check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the condition never held")


@dataclass
class Gate:
    """Commands that gated connections delay or lose, each once, as a network might."""

    hold: set[str] = field(default_factory=set)
    """Sent only just before the connection's next command."""
    lose: set[str] = field(default_factory=set)
    """Never sent."""
    lost: asyncio.Event = field(default_factory=asyncio.Event)
    sent: list[tuple[Any, ...]] = field(default_factory=list)
    """Every command given to a gated connection (sent, held or lost), in order."""

    async def wait_lost(self) -> None:
        """Wait (at most 5 s) until a command has been lost."""
        await asyncio.wait_for(self.lost.wait(), timeout=5)


class GatedConnection(Connection):
    """A Redis connection that obeys a :class:`Gate` (``Redis.from_url(..., gate=...)``)."""

    def __init__(self, *, gate: Gate, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.gate = gate
        self.held: tuple[Any, ...] = ()

    async def send_command(self, *args: Any, **kwargs: Any) -> None:
        self.gate.sent.append(args)
        held, self.held = self.held, ()
        if held:
            await super().send_command(*held)
        name = str(args[0]).upper()
        if name in self.gate.hold:
            self.gate.hold.discard(name)
            self.held = args
        elif name in self.gate.lose:
            self.gate.lose.discard(name)
            self.gate.lost.set()
        else:
            await super().send_command(*args, **kwargs)


def gated_client(url: str, gate: Gate, **options: Any) -> Redis:
    """A client on ``url`` whose connections obey ``gate``."""
    return Redis.from_url(url, connection_class=GatedConnection, gate=gate, **options)
