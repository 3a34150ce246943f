"""The three shipped stores driven side by side, for the differential test.

A :class:`StoreTrio` opens an :class:`~roomkit.store.InMemoryStore` (the reference), a
SQLite store in a temporary directory and a PostgreSQL store in a schema of its own,
with the conformance suite's factories, all on a private event loop so that a
synchronous Hypothesis state machine can drive them. :meth:`StoreTrio.same` makes one
call on each store and asserts that every store answered what the reference answered.

All three share one clock, moved forward before every call, so ``Room.updated_at`` (the
only time a store stamps itself) is the same everywhere; every other timestamp is one
the test passes in, which the contract makes the stores keep.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Sequence
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from roomkit.models._clone import clone
from roomkit.store import ConversationStore
from tests.store.backends import memory, postgres, sqlite

__all__ = ["REFERENCE", "SQL_STORES", "STORES", "Outcome", "StoreTrio", "plain"]

REFERENCE = "memory"
SQL_STORES = ("sqlite", "postgres")
STORES = (REFERENCE, *SQL_STORES)
_FACTORIES = {"memory": memory, "sqlite": sqlite, "postgres": postgres}

START = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
TICK = timedelta(milliseconds=1, microseconds=1)
"""How far the shared clock moves per call: sub-millisecond digits must survive too."""

Outcome = tuple[str, Any]
"""``("ok", plain value)`` or ``("raised", exception class name)``."""


def plain(value: Any) -> Any:
    """A value comparable with ``==`` whatever store made it (models become dicts)."""
    if isinstance(value, BaseModel):
        return value.model_dump()
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def _copy(arg: Any) -> Any:
    """Each store gets its own copy of a model argument (none may see another's)."""
    return clone(arg) if isinstance(arg, BaseModel) else arg


class StoreTrio:
    """The three stores, open on a private event loop until :meth:`close`."""

    def __init__(self) -> None:
        """Open a fresh, empty store of each backend."""
        self.now = START
        self._runner = asyncio.Runner()
        self._tmp = tempfile.TemporaryDirectory(prefix="roomkit-differential-")
        self._stack = AsyncExitStack()
        self.stores: dict[str, ConversationStore] = {}
        try:
            for name in STORES:
                place = Path(self._tmp.name) / name
                place.mkdir()
                opened = _FACTORIES[name](place, clock=self._clock)
                self.stores[name] = self._runner.run(self._stack.enter_async_context(opened))
        except BaseException:
            self.close()
            raise

    def _clock(self) -> datetime:
        return self.now

    def call(self, name: str, method: str, *args: Any, **kwargs: Any) -> Outcome:
        """Call ``method`` on one store and return what happened, normalised."""
        bound = getattr(self.stores[name], method)
        args = tuple(_copy(arg) for arg in args)
        try:
            result = self._runner.run(bound(*args, **kwargs))
        except Exception as exc:  # any exception is an answer to compare
            return ("raised", type(exc).__name__)
        return ("ok", plain(result))

    def same(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """Call ``method`` on every store, assert they all answered alike, and return the
        result (an exception is not raised: its outcome ``("raised", name)`` is returned)."""
        return self.same_on(STORES, method, *args, **kwargs)

    def same_on(self, names: Sequence[str], method: str, *args: Any, **kwargs: Any) -> Any:
        """As :meth:`same`, on some of the stores (the first is the one others must match)."""
        self.now += TICK
        answers = {name: self.call(name, method, *args, **kwargs) for name in names}
        expected = answers[names[0]]
        for name, answer in answers.items():
            assert answer == expected, (
                f"{method}{args!r}{kwargs or ''}: {name} answered\n  {answer!r}\n"
                f"but {names[0]} answered\n  {expected!r}"
            )
        return expected[1] if expected[0] == "ok" else expected

    def reference(self, method: str, *args: Any) -> Any:
        """Ask the reference store alone (to decide what to do next, not to compare)."""
        return self._runner.run(getattr(self.stores[REFERENCE], method)(*args))

    def compare_room(self, room_id: str) -> None:
        """Assert that the stores hold the same of everything in one room."""
        for method in ("get_room", "list_bindings", "list_participants", "list_tasks"):
            self.same(method, room_id)
        self.same("list_observations", room_id)
        self.same("list_events", room_id, 0, 1000)

    def pick_event(self, room_id: str, choice: int | str) -> str:
        """An event id: the room's event at position ``choice`` (if any), or ``choice``."""
        if isinstance(choice, str):
            return choice
        timeline = self.reference("list_events", room_id)
        return timeline[choice % len(timeline)].id if timeline else "e0"

    def pick_channel(self, room_id: str, choice: int | str) -> str:
        """A channel id: the room's binding at position ``choice`` (if any), or ``choice``."""
        if isinstance(choice, str):
            return choice
        bindings = self.reference("list_bindings", room_id)
        return bindings[choice % len(bindings)].channel_id if bindings else "c0"

    def key_taken(self, room_id: str, key: str | None, event_id: str) -> bool:
        """Whether an event of the room other than ``event_id`` holds ``key``."""
        if key is None or not self.reference("check_idempotency", room_id, key):
            return False
        holder = self.reference("get_event", event_id)
        return holder is None or holder.room_id != room_id or holder.idempotency_key != key

    def close(self) -> None:
        """Close every store, drop the PostgreSQL schema, remove the directory."""
        try:
            self._runner.run(self._stack.aclose())
        finally:
            self._runner.close()
            self._tmp.cleanup()
