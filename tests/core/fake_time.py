"""A controllable clock for the resilience tests: sleeping advances time instantly."""

from __future__ import annotations

import asyncio


class FakeClock:
    """Monotonic clock whose ``sleep`` moves time forward instead of waiting."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)
