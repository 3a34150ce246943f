"""The hook engine: registration, filtering and the sync/async hook pipelines.

Sync hooks (``HookExecution.SYNC``) run one after another in ascending ``priority`` and
return a :class:`HookResult`; the first *block* stops the pipeline, a *modify* replaces the
event seen by later hooks. Async hooks run concurrently and their results are ignored.

A hook that raises or exceeds its timeout is **skipped** (fail-open): the pipeline goes on
as if it had allowed the event, and the failure is reported as a :class:`HookError` so the
framework can emit ``hook_error`` and run ``ON_ERROR`` hooks. Blocking is therefore always
an explicit decision of a hook, never a side effect of a bug in it.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from types import CoroutineType
from typing import Any

from roomkit._concurrency import call_with_timeout, run_concurrently
from roomkit.models.context import RoomContext
from roomkit.models.enums import ChannelDirection, ChannelType, HookExecution, HookTrigger
from roomkit.models.event import RoomEvent
from roomkit.models.hook import HookResult, InjectedEvent
from roomkit.models.identity import IdentityHookResult
from roomkit.models.task import Observation, Task
from roomkit.telemetry import Telemetry

__all__ = [
    "HookEngine",
    "HookError",
    "HookFn",
    "HookRegistration",
    "SyncPipelineResult",
]

logger = logging.getLogger("roomkit.hooks")

HookFn = Callable[..., Any]
"""A hook callable: ``async def hook(event, ctx) -> HookResult | None`` (sync also accepted)."""

_PLAIN_RESULTS = (HookResult, IdentityHookResult)
"""What sync hooks return: never awaitable, so no need to ask."""


@dataclass(frozen=True, slots=True)
class HookRegistration:
    """A hook function with its trigger, ordering, timeout and event filters."""

    trigger: HookTrigger
    fn: HookFn
    execution: HookExecution = HookExecution.SYNC
    priority: int = 0
    name: str = ""
    timeout: float = 30.0
    channel_types: frozenset[ChannelType] | None = None
    channel_ids: frozenset[str] | None = None
    directions: frozenset[ChannelDirection] | None = None

    def matches(self, event: RoomEvent) -> bool:
        """Return whether the event's source passes this hook's filters."""
        source = event.source
        if self.channel_types is not None and source.channel_type not in self.channel_types:
            return False
        if self.channel_ids is not None and source.channel_id not in self.channel_ids:
            return False
        return self.directions is None or source.direction in self.directions


@dataclass(frozen=True, slots=True)
class HookError:
    """A hook that raised or timed out."""

    hook_name: str
    trigger: HookTrigger
    error: BaseException

    @property
    def timed_out(self) -> bool:
        """Whether the hook exceeded its timeout."""
        return isinstance(self.error, TimeoutError)


@dataclass(slots=True)
class SyncPipelineResult:
    """Outcome of the sync hooks for one event."""

    event: RoomEvent
    allowed: bool = True
    blocked_by: str | None = None
    reason: str | None = None
    injected_events: list[InjectedEvent] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    errors: list[HookError] = field(default_factory=list)


def _frozen[T](values: Iterable[T] | None) -> frozenset[T] | None:
    return None if values is None else frozenset(values)


async def call_hook(fn: HookFn, timeout: float, *args: Any) -> Any:
    """Call a hook (async or plain function) and wait at most ``timeout`` for its result."""
    result = fn(*args)
    # The usual answers first, by exact type: a coroutine (an async hook) or a hook's
    # result; ``inspect.isawaitable`` is a slower, general test.
    if isinstance(result, CoroutineType):
        return await call_with_timeout(result, timeout)
    if result is None or type(result) in _PLAIN_RESULTS or not inspect.isawaitable(result):
        return result
    return await call_with_timeout(result, timeout)


class HookEngine:
    """Holds global and per-room hooks and runs them for a trigger.

    With an enabled ``telemetry``, every hook run is recorded as a ``roomkit.hook`` span.
    """

    def __init__(self, telemetry: Telemetry | None = None) -> None:
        self._telemetry = telemetry if telemetry is not None else Telemetry()
        self._global: dict[HookTrigger, list[HookRegistration]] = {}
        self._rooms: dict[str, dict[HookTrigger, list[HookRegistration]]] = {}

    @staticmethod
    def make(
        trigger: HookTrigger,
        fn: HookFn,
        *,
        execution: HookExecution = HookExecution.SYNC,
        priority: int = 0,
        name: str = "",
        timeout: float = 30.0,
        channel_types: Iterable[ChannelType] | None = None,
        channel_ids: Iterable[str] | None = None,
        directions: Iterable[ChannelDirection] | None = None,
    ) -> HookRegistration:
        """Build a registration, naming it after the function when no name is given."""
        if timeout <= 0:
            raise ValueError("hook timeout must be positive")
        return HookRegistration(
            trigger=HookTrigger(trigger),
            fn=fn,
            execution=HookExecution(execution),
            priority=priority,
            name=name or getattr(fn, "__name__", "hook"),
            timeout=timeout,
            channel_types=_frozen(channel_types),
            channel_ids=_frozen(channel_ids),
            directions=_frozen(directions),
        )

    def register(self, hook: HookRegistration) -> None:
        """Add a hook that applies to every room."""
        self._insert(self._global.setdefault(hook.trigger, []), hook)

    def add_room_hook(self, room_id: str, hook: HookRegistration) -> None:
        """Add a hook that applies to one room only."""
        triggers = self._rooms.setdefault(room_id, {})
        self._insert(triggers.setdefault(hook.trigger, []), hook)

    def remove_room_hook(self, room_id: str, name: str) -> bool:
        """Remove every hook called ``name`` from a room; return whether any was removed."""
        triggers = self._rooms.get(room_id)
        if not triggers:
            return False
        removed = False
        for trigger, hooks in list(triggers.items()):
            kept = [h for h in hooks if h.name != name]
            removed = removed or len(kept) != len(hooks)
            if kept:
                triggers[trigger] = kept
            else:
                del triggers[trigger]
        if not triggers:
            del self._rooms[room_id]
        return removed

    def clear_room(self, room_id: str) -> None:
        """Forget every hook of a room (used when a room is deleted)."""
        self._rooms.pop(room_id, None)

    def has_hooks(self, trigger: HookTrigger, room_id: str | None = None) -> bool:
        """Return whether any hook is registered for the trigger (globally or in the room)."""
        if self._global.get(trigger):
            return True
        return room_id is not None and bool(self._rooms.get(room_id, {}).get(trigger))

    def hooks_for(
        self,
        trigger: HookTrigger,
        room_id: str | None = None,
        execution: HookExecution | None = None,
    ) -> list[HookRegistration]:
        """Return the hooks for a trigger in priority order (global ones first on ties)."""
        hooks = self._global.get(trigger, [])
        room_hooks = self._rooms.get(room_id, {}).get(trigger) if room_id else None
        if room_hooks:
            hooks = sorted([*hooks, *room_hooks], key=lambda h: h.priority)
        if execution is not None:
            return [h for h in hooks if h.execution == execution]
        return list(hooks)

    @staticmethod
    def _insert(hooks: list[HookRegistration], hook: HookRegistration) -> None:
        hooks.append(hook)
        hooks.sort(key=lambda h: h.priority)  # stable: same priority keeps insertion order

    async def run_sync(
        self, trigger: HookTrigger, event: RoomEvent, context: RoomContext
    ) -> SyncPipelineResult:
        """Run the sync hooks for ``trigger`` in order and fold their verdicts."""
        result = SyncPipelineResult(event=event)
        for hook in self.hooks_for(trigger, event.room_id, HookExecution.SYNC):
            if not hook.matches(result.event):
                continue
            try:
                verdict = await self.call(hook, result.event, context)
            except Exception as exc:
                logger.warning("hook %r failed on %s: %r", hook.name, trigger, exc)
                result.errors.append(HookError(hook.name, trigger, exc))
                continue
            if not isinstance(verdict, HookResult):
                continue
            result.injected_events.extend(verdict.injected_events)
            result.tasks.extend(verdict.tasks)
            result.observations.extend(verdict.observations)
            if verdict.action == "block":
                result.allowed = False
                result.blocked_by = hook.name
                result.reason = verdict.reason
                break
            if verdict.action == "modify" and verdict.event is not None:
                result.event = verdict.event
        return result

    async def run_async(
        self, trigger: HookTrigger, event: Any, context: RoomContext | None, *extra: Any
    ) -> list[HookError]:
        """Run every hook for ``trigger`` concurrently; return the failures."""
        room_id = getattr(event, "room_id", None)
        hooks = self.hooks_for(trigger, room_id)
        if isinstance(event, RoomEvent):
            hooks = [h for h in hooks if h.matches(event)]
        if not hooks:
            return []
        if len(hooks) == 1:  # the usual case: nothing to run beside it
            outcomes: list[HookError | None | BaseException] = [
                await self._run_one(hooks[0], event, context, *extra)
            ]
        else:
            outcomes = await run_concurrently(
                [self._run_one(h, event, context, *extra) for h in hooks]
            )
        errors: list[HookError] = []
        for outcome in outcomes:
            if isinstance(outcome, BaseException):  # _run_one already catches Exception
                raise outcome
            if outcome is not None:
                errors.append(outcome)
        return errors

    async def _run_one(
        self, hook: HookRegistration, event: Any, context: RoomContext | None, *extra: Any
    ) -> HookError | None:
        try:
            await self.call(hook, event, context, *extra)
        except Exception as exc:
            logger.warning("hook %r failed on %s: %r", hook.name, hook.trigger, exc)
            return HookError(hook.name, hook.trigger, exc)
        return None

    def call(self, hook: HookRegistration, *args: Any) -> Coroutine[Any, Any, Any]:
        """Call one hook (await the result), in a ``roomkit.hook`` span with telemetry.

        A plain method handing back the coroutine to await: hooks run for every event,
        and this spares each call a frame of its own.
        """
        if not self._telemetry.enabled:
            return call_hook(hook.fn, hook.timeout, *args)
        return self._traced_call(hook, *args)

    async def _traced_call(self, hook: HookRegistration, *args: Any) -> Any:
        """Call one hook inside a ``roomkit.hook`` span."""
        attributes = {
            "roomkit.hook.name": hook.name,
            "roomkit.hook.trigger": str(hook.trigger),
            "roomkit.hook.execution": str(hook.execution),
        }
        with self._telemetry.span("roomkit.hook", attributes) as span:
            try:
                verdict = await call_hook(hook.fn, hook.timeout, *args)
            except Exception as exc:
                timed_out = isinstance(exc, TimeoutError)
                span.set_attribute("roomkit.hook.outcome", "timeout" if timed_out else "error")
                span.set_attribute("roomkit.hook.timed_out", timed_out)
                raise
            outcome = _outcome(hook, verdict)
            span.set_attribute("roomkit.hook.outcome", outcome)
            span.set_attribute("roomkit.hook.timed_out", False)
            return verdict


def _outcome(hook: HookRegistration, verdict: Any) -> str:
    """Name what a hook decided, for its span (never its content)."""
    if hook.execution is not HookExecution.SYNC:
        return "completed"
    if isinstance(verdict, HookResult):
        return verdict.action
    if isinstance(verdict, IdentityHookResult):
        return f"identity_{verdict.status}"
    return "allow"
