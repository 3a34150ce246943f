"""How the PostgreSQL store combines concurrent calls: the statement batcher, against a
fake that records what reached the database (the SQLite group commit has its own file)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import pytest

from roomkit.store._sql.batch import MAX_BATCH, StatementBatcher, settle, tagged
from roomkit.store._sql.driver import IntegrityConflict, Row

# --- tagging ---------------------------------------------------------------------------


def test_a_select_gets_the_caller_position_as_its_first_column() -> None:
    assert tagged("SELECT data FROM rooms WHERE id = $1 AND status = $2") == (
        "SELECT CAST($3 AS INTEGER), data FROM rooms WHERE id = $1 AND status = $2"
    )


def test_a_write_returns_the_caller_position_first() -> None:
    assert tagged("UPDATE events SET data = $2 WHERE id = $1 RETURNING room_id, idx") == (
        "UPDATE events SET data = $2 WHERE id = $1 RETURNING CAST($3 AS INTEGER), room_id, idx"
    )
    assert tagged("SELECT 1") == "SELECT CAST($1 AS INTEGER), 1"


def test_a_write_through_a_cte_tags_its_outermost_returning() -> None:
    sql = (
        "WITH c AS (UPDATE rooms SET n = n + 1 WHERE id = $1 RETURNING n)"
        " INSERT INTO events (room_id, idx) SELECT $1, n FROM c RETURNING idx"
    )
    assert tagged(sql) == (
        "WITH c AS (UPDATE rooms SET n = n + 1 WHERE id = $1 RETURNING n)"
        " INSERT INTO events (room_id, idx) SELECT $1, n FROM c RETURNING CAST($2 AS INTEGER), idx"
    )


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT a FROM t UNION SELECT b FROM u",
        "UPDATE t SET a = $1",
        "WITH x AS (SELECT 1) SELECT * FROM x",
        "WITH x AS (DELETE FROM t WHERE a = $1 RETURNING a) SELECT * FROM x",
    ],
)
def test_statements_of_other_shapes_are_not_batched(sql: str) -> None:
    assert tagged(sql) is None


# --- the statement batcher -------------------------------------------------------------


class FakeServer:
    """Answers ``SELECT``s with ``(argument,)`` rows and records every round trip."""

    def __init__(self, refuse: set[Any] | None = None) -> None:
        self.trips: list[tuple[str, str, list[tuple[Any, ...]]]] = []
        self.refuse = refuse or set()

    def _answer(self, args: tuple[Any, ...]) -> list[Row]:
        if args and args[0] in self.refuse:
            raise IntegrityConflict(f"{args[0]} refused")
        return [(args[0],)] if args and args[0] is not None else []

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        self.trips.append(("one", sql, [args]))
        await asyncio.sleep(0)
        return self._answer(args)

    async def execute(self, sql: str, *args: Any) -> None:
        self.trips.append(("one", sql, [args]))
        self._answer(args)

    async def fetchmany(self, sql: str, args: Sequence[tuple[Any, ...]]) -> list[Row]:
        self.trips.append(("many", sql, list(args)))
        await asyncio.sleep(0)
        rows: list[Row] = []
        for call in args:
            rows += [(call[-1], *row) for row in self._answer(call[:-1])]
        return rows

    async def executemany(self, sql: str, args: Sequence[tuple[Any, ...]]) -> None:
        self.trips.append(("many", sql, list(args)))
        for call in args:
            self._answer(call)


def _runner_of(server: FakeServer) -> Callable[[], Awaitable[FakeServer]]:
    async def runner() -> FakeServer:
        return server

    return runner


def _batcher(server: FakeServer) -> StatementBatcher:
    return StatementBatcher(_runner_of(server))


async def test_a_lone_call_runs_as_it_is() -> None:
    server = FakeServer()
    assert await _batcher(server).run("SELECT a FROM t WHERE a = $1", ("x",), rows=True) == [
        ("x",)
    ]
    assert server.trips == [("one", "SELECT a FROM t WHERE a = $1", [("x",)])]


async def test_concurrent_calls_share_one_round_trip_and_get_their_own_rows() -> None:
    server = FakeServer()
    batcher = _batcher(server)

    results = await asyncio.gather(
        *(batcher.run("SELECT a FROM t WHERE a = $1", (v,), rows=True) for v in "abc"),
        batcher.run("SELECT a FROM t WHERE a = $1", (None,), rows=True),
    )

    assert results == [[("a",)], [("b",)], [("c",)], []]
    assert server.trips == [
        (
            "many",
            "SELECT CAST($2 AS INTEGER), a FROM t WHERE a = $1",
            [("a", 0), ("b", 1), ("c", 2), (None, 3)],
        )
    ]


async def test_batched_writes_run_in_order_of_their_first_argument() -> None:
    server = FakeServer()
    batcher = _batcher(server)
    sql = "INSERT INTO t (a) VALUES ($1)"

    await asyncio.gather(*(batcher.run(sql, (v,), rows=False) for v in "cab"))

    assert server.trips == [("many", sql, [("a",), ("b",), ("c",)])]


async def test_calls_made_while_a_batch_is_in_flight_go_at_once_in_a_batch_of_their_own() -> None:
    server = FakeServer()
    gate = asyncio.Event()
    answer = server.fetch

    async def held_fetch(sql: str, *args: Any) -> list[Row]:
        await gate.wait()  # the first call stays at the server until released
        return await answer(sql, *args)

    server.fetch = held_fetch  # type: ignore[method-assign]
    batcher = _batcher(server)
    sql = "SELECT a FROM t WHERE a = $1"

    first = asyncio.ensure_future(batcher.run(sql, ("a",), rows=True))
    await asyncio.sleep(0.01)  # the first call is sent alone, and held
    later_calls = asyncio.gather(*(batcher.run(sql, (v,), rows=True) for v in "bc"))
    later = await asyncio.wait_for(later_calls, 5)  # they must not wait for the first

    assert later == [[("b",)], [("c",)]]  # answered while the first is still out
    assert not first.done()
    gate.set()
    assert await first == [("a",)]
    assert [(kind, calls) for kind, _, calls in server.trips] == [
        ("many", [("b", 0), ("c", 1)]),
        ("one", [("a",)]),
    ]


async def test_a_group_larger_than_a_batch_goes_as_several_batches_at_once() -> None:
    server = FakeServer()
    in_flight = [0, 0]  # now, most
    answer = server.fetchmany

    async def counted(sql: str, args: Sequence[tuple[Any, ...]]) -> list[Row]:
        in_flight[0] += 1
        in_flight[1] = max(in_flight)
        try:
            return await answer(sql, args)
        finally:
            in_flight[0] -= 1

    server.fetchmany = counted  # type: ignore[method-assign]
    batcher = _batcher(server)
    values = [f"v{n:02}" for n in range(2 * MAX_BATCH + 3)]

    results = await asyncio.gather(
        *(batcher.run("SELECT a FROM t WHERE a = $1", (v,), rows=True) for v in values)
    )

    assert results == [[(v,)] for v in values]
    assert [len(calls) for _, _, calls in server.trips] == [MAX_BATCH, MAX_BATCH, 3]
    assert in_flight[1] == 3  # all three sent before any came back


async def test_writes_are_sorted_before_being_split_into_batches() -> None:
    server = FakeServer()
    batcher = _batcher(server)
    sql = "INSERT INTO t (a) VALUES ($1)"
    values = [f"room-{n:02}" for n in range(MAX_BATCH + 4)]

    await asyncio.gather(*(batcher.run(sql, (v,), rows=False) for v in reversed(values)))

    assert [calls for _, _, calls in server.trips] == [
        [(v,) for v in values[:MAX_BATCH]],
        [(v,) for v in values[MAX_BATCH:]],
    ]


async def test_a_failed_batch_is_run_again_one_call_at_a_time() -> None:
    server = FakeServer(refuse={"b"})
    batcher = _batcher(server)
    sql = "SELECT a FROM t WHERE a = $1"

    results = await asyncio.gather(
        *(batcher.run(sql, (v,), rows=True) for v in "abc"), return_exceptions=True
    )

    assert results[0] == [("a",)] and results[2] == [("c",)]
    assert isinstance(results[1], IntegrityConflict)
    assert [kind for kind, _, _ in server.trips] == ["many", "one", "one", "one"]


async def test_a_statement_that_cannot_be_tagged_runs_call_by_call() -> None:
    server = FakeServer()
    batcher = _batcher(server)
    sql = "WITH x AS (SELECT $1 AS a) SELECT a FROM x"

    results = await asyncio.gather(*(batcher.run(sql, (v,), rows=True) for v in "ab"))

    assert results == [[("a",)], [("b",)]]
    assert [kind for kind, _, _ in server.trips] == ["one", "one"]


async def test_without_a_limit_a_loop_pass_of_calls_goes_as_one_batch() -> None:
    server = FakeServer()
    batcher = StatementBatcher(_runner_of(server), max_batch=None)
    values = [f"v{n:02}" for n in range(2 * MAX_BATCH + 3)]

    await asyncio.gather(
        *(batcher.run("SELECT a FROM t WHERE a = $1", (v,), rows=True) for v in values)
    )

    assert [len(calls) for _, _, calls in server.trips] == [len(values)]


def test_a_batch_must_hold_at_least_one_call() -> None:
    with pytest.raises(ValueError, match="max_batch"):
        StatementBatcher(_runner_of(FakeServer()), max_batch=0)


def test_settling_skips_a_caller_that_stopped_waiting() -> None:
    loop = asyncio.new_event_loop()
    try:
        future: asyncio.Future[list[Row]] = loop.create_future()
        future.cancel()
        settle(future, [("late",)])
        assert future.cancelled()
    finally:
        loop.close()
