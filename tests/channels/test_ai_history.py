"""The AI channel's history walks: reused while the room's recent events carry on."""

from __future__ import annotations

import random

import pytest

from roomkit.channels import _ai_history
from roomkit.channels._ai_history import History
from roomkit.channels._ai_memo import MessageMemo
from roomkit.models import AIMessage, RoomEvent
from tests.channels.conversions import Counting as _Counting
from tests.channels.conversions import text_event


def _event(body: str, room_id: str = "room") -> RoomEvent:
    return text_event(room_id, body)


def _reference(event: RoomEvent, recent: list[RoomEvent], limit: int) -> list[str]:
    """The history as a plain walk over every event computes it."""
    body = getattr(event.content, "body", "")
    newest_first = [body] if body else []
    for item in reversed(recent):
        if len(newest_first) >= limit:
            break
        text = getattr(item.content, "body", "")
        if item.id != event.id and text:
            newest_first.append(text)
    return newest_first[::-1]


def _history(per_room: int = 100) -> tuple[History, _Counting]:
    convert = _Counting()
    return History(MessageMemo(convert, per_room=per_room, total=1000)), convert


def _contents(messages: list[AIMessage]) -> list[str]:
    return [str(message.content) for message in messages]


def test_a_continued_list_converts_only_its_new_events() -> None:
    history, convert = _history()
    recent = [_event(f"m{i}") for i in range(10)]
    assert _contents(history.messages(recent[-1], recent, 50)) == [f"m{i}" for i in range(10)]
    assert len(convert.calls) == 10
    convert.calls.clear()
    reply, question = _event("reply"), _event("question")
    later = [*recent[2:], reply, question]
    assert _contents(history.messages(question, later, 50)) == [
        *(f"m{i}" for i in range(2, 10)),
        "reply",
        "question",
    ]
    assert convert.calls == [question.id, reply.id]


def test_copies_of_the_events_give_the_same_history() -> None:
    history, convert = _history()
    recent = [_event(f"m{i}") for i in range(5)]
    history.messages(recent[-1], recent, 50)
    copies = [item.model_copy() for item in recent[1:]]  # reloaded: not the same objects
    assert _contents(history.messages(copies[-1], copies, 50)) == ["m1", "m2", "m3", "m4"]
    assert len(convert.calls) == 5  # the memo still knows them by id


def test_the_trigger_is_never_repeated_even_when_seen_before() -> None:
    history, _ = _history()
    recent = [_event(f"m{i}") for i in range(5)]
    history.messages(recent[-1], recent, 50)
    again = recent[2]  # an event already walked asks for a reply again
    assert _contents(history.messages(again, [*recent, _event("new")], 50)) == [
        "m0",
        "m1",
        "m3",
        "m4",
        "new",
        "m2",
    ]


def test_events_past_the_limit_are_converted_only_once_needed() -> None:
    history, convert = _history()
    recent = [_event(f"m{i}") for i in range(10)]
    assert _contents(history.messages(recent[-1], recent, 3)) == ["m7", "m8", "m9"]
    assert len(convert.calls) == 3
    silent = [_event("") for _ in range(3)]  # unreadable: the history reaches further back
    later = [*recent, *silent]
    assert _contents(history.messages(silent[-1], later, 3)) == ["m7", "m8", "m9"]
    assert _contents(history.messages(later[-1], [*later, _event("x")], 5)) == [
        "m6",
        "m7",
        "m8",
        "m9",
        "x",
    ]


def test_a_conversion_that_fails_leaves_no_half_made_walk() -> None:
    history, convert = _history()
    recent = [_event(f"m{i}") for i in range(5)]
    history.messages(recent[-1], recent, 50)
    broken = _event("broken")

    def failing(item: RoomEvent) -> AIMessage | None:
        if item is broken:
            raise RuntimeError("cannot convert")
        return convert(item)

    history._memo._convert = failing
    with pytest.raises(RuntimeError):
        history.messages(recent[-1], [*recent, broken], 50)
    assert len(history) == 0
    again = recent[1]  # asks again: the walk is read whole, not taken from a broken one
    assert _contents(history.messages(again, recent, 50)) == ["m0", "m2", "m3", "m4", "m1"]


def test_a_walk_over_no_events_is_not_reused() -> None:
    history, _ = _history()
    first = _event("first")
    assert _contents(history.messages(first, [], 5)) == ["first"]
    assert _contents(history.messages(first, [first], 5)) == ["first"]


def test_only_the_newest_rooms_keep_their_walk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_ai_history, "MAX_WINDOWS", 2)
    history, _ = _history()
    for room in ("a", "b", "a", "c"):
        item = _event("hi", room_id=room)
        history.messages(item, [item], 5)
    assert len(history) == 2
    assert set(history._windows) == {"a", "c"}


@pytest.mark.parametrize("seed", range(8))
def test_every_history_matches_a_plain_walk(seed: int) -> None:
    rng = random.Random(seed)
    history, _ = _history(per_room=rng.choice([4, 100]))
    recent: list[RoomEvent] = []
    for step in range(300):
        new = [_event(rng.choice(["", f"s{step}-{n}"])) for n in range(rng.choice([1, 2, 3, 20]))]
        recent = [*recent, *new][-rng.choice([8, 12, 30]) :]
        if rng.random() < 0.1:  # the kit reloaded the window: equal copies, not the same objects
            recent = [item.model_copy() for item in recent]
        if rng.random() < 0.1:
            recent = [item for item in recent if rng.random() < 0.8]
        trigger = rng.choice([recent[-1], recent[0], _event(f"t{step}")]) if recent else new[-1]
        limit = rng.choice([1, 2, 5, 50])
        assert _contents(history.messages(trigger, recent, limit)) == _reference(
            trigger, recent, limit
        ), step
