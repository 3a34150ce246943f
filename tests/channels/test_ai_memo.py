"""The AI channel's memo of converted history: bounded per room and in total."""

from __future__ import annotations

import pytest

from roomkit import AIChannel, MockAIProvider
from roomkit.channels._ai_memo import MessageMemo
from roomkit.models import AIMessage, RoomEvent
from tests.channels.conversions import Counting as _Counting
from tests.channels.conversions import text_event as _event


def test_each_event_is_converted_once() -> None:
    convert = _Counting()
    memo = MessageMemo(convert, per_room=4, total=10)
    first = _event("r1", "hello")
    assert memo.convert(first) == AIMessage(role="user", content="hello")
    assert memo.convert(first) is memo.convert(first)
    assert convert.calls == [first.id]
    assert len(memo) == 1


def test_unreadable_events_are_remembered_as_none() -> None:
    convert = _Counting()
    memo = MessageMemo(convert, per_room=4, total=10)
    empty = _event("r1", "")
    assert memo.convert(empty) is None
    assert memo.convert(empty) is None
    assert convert.calls == [empty.id]


def test_a_room_keeps_only_its_newest_conversions() -> None:
    convert = _Counting()
    memo = MessageMemo(convert, per_room=3, total=100)
    events = [_event("r1", f"m{i}") for i in range(5)]
    for item in events:
        memo.convert(item)
    assert len(memo) == 3
    assert list(memo.room("r1")) == [item.id for item in events[2:]]
    memo.convert(events[0])  # forgotten, so converted again
    assert convert.calls.count(events[0].id) == 2


def test_least_recently_used_rooms_go_when_the_total_is_reached() -> None:
    memo = MessageMemo(_Counting(), per_room=2, total=4)
    for room in ("a", "b"):
        memo.convert(_event(room, "x"))
        memo.convert(_event(room, "y"))
    memo.room("a")  # "a" used last: "b" is now the least recently used
    memo.convert(_event("c", "z"))
    assert len(memo) == 3
    assert memo.room("a") and memo.room("c")
    assert memo.room("b") == {}


@pytest.mark.parametrize(("per_room", "total"), [(0, 5), (6, 5)])
def test_bounds_must_be_consistent(per_room: int, total: int) -> None:
    with pytest.raises(ValueError, match="per_room"):
        MessageMemo(_Counting(), per_room=per_room, total=total)


def test_ai_channel_memo_stays_bounded_over_a_long_conversation() -> None:
    channel = AIChannel("ai", provider=MockAIProvider(["ok"]), max_context_events=5)
    recent: list[RoomEvent] = []
    for i in range(500):
        event = _event("room", f"message {i}")
        recent = [*recent[-9:], event]
        history = channel._history(event, recent)
        assert [m.content for m in history][-1] == f"message {i}"
        assert len(history) == min(i + 1, 5)
    assert len(channel._messages) == 64  # max(2 * max_context_events, 64)
