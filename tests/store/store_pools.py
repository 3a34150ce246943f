"""The small pools of ids and values the differential test draws its calls from.

Pools are small so that calls collide: the same room, channel, event id or idempotency
key comes back again and again within one sequence.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from roomkit.models import ChannelType, RoomStatus, TaskStatus

ROOM_IDS = ("r0", "r1", "r2")
CHANNEL_IDS = ("c0", "c1", "c2")
PEOPLE_IDS = ("p0", "p1")
TASK_IDS = ("t0", "t1", "t2", "t3")
IDENTITY_IDS = ("i0", "i1", "i2")
ADDRESS_PAIRS = tuple((kind, f"a{n}") for kind in ("sms", "email") for n in range(3))
VENDOR_MESSAGE_IDS = ("v0", "v1")

ROOMS = st.sampled_from(ROOM_IDS)
CHANNELS = st.sampled_from(CHANNEL_IDS)
PEOPLE = st.sampled_from(PEOPLE_IDS)
EVENTS = st.sampled_from([f"e{n}" for n in range(16)])
KEYS = st.sampled_from([None, "k0", "k1", "k2"])
VISIBILITIES = st.sampled_from(["all", "internal", "c1"])
TASKS = st.sampled_from(TASK_IDS)
IDENTITIES = st.sampled_from(IDENTITY_IDS)
ADDRESS_TYPES = st.sampled_from(["sms", "email"])
ADDRESSES = st.sampled_from(["a0", "a1", "a2"])
ADDRESS_BOOKS = st.dictionaries(ADDRESS_TYPES, st.lists(ADDRESSES, max_size=2), max_size=2)
ORGS = st.sampled_from([None, "o0", "o1"])
KINDS = st.sampled_from([ChannelType.SMS, ChannelType.EMAIL])
STATUSES = st.sampled_from(list(RoomStatus))
TASK_STATUSES = st.sampled_from(list(TaskStatus))
# Ties on created_at (find_latest_room breaks them by creation order) and times that
# differ in the microseconds only.
TIMES = st.sampled_from([0, 0, 1, 999])
"""Microseconds after the start of 2024 (see :func:`at`)."""
# Values every store keeps as given. Left out: NUL, lone surrogates, infinities and NaN,
# which the SQL stores refuse (test_store_unstorable.py, test_store_numbers.py).
# Booleans meet 0 and 1 in metadata filters; 1e100 once came back from PostgreSQL as
# an integer.
VALUES = st.sampled_from([0, 1, 2.5, 1e100, True, False, "x", "", None, [1], [True], {"n": 1}])
METADATA = st.dictionaries(st.sampled_from(["a", "b"]), VALUES, max_size=2)
PAGE = st.integers(0, 4)
PICKS = st.integers(0, 7)
"""A position among the room's events or bindings, to pick one that exists."""
CHANNEL_PICKS = PICKS | CHANNELS
READ_HORIZONS = st.sampled_from([None, 0, 1, 3])
VENDOR_NUMBERS = st.none() | st.sampled_from([0, 1])
# An event id of None is a fresh one; the pool's ids collide with events already stored.
EVENT_SPECS = st.tuples(ROOMS, st.none() | EVENTS, VISIBILITIES, KEYS, VENDOR_NUMBERS, TIMES)

EventSpec = tuple[str, str | None, str, str | None, int | None, int]


def at(microseconds: int) -> datetime:
    """The time ``microseconds`` after the start of 2024."""
    return datetime(2024, 1, 1, tzinfo=UTC) + timedelta(microseconds=microseconds)


def vendor_results(vendor: int | None) -> dict[str, Any]:
    """Delivery results carrying vendor message id ``v<vendor>`` (none for ``None``).

    The ids are shared by every room, so an id recorded in one room is often recorded
    again in another, and the room that recorded it first is then deleted.
    """
    return {} if vendor is None else {"c0": {"provider_message_id": f"v{vendor}"}}
