"""The in-process realtime backend and its Redis counterpart deliver alike.

One script (subscribe, publish, unsubscribe, close) is played against a small reference
model, :class:`InMemoryRealtime`, and :class:`RedisRealtime` (in one process, and with
the publisher as a second process); every subscriber must receive the same events in the
same order (see ``realtime_script.py`` for how delivery is waited for). Minimal tests,
run on both backends, pin what the base class promises where they once diverged. The
lock managers' counterpart is ``test_lock_managers_agree.py``.
"""

from __future__ import annotations

import asyncio
import threading
from functools import partial

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic_core import PydanticSerializationError

from roomkit.realtime.base import EphemeralEvent, RealtimeBackend
from roomkit.scale.realtime import RedisRealtime
from tests.scale.realtime_script import (
    KINDS,
    MODES,
    STAMP,
    Step,
    assert_agree,
    make_event,
    observe_all,
    put,
    realtime_pair,
    received_alone,
)
from tests.services import require_redis

# A lost reply from Redis would leave a subscribe waiting: fail fast instead.
pytestmark = pytest.mark.timeout(60)

SCENARIOS: dict[str, list[Step]] = {
    "every kind reaches a subscriber, in order": [
        ("sub", "a", "r1", "plain"),
        *(("pub", "r1", kind, "alice") for kind in KINDS),
    ],
    "several subscribers and rooms": [
        ("sub", "a", "r1", "plain"),
        ("sub", "b", "r1", "plain"),
        ("sub", "c", "r2", "plain"),
        ("pub", "r1", "typing", "alice"),
        ("pub", "r2", "online", "bob"),
        ("pub", "r3", "read", "carol"),
        ("pub", "r1", "stop", "alice"),
    ],
    "unsubscribe stops one subscription only": [
        ("sub", "a", "r1", "plain"),
        ("sub", "b", "r1", "plain"),
        ("pub", "r1", "typing", "alice"),
        ("unsub", "a"),
        ("unsub", "a"),
        ("unsub", "never-subscribed"),
        ("pub", "r1", "stop", "alice"),
        ("unsub", "b"),
        ("pub", "r1", "away", "alice"),
        ("sub", "c", "r1", "plain"),
        ("pub", "r1", "read", "bob"),
    ],
    "a failing callback keeps its subscription": [
        ("sub", "a", "r1", "flaky"),
        ("sub", "b", "r1", "plain"),
        *(("pub", "r1", kind, "alice") for kind in ("typing", "stop", "read")),
    ],
    "a callback may unsubscribe itself": [
        ("sub", "a", "r1", "once"),
        ("sub", "b", "r1", "plain"),
        ("pub", "r1", "typing", "alice"),
        ("pub", "r1", "stop", "alice"),
        ("unsub", "a"),
    ],
    "one publisher's events keep their order": [
        ("sub", "a", "r1", "plain"),
        ("sub", "b", "r2", "plain"),
        *(("pub", f"r{1 + n % 2}", "typing", f"user{n}") for n in range(30)),
    ],
    "close ends every subscription": [
        ("sub", "a", "r1", "plain"),
        ("sub", "b", "r2", "plain"),
        ("pub", "r1", "typing", "alice"),
        ("close",),
        ("unsub", "a"),
    ],
}


@pytest.mark.parametrize("steps", SCENARIOS.values(), ids=SCENARIOS.keys())
async def test_realtime_backends_deliver_a_script_alike(steps: list[Step]) -> None:
    assert_agree(await observe_all(steps))


ROOMS = st.sampled_from(["r1", "r2"])
RAW_STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("sub"), ROOMS, st.sampled_from(MODES)),
        st.tuples(st.just("pub"), ROOMS, st.sampled_from(list(KINDS)), st.sampled_from("xy")),
        st.tuples(st.just("unsub"), st.integers(0, 5)),
    ),
    max_size=12,
)


def named(raw: list[Step]) -> list[Step]:
    """Give each subscription a name (s0, s1, ...); unsub picks one, maybe not yet made."""
    steps: list[Step] = []
    made = 0
    for step in raw:
        if step[0] == "sub":
            steps.append(("sub", f"s{made}", *step[1:]))
            made += 1
        elif step[0] == "unsub":
            steps.append(("unsub", f"s{step[1]}"))
        else:
            steps.append(step)
    return [*steps, ("close",)]


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(raw=RAW_STEPS)
def test_realtime_backends_deliver_any_script_alike(raw: list[Step]) -> None:
    asyncio.run(require_redis())
    assert_agree(asyncio.run(observe_all(named(raw))))


BOTH = pytest.mark.parametrize("kind", ["memory", "redis"])


@BOTH
async def test_an_event_is_delivered_as_it_was_when_published(kind: str) -> None:
    async def publish_then_reuse(backend: RealtimeBackend) -> None:
        event = make_event(1, "r1", "typing", "alice")
        await backend.publish_to_room("r1", event)
        event.data["reused"] = True  # the application reuses its object

    received = await received_alone(kind, publish_then_reuse)

    assert received.data == {}


@BOTH
async def test_data_arrives_as_the_wire_carries_it(kind: str) -> None:
    async def publish_a_datetime(backend: RealtimeBackend) -> None:
        event = make_event(1, "r1", "custom", "alice")
        event.data = {"at": STAMP, "pair": (1, 2)}
        await backend.publish_to_room("r1", event)

    received = await received_alone(kind, publish_a_datetime)

    assert received.data == {"at": "2024-03-01T09:00:00Z", "pair": [1, 2]}


@BOTH
@pytest.mark.parametrize("subscribed", [True, False])
async def test_data_with_no_json_form_is_refused_alike(kind: str, subscribed: bool) -> None:
    async with realtime_pair(kind) as (backend, _, _):
        if subscribed:
            await backend.subscribe_to_room("r1", partial(put, asyncio.Queue()))
        event = make_event(1, "r1", "custom", "alice")
        event.data = {"thing": object()}

        with pytest.raises(PydanticSerializationError, match="Unable to serialize"):
            await backend.publish_to_room("r1", event)


@BOTH
async def test_a_closed_backend_refuses_new_subscriptions(kind: str) -> None:
    async with realtime_pair(kind) as (backend, _, _):
        await backend.close()
        try:
            await backend.subscribe_to_room("r1", partial(put, asyncio.Queue()))
        except RuntimeError as refusal:
            assert "closed" in str(refusal)
        else:
            raise AssertionError("a closed backend took a new subscription")


@BOTH
async def test_a_closed_backend_refuses_to_publish(kind: str) -> None:
    async with realtime_pair(kind) as (backend, _, _):
        await backend.subscribe_to_room("r1", partial(put, asyncio.Queue()))
        await backend.close()

        with pytest.raises(RuntimeError, match="closed"):
            await backend.publish_to_room("r1", make_event(1, "r1", "typing", "alice"))


def publish_and_wait(url: str, prefix: str, event: EphemeralEvent) -> None:
    """Another process publishes ``event`` on room r1; this loop is blocked until it is done."""

    async def publish() -> None:
        other = RedisRealtime(url, prefix=prefix)
        try:
            await other.publish_to_room("r1", event)
        finally:
            await other.close()

    thread = threading.Thread(target=asyncio.run, args=(publish(),))
    thread.start()
    thread.join()


@BOTH
async def test_a_new_subscriber_gets_only_what_is_published_after(kind: str) -> None:
    async with realtime_pair(kind) as (backend, _, (url, prefix)):
        first: asyncio.Queue[EphemeralEvent] = asyncio.Queue()
        second: asyncio.Queue[EphemeralEvent] = asyncio.Queue()
        await backend.subscribe_to_room("r1", partial(put, first))
        early, late = (make_event(n, "r1", "typing", "alice") for n in (1, 2))
        if kind == "memory":
            await backend.publish_to_room("r1", early)
        else:
            publish_and_wait(url, prefix, early)
        await backend.subscribe_to_room("r1", partial(put, second))
        await backend.publish_to_room("r1", late)

        for _ in (early, late):
            await asyncio.wait_for(first.get(), timeout=5)
        assert await asyncio.wait_for(second.get(), timeout=5) == late
