"""models/_util.py: the id factory and the validation-free ``replace``."""

from __future__ import annotations

import re
import time
import uuid
from datetime import UTC, datetime

import pytest

from roomkit.models import _util
from roomkit.models._util import new_id, replace
from roomkit.models.content import TextContent
from roomkit.models.enums import EventStatus
from roomkit.models.room import Room
from tests.factories import make_event

HEX32 = re.compile(r"[0-9a-f]{32}")


def test_new_id_is_32_lowercase_hex_chars() -> None:
    """An id is exactly 32 characters from 0-9a-f."""
    for _ in range(100):
        assert HEX32.fullmatch(new_id())


def test_new_id_is_a_version_7_rfc_4122_uuid() -> None:
    """Every id parses as a UUID of version 7 with the RFC 4122 variant."""
    for _ in range(500):
        value = new_id()
        parsed = uuid.UUID(hex=value)
        assert parsed.version == 7
        assert parsed.variant == uuid.RFC_4122
        assert parsed.hex == value


def test_new_id_fixed_bits_are_at_the_uuid7_positions() -> None:
    """Character 12 is the version digit 7, character 16 one of 8, 9, a, b."""
    for _ in range(500):
        value = new_id()
        assert value[12] == "7"
        assert value[16] in "89ab"


def test_new_id_leads_with_the_unix_time_in_milliseconds() -> None:
    """The first 12 hex digits are the creation time, in ms since the Unix epoch."""
    before = time.time_ns() // 1_000_000
    value = new_id()
    after = time.time_ns() // 1_000_000
    assert before <= int(value[:12], 16) <= after


def test_new_ids_made_later_sort_later(monkeypatch: pytest.MonkeyPatch) -> None:
    """An id made in a later millisecond sorts after every id of an earlier one."""
    clock = iter([1_700_000_000_000_999_999, 1_700_000_000_001_000_000] * 200)
    monkeypatch.setattr(_util, "time_ns", lambda: next(clock))
    ids = [new_id() for _ in range(400)]
    earlier, later = ids[0::2], ids[1::2]
    assert max(earlier) < min(later)


def test_new_id_random_bits_vary(monkeypatch: pytest.MonkeyPatch) -> None:
    """Within one millisecond ids differ, in every position after the timestamp."""
    monkeypatch.setattr(_util, "time_ns", lambda: 1_700_000_000_000_000_000)
    ids = [new_id() for _ in range(1000)]
    assert len(set(ids)) == len(ids)
    varying = {i for i in range(32) if len({value[i] for value in ids}) > 1}
    # The timestamp (0-11) and the version digit (12) are fixed; the variant digit (16)
    # takes four values.
    assert varying == set(range(13, 32))


def test_replace_returns_a_new_object_with_the_changes() -> None:
    """The copy has the new values and keeps every other field."""
    event = make_event(metadata={"k": "v"})
    changed = replace(event, status=EventStatus.DELIVERED, index=4)
    assert changed is not event
    assert type(changed) is type(event)
    assert changed.status == EventStatus.DELIVERED
    assert changed.index == 4
    assert changed.id == event.id
    assert changed.content == event.content
    assert changed.model_dump(exclude={"status", "index"}) == event.model_dump(
        exclude={"status", "index"}
    )


def test_replace_leaves_the_original_unchanged() -> None:
    """The source object keeps its old values."""
    event = make_event(body="before")
    snapshot = event.model_dump()
    replace(event, status=EventStatus.FAILED, content=TextContent(body="after"))
    assert event.model_dump() == snapshot
    assert event.status == EventStatus.PENDING
    assert event.content == TextContent(body="before")


def test_replace_marks_changed_fields_as_set() -> None:
    """Changed fields count as explicitly set, so exclude_unset dumps keep them."""
    room = Room(id="r1")
    changed = replace(room, closed_at=datetime(2024, 1, 1, tzinfo=UTC))
    assert "closed_at" not in room.model_fields_set
    assert {"id", "closed_at"} <= changed.model_fields_set
    assert changed.model_dump(exclude_unset=True)["closed_at"] == datetime(2024, 1, 1, tzinfo=UTC)


def test_replace_result_is_an_ordinary_model() -> None:
    """The copy serialises, compares and copies like a validated model."""
    event = make_event()
    changed = replace(event, visibility="none")
    assert changed == event.model_copy(update={"visibility": "none"})
    assert type(event).model_validate_json(changed.model_dump_json()) == changed


def test_replace_without_changes_is_an_equal_copy() -> None:
    """No changes gives an equal but distinct object."""
    room = Room()
    copy = replace(room)
    assert copy == room
    assert copy is not room
