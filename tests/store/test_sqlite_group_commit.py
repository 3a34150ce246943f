"""The SQLite group commit: concurrent writes share one transaction, and a group refused
because another process holds the database waits and is tried again whole. Against a
fake committer that records what reached the database."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from roomkit.store._sql.batch import settle
from roomkit.store._sql.driver import IntegrityConflict, Row
from roomkit.store._sql.sqlite_commit import PROBE_EVERY, GroupCommit, GroupRun, Pending


class BusyError(Exception):
    """Stands for SQLite's "database is locked"."""


class FakeBackoff:
    """Counts pauses; gives up (raising the refusal) after ``patience`` of them."""

    def __init__(self, committer: FakeCommitter, patience: int) -> None:
        self._committer = committer
        self._patience = patience

    async def pause(self, refused: Exception) -> None:
        self._committer.pauses += 1
        if self._patience == 0:
            raise refused
        self._patience -= 1
        for hook in self._committer.during_pause:
            hook()
        await asyncio.sleep(0)  # writes started by a hook get to join the waiting group


class FakeCommitter:
    """Records lone writes and groups; can refuse groups, as failed or as busy."""

    def __init__(self, *, groups_run: bool = True, busy: int = 0, patience: int = 100) -> None:
        self.alone: list[str] = []
        self.refused_alone: list[str] = []
        self.busy_alone = 0  # how many lone writes find the database busy
        self.held = False  # a transaction of the store's own holds the connection
        self.groups: list[list[str]] = []
        self.groups_run = groups_run
        self.busy = busy  # how many group attempts find the database busy
        self.patience = patience
        self.pauses = 0
        self.during_pause: list[Callable[[], object]] = []

    async def run_alone(self, sql: str, args: tuple[Any, ...]) -> list[Row]:
        self.alone.append(args[0])
        if args[0] == "bad":
            raise IntegrityConflict("bad")
        return [(args[0],)]

    def write_now(self, sql: str, args: tuple[Any, ...]) -> list[Row] | Exception | None:
        if self.held:
            return None
        if self.busy_alone:
            self.busy_alone -= 1
            self.refused_alone.append(args[0])
            return BusyError("database is locked")
        self.alone.append(args[0])
        return [(args[0],)]

    def run_group(self, group: list[Pending]) -> GroupRun:
        self.groups.append([args[0] for _, args, _ in group])
        if self.busy:
            self.busy -= 1
            return BusyError("database is locked")
        if not self.groups_run:
            return False
        for _, args, future in group:
            settle(future, [(args[0],)])
        return True

    def backoff(self) -> FakeBackoff:
        return FakeBackoff(self, self.patience)


async def _probe_spent(commits: GroupCommit, committer: FakeCommitter) -> None:
    """Make the lone writes that come before a write waits for company."""
    for n in range(PROBE_EVERY - 1):
        await commits.write("INSERT", (f"w{n}",))
    committer.alone.clear()


async def test_writes_with_no_company_run_at_once() -> None:
    committer = FakeCommitter()
    commits = GroupCommit(committer)

    for n in range(PROBE_EVERY - 1):
        assert await commits.write("INSERT", (f"w{n}",)) == [(f"w{n}",)]

    assert committer.groups == []
    assert len(committer.alone) == PROBE_EVERY - 1


async def test_a_probing_write_gathers_the_others_into_one_group() -> None:
    committer = FakeCommitter()
    commits = GroupCommit(committer)
    names = [f"w{n}" for n in range(PROBE_EVERY + 4)]

    results = await asyncio.gather(*(commits.write("INSERT", (name,)) for name in names))

    assert results == [[(name,)] for name in names]
    assert committer.alone == names[: PROBE_EVERY - 1]
    assert committer.groups == [names[PROBE_EVERY - 1 :]]
    # company was found, so the next write waits for the loop's next pass as well
    assert await commits.write("INSERT", ("next",)) == [("next",)]
    assert committer.groups[-1] == ["next"]


async def test_a_group_that_cannot_run_now_runs_one_write_at_a_time() -> None:
    committer = FakeCommitter(groups_run=False)
    commits = GroupCommit(committer)
    await _probe_spent(commits, committer)

    results = await asyncio.gather(
        *(commits.write("INSERT", (name,)) for name in ("a", "bad", "c")),
        return_exceptions=True,
    )

    assert results[0] == [("a",)] and results[2] == [("c",)]
    assert isinstance(results[1], IntegrityConflict)
    assert committer.groups == [["a", "bad", "c"]]
    assert committer.alone == ["a", "bad", "c"]


async def test_a_busy_group_is_tried_again_whole_with_the_writes_made_meanwhile() -> None:
    committer = FakeCommitter(busy=2)
    commits = GroupCommit(committer)
    await _probe_spent(commits, committer)
    late: list[asyncio.Task[list[Row]]] = []
    committer.during_pause.append(
        lambda: late.append(asyncio.ensure_future(commits.write("INSERT", (f"late{len(late)}",))))
    )

    results = await asyncio.gather(*(commits.write("INSERT", (name,)) for name in "abc"))

    assert results == [[("a",)], [("b",)], [("c",)]]
    assert [await task for task in late] == [[("late0",)], [("late1",)]]
    assert committer.pauses == 2
    # refused twice, then committed once with everything made while it waited
    assert committer.groups == [
        ["a", "b", "c"],
        ["a", "b", "c", "late0"],
        ["a", "b", "c", "late0", "late1"],
    ]
    assert committer.alone == []


async def test_a_group_busy_past_the_deadline_fails_every_write_it_holds() -> None:
    committer = FakeCommitter(busy=10, patience=1)
    commits = GroupCommit(committer)
    await _probe_spent(commits, committer)

    results = await asyncio.gather(
        *(commits.write("INSERT", (name,)) for name in "ab"), return_exceptions=True
    )

    assert [type(result) for result in results] == [BusyError, BusyError]
    assert committer.pauses == 2 and committer.alone == []
    # the next write is not held back by the failed group
    committer.busy = 0
    assert await commits.write("INSERT", ("next",)) == [("next",)]


async def test_writes_made_after_a_busy_group_gave_up_get_a_group_of_their_own() -> None:
    committer = FakeCommitter(busy=2, patience=0)
    commits = GroupCommit(committer)
    await _probe_spent(commits, committer)
    first = asyncio.ensure_future(commits.write("INSERT", ("a",)))
    await asyncio.sleep(0)  # the group runs and is refused; its retry is under way
    second = asyncio.ensure_future(commits.write("INSERT", ("b",)))

    results = await asyncio.gather(first, second, return_exceptions=True)

    assert isinstance(results[0], BusyError) and isinstance(results[1], BusyError)
    committer.busy = 0
    assert await commits.write("INSERT", ("c",)) == [("c",)]
    assert committer.groups == [["a"], ["b"]]
    assert committer.alone == ["c"]


async def test_a_busy_group_that_then_fails_runs_one_write_at_a_time() -> None:
    committer = FakeCommitter(busy=1, groups_run=False)
    commits = GroupCommit(committer)
    await _probe_spent(commits, committer)

    results = await asyncio.gather(
        *(commits.write("INSERT", (name,)) for name in ("a", "bad")), return_exceptions=True
    )

    assert results[0] == [("a",)] and isinstance(results[1], IntegrityConflict)
    assert committer.groups == [["a", "bad"], ["a", "bad"]]
    assert committer.alone == ["a", "bad"]


async def test_closing_while_a_busy_group_waits_cancels_its_writes() -> None:
    committer = FakeCommitter(busy=1000)
    commits = GroupCommit(committer)
    await _probe_spent(commits, committer)
    write = asyncio.ensure_future(commits.write("INSERT", ("a",)))
    for _ in range(5):
        await asyncio.sleep(0)
    (retry,) = commits._fallbacks  # the group's retry, waiting for the database

    retry.cancel()
    await asyncio.gather(retry, return_exceptions=True)

    assert write.cancelled() or isinstance(write.exception(), asyncio.CancelledError)


async def test_a_lone_write_held_by_a_transaction_waits_for_it() -> None:
    committer = FakeCommitter()
    committer.held = True
    commits = GroupCommit(committer)

    assert await commits.write("INSERT", ("a",)) == [("a",)]
    assert committer.alone == ["a"] and committer.groups == []


async def test_a_lone_write_refused_as_busy_waits_and_the_next_writes_join_it() -> None:
    committer = FakeCommitter()
    committer.busy_alone = 1
    commits = GroupCommit(committer)
    late: list[asyncio.Task[list[Row]]] = []
    committer.during_pause.append(
        lambda: late.append(asyncio.ensure_future(commits.write("INSERT", ("b",))))
    )

    assert await commits.write("INSERT", ("a",)) == [("a",)]

    assert await late[0] == [("b",)]
    assert committer.refused_alone == ["a"]
    assert committer.groups == [["a", "b"]] and committer.alone == []
