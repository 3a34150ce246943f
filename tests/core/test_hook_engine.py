"""HookEngine on its own: registration, ordering, filters and the sync/async runners."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from roomkit import (
    ChannelDirection,
    ChannelType,
    EventSource,
    HookEngine,
    HookError,
    HookExecution,
    HookRegistration,
    HookResult,
    HookTrigger,
    InjectedEvent,
    RoomContext,
    RoomEvent,
    TextContent,
)
from tests.factories import make_event, make_observation, make_room, make_task

BEFORE = HookTrigger.BEFORE_BROADCAST
AFTER = HookTrigger.AFTER_BROADCAST
CTX = RoomContext(room=make_room(id="room-1"))


def hook(fn: Any, trigger: HookTrigger = BEFORE, **options: Any) -> HookRegistration:
    """Build a registration with HookEngine.make."""
    return HookEngine.make(trigger, fn, **options)


async def noop(event: RoomEvent, ctx: RoomContext) -> None:
    """A hook that does nothing."""


# --- registration ---------------------------------------------------------------------


def test_make_fills_defaults_and_names_the_hook_after_its_function() -> None:
    registration = hook(noop, channel_types=[ChannelType.SMS], directions=["inbound"])

    assert registration.name == "noop"
    assert registration.execution is HookExecution.SYNC
    assert registration.priority == 0 and registration.timeout == 30.0
    assert registration.channel_types == frozenset({ChannelType.SMS})
    assert registration.channel_ids is None
    assert registration.directions == frozenset({ChannelDirection.INBOUND})


def test_make_names_a_nameless_callable_hook() -> None:
    class Callable:
        def __call__(self, event: RoomEvent, ctx: RoomContext) -> None:
            return None

    assert hook(Callable()).name == "hook"
    assert hook(Callable(), name="explicit").name == "explicit"


@pytest.mark.parametrize("timeout", [0, -1.0])
def test_make_rejects_a_non_positive_timeout(timeout: float) -> None:
    with pytest.raises(ValueError, match="timeout"):
        hook(noop, timeout=timeout)


def test_make_accepts_string_enums() -> None:
    registration = HookEngine.make("after_broadcast", noop, execution="async")  # type: ignore[arg-type]

    assert registration.trigger is AFTER and registration.execution is HookExecution.ASYNC


def test_hooks_for_orders_by_priority_global_first_on_ties() -> None:
    engine = HookEngine()
    engine.register(hook(noop, priority=5, name="g5"))
    engine.register(hook(noop, priority=1, name="g1a"))
    engine.register(hook(noop, priority=1, name="g1b"))
    engine.add_room_hook("room-1", hook(noop, priority=1, name="r1"))
    engine.add_room_hook("room-1", hook(noop, priority=-3, name="r-3"))
    engine.add_room_hook("room-2", hook(noop, priority=0, name="other-room"))

    names = [h.name for h in engine.hooks_for(BEFORE, "room-1")]

    assert names == ["r-3", "g1a", "g1b", "r1", "g5"]
    assert [h.name for h in engine.hooks_for(BEFORE)] == ["g1a", "g1b", "g5"]
    assert [h.name for h in engine.hooks_for(AFTER, "room-1")] == []


def test_hooks_for_filters_by_execution() -> None:
    engine = HookEngine()
    engine.register(hook(noop, name="sync"))
    engine.register(hook(noop, name="async", execution=HookExecution.ASYNC))

    assert [h.name for h in engine.hooks_for(BEFORE, execution=HookExecution.ASYNC)] == ["async"]


def test_hooks_for_returns_a_copy() -> None:
    engine = HookEngine()
    engine.register(hook(noop))

    engine.hooks_for(BEFORE).clear()

    assert len(engine.hooks_for(BEFORE)) == 1


def test_has_hooks_sees_global_and_room_hooks() -> None:
    engine = HookEngine()
    assert not engine.has_hooks(BEFORE, "room-1")

    engine.add_room_hook("room-1", hook(noop))
    assert engine.has_hooks(BEFORE, "room-1")
    assert not engine.has_hooks(BEFORE, "room-2")
    assert not engine.has_hooks(BEFORE)

    engine.register(hook(noop))
    assert engine.has_hooks(BEFORE) and engine.has_hooks(BEFORE, "room-2")


def test_remove_room_hook_removes_every_trigger_of_that_name() -> None:
    engine = HookEngine()
    engine.add_room_hook("room-1", hook(noop, name="audit"))
    engine.add_room_hook("room-1", hook(noop, AFTER, name="audit"))
    engine.add_room_hook("room-1", hook(noop, AFTER, name="keep"))

    assert engine.remove_room_hook("room-1", "audit") is True

    assert engine.hooks_for(BEFORE, "room-1") == []
    assert [h.name for h in engine.hooks_for(AFTER, "room-1")] == ["keep"]
    assert engine.remove_room_hook("room-1", "audit") is False
    assert engine.remove_room_hook("room-1", "keep") is True
    assert not engine.has_hooks(AFTER, "room-1")
    assert engine.remove_room_hook("room-1", "keep") is False


def test_clear_room_forgets_its_hooks() -> None:
    engine = HookEngine()
    engine.add_room_hook("room-1", hook(noop))

    engine.clear_room("room-1")
    engine.clear_room("never-had-hooks")

    assert not engine.has_hooks(BEFORE, "room-1")


def test_registration_filters() -> None:
    sms_in = make_event(channel_id="sms-1", channel_type=ChannelType.SMS)
    ai_out = make_event(
        source=EventSource(
            channel_id="ai-1", channel_type=ChannelType.AI, direction=ChannelDirection.OUTBOUND
        )
    )

    assert hook(noop).matches(sms_in) and hook(noop).matches(ai_out)
    assert hook(noop, channel_types=[ChannelType.SMS]).matches(sms_in)
    assert not hook(noop, channel_types=[ChannelType.SMS]).matches(ai_out)
    assert hook(noop, channel_ids=["ai-1"]).matches(ai_out)
    assert not hook(noop, channel_ids=["ai-1"]).matches(sms_in)
    assert hook(noop, directions=[ChannelDirection.OUTBOUND]).matches(ai_out)
    assert not hook(noop, directions=[ChannelDirection.OUTBOUND]).matches(sms_in)


def test_hook_error_knows_whether_it_timed_out() -> None:
    assert HookError("h", BEFORE, TimeoutError()).timed_out
    assert not HookError("h", BEFORE, RuntimeError()).timed_out


# --- run_sync --------------------------------------------------------------------------


async def test_run_sync_without_hooks_allows_the_event_unchanged() -> None:
    event = make_event()

    result = await HookEngine().run_sync(BEFORE, event, CTX)

    assert result.allowed and result.event is event and result.errors == []


async def test_run_sync_folds_verdicts_side_effects_and_modifications() -> None:
    engine = HookEngine()
    seen: list[str] = []
    injected = InjectedEvent(event=make_event(body="injected"))

    async def first(event: RoomEvent, ctx: RoomContext) -> HookResult:
        seen.append(f"first:{event.content.body}")  # type: ignore[union-attr]
        changed = event.model_copy(update={"content": TextContent(body="changed")})
        return HookResult.modify(changed, tasks=[make_task()], injected_events=[injected])

    def second(event: RoomEvent, ctx: RoomContext) -> HookResult:
        seen.append(f"second:{event.content.body}")  # type: ignore[union-attr]
        return HookResult.allow(observations=[make_observation()])

    async def third(event: RoomEvent, ctx: RoomContext) -> str:
        seen.append("third")
        return "not a HookResult: ignored"

    engine.register(hook(first, priority=1))
    engine.register(hook(second, priority=2))
    engine.register(hook(third, priority=3))

    result = await engine.run_sync(BEFORE, make_event(body="original"), CTX)

    assert seen == ["first:original", "second:changed", "third"]
    assert result.allowed
    assert result.event.content == TextContent(body="changed")
    assert [t.title for t in result.tasks] == ["Call back"]
    assert [o.content for o in result.observations] == ["positive sentiment"]
    assert result.injected_events == [injected]


async def test_a_hook_may_return_any_awaitable_and_is_awaited_within_its_timeout() -> None:
    engine = HookEngine()
    loop = asyncio.get_running_loop()

    def answered_later(event: RoomEvent, ctx: RoomContext) -> asyncio.Future[HookResult]:
        answer: asyncio.Future[HookResult] = loop.create_future()
        loop.call_soon(answer.set_result, HookResult.block("later"))
        return answer

    def never_answered(event: RoomEvent, ctx: RoomContext) -> asyncio.Future[HookResult]:
        return loop.create_future()

    engine.register(hook(never_answered, priority=1, timeout=0.01))
    engine.register(hook(answered_later, priority=2))

    result = await engine.run_sync(BEFORE, make_event(), CTX)

    assert not result.allowed and result.reason == "later"
    assert [error.timed_out for error in result.errors] == [True]


async def test_run_sync_stops_at_the_first_block() -> None:
    engine = HookEngine()
    ran: list[str] = []

    async def blocker(event: RoomEvent, ctx: RoomContext) -> HookResult:
        ran.append("blocker")
        return HookResult.block("nope", tasks=[make_task(title="look into it")])

    async def never(event: RoomEvent, ctx: RoomContext) -> None:
        ran.append("never")

    engine.register(hook(blocker, name="gatekeeper"))
    engine.register(hook(never, priority=1))

    result = await engine.run_sync(BEFORE, make_event(), CTX)

    assert not result.allowed
    assert (result.blocked_by, result.reason) == ("gatekeeper", "nope")
    assert [t.title for t in result.tasks] == ["look into it"]
    assert ran == ["blocker"]


async def test_run_sync_skips_failing_and_slow_hooks() -> None:
    engine = HookEngine()

    async def broken(event: RoomEvent, ctx: RoomContext) -> HookResult:
        raise KeyError("missing")

    async def slow(event: RoomEvent, ctx: RoomContext) -> HookResult:
        await asyncio.Event().wait()
        return HookResult.block()

    engine.register(hook(broken, name="broken"))
    engine.register(hook(slow, name="slow", timeout=0.01))

    result = await engine.run_sync(BEFORE, make_event(), CTX)

    assert result.allowed
    assert [(e.hook_name, e.timed_out) for e in result.errors] == [
        ("broken", False),
        ("slow", True),
    ]
    assert isinstance(result.errors[0].error, KeyError)


async def test_run_sync_ignores_async_hooks_and_filtered_out_hooks() -> None:
    engine = HookEngine()

    async def blocker(event: RoomEvent, ctx: RoomContext) -> HookResult:
        return HookResult.block()

    engine.register(hook(blocker, execution=HookExecution.ASYNC))
    engine.register(hook(blocker, channel_ids=["elsewhere"]))

    result = await engine.run_sync(BEFORE, make_event(), CTX)

    assert result.allowed


async def test_run_sync_filters_against_the_modified_event() -> None:
    engine = HookEngine()

    async def reroute(event: RoomEvent, ctx: RoomContext) -> HookResult:
        source = event.source.model_copy(update={"channel_id": "other"})
        return HookResult.modify(event.model_copy(update={"source": source}))

    async def sms_only(event: RoomEvent, ctx: RoomContext) -> HookResult:
        return HookResult.block()

    engine.register(hook(reroute, priority=0))
    engine.register(hook(sms_only, priority=1, channel_ids=["sms-1"]))

    result = await engine.run_sync(BEFORE, make_event(channel_id="sms-1"), CTX)

    assert result.allowed


# --- run_async --------------------------------------------------------------------------


async def test_run_async_runs_matching_hooks_concurrently_and_collects_errors() -> None:
    engine = HookEngine()
    started = [asyncio.Event(), asyncio.Event()]
    done: list[int] = []

    def waiter(me: int) -> Any:
        async def run(event: RoomEvent, ctx: RoomContext | None) -> None:
            started[me].set()
            await started[1 - me].wait()
            done.append(me)

        return run

    async def broken(event: RoomEvent, ctx: RoomContext | None) -> None:
        raise RuntimeError("boom")

    async def filtered(event: RoomEvent, ctx: RoomContext | None) -> None:
        done.append(99)

    engine.register(hook(waiter(0), AFTER, name="w0", timeout=2))
    engine.register(hook(waiter(1), AFTER, name="w1", timeout=2))
    engine.register(hook(broken, AFTER, name="broken"))
    engine.register(hook(filtered, AFTER, channel_types=[ChannelType.EMAIL]))

    errors = await engine.run_async(AFTER, make_event(), CTX)

    assert sorted(done) == [0, 1]
    assert [(e.hook_name, str(e.error)) for e in errors] == [("broken", "boom")]


async def test_run_async_passes_extra_arguments_and_any_event_type() -> None:
    engine = HookEngine()
    received: list[tuple[Any, ...]] = []

    async def on_error(item: Any, ctx: RoomContext | None, extra: Any) -> None:
        received.append((item, ctx, extra))

    engine.register(hook(on_error, HookTrigger.ON_ERROR, channel_types=[ChannelType.EMAIL]))
    task = make_task()

    errors = await engine.run_async(HookTrigger.ON_ERROR, task, None, "the error")

    assert errors == []
    assert received == [(task, None, "the error")]


async def test_run_async_reports_a_timeout() -> None:
    engine = HookEngine()

    async def slow(event: RoomEvent, ctx: RoomContext | None) -> None:
        await asyncio.Event().wait()

    engine.register(hook(slow, AFTER, timeout=0.01))

    [error] = await engine.run_async(AFTER, make_event(), CTX)

    assert error.timed_out and error.hook_name == "slow"


async def test_run_async_without_hooks_returns_no_errors() -> None:
    assert await HookEngine().run_async(AFTER, make_event(), CTX) == []


class _Fatal(BaseException):
    """Not an Exception: must never be swallowed as a hook failure."""


async def test_run_async_lets_errors_that_are_not_exceptions_propagate() -> None:
    engine = HookEngine()

    async def fatal(event: RoomEvent, ctx: RoomContext | None) -> None:
        raise _Fatal

    engine.register(hook(fatal, AFTER))
    engine.register(hook(noop, AFTER))

    with pytest.raises(_Fatal):
        await engine.run_async(AFTER, make_event(), CTX)
