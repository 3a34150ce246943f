"""Differential test: the three stores, given the same calls, give the same answers.

A Hypothesis state machine makes random sequences of store calls over small pools of
ids (:mod:`tests.store.store_pools`, so rooms, channels, events and keys collide often)
and runs each call on the in-memory store, the reference, and on the SQLite and
PostgreSQL stores, comparing every result and every exception class
(:mod:`tests.store.store_trio`). After each write the whole room written to is compared,
and after writes that move a room-to-room index, the lookups through that index.

Where the contract leaves the stores free, the machine keeps to what they share:

* A second event with an idempotency key its room already holds: the SQL stores refuse
  it with ``DuplicateEventError`` (their unique index; see the error's docstring), the
  in-memory store keeps both (``test_memory_store.py``). The machine sends such writes to
  the SQL stores only and checks that both refuse them.
* The time a store stamps itself (``Room.updated_at`` on ``add_event``) comes from a
  clock the three share; every other time is one the test passes in and must get back
  to the microsecond.

It also steers clear of what the SQL stores refuse and the in-memory store keeps: NUL
and lone surrogates (``test_store_unstorable.py``), infinities and NaN
(``test_store_numbers.py``).
"""

from __future__ import annotations

import asyncio
import itertools
import os
from typing import Any

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    rule,
    run_state_machine_as_test,
)

from roomkit.models import ChannelType, EventStatus, RoomEvent, RoomStatus, TaskStatus
from tests.factories import (
    make_binding,
    make_event,
    make_identity,
    make_observation,
    make_participant,
    make_room,
    make_task,
)
from tests.services import require_postgres
from tests.store.store_pools import (
    ADDRESS_BOOKS,
    ADDRESS_PAIRS,
    ADDRESS_TYPES,
    ADDRESSES,
    CHANNEL_IDS,
    CHANNEL_PICKS,
    CHANNELS,
    EVENT_SPECS,
    EVENTS,
    IDENTITIES,
    IDENTITY_IDS,
    KEYS,
    KINDS,
    METADATA,
    ORGS,
    PAGE,
    PEOPLE,
    PEOPLE_IDS,
    PICKS,
    READ_HORIZONS,
    ROOMS,
    STATUSES,
    TASK_IDS,
    TASK_STATUSES,
    TASKS,
    TIMES,
    VENDOR_MESSAGE_IDS,
    VENDOR_NUMBERS,
    VISIBILITIES,
    EventSpec,
    at,
    vendor_results,
)
from tests.store.store_trio import SQL_STORES, StoreTrio

EXAMPLES = int(os.environ.get("ROOMKIT_STORE_EXAMPLES", "40"))
"""Sequences per run; raise it (e.g. ``ROOMKIT_STORE_EXAMPLES=1000``) for a deep local run."""

SHRINK = os.environ.get("ROOMKIT_STORE_SHRINK") == "1"
"""Whether to minimise a failing sequence: at ~0.3 s a sequence, that takes minutes."""

DIFFERENTIAL_SETTINGS = settings(
    max_examples=EXAMPLES,
    stateful_step_count=40,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate, *([Phase.shrink] if SHRINK else [])],
    suppress_health_check=[HealthCheck.too_slow],
)
"""Reproducible, bounded runs (about 20 s on two cores), failing fast: a divergence is
reported with the sequence that found it, the diverging call and every store's answer;
``ROOMKIT_STORE_SHRINK=1`` minimises the sequence (up to Hypothesis's five minutes)."""


class StoresAgree(RuleBasedStateMachine):
    """Random store calls, each made on all three stores and compared."""

    def __init__(self) -> None:
        super().__init__()
        self.trio = StoreTrio()
        self.fresh_ids = (f"e{n}" for n in itertools.count())

    def teardown(self) -> None:
        self.trio.close()

    def _compare_channels(self) -> None:
        """Compare which room each channel was attached to last."""
        for channel_id in CHANNEL_IDS:
            self.trio.same("find_room_id_by_channel", channel_id)

    def _compare_people(self) -> None:
        """Compare the latest room of each person, on any channel and on SMS."""
        for person in PEOPLE_IDS:
            self.trio.same("find_latest_room", person)
            self.trio.same("find_latest_room", person, ChannelType.SMS)

    def _compare_lookups(self) -> None:
        """Compare what is found across rooms by channel, person, vendor id or task id."""
        self._compare_channels()
        self._compare_people()
        same = self.trio.same
        for vendor_id in VENDOR_MESSAGE_IDS:
            same("find_event_by_provider_message_id", vendor_id)
        for task_id in TASK_IDS:
            same("get_task", task_id)

    @initialize(
        rooms=st.lists(st.tuples(ORGS, STATUSES, TIMES, METADATA), min_size=3, max_size=3),
        events=st.lists(EVENT_SPECS, max_size=4),
        bindings=st.lists(st.tuples(ROOMS, CHANNELS, KINDS, st.none() | PEOPLE), max_size=4),
        people=st.lists(st.tuples(ROOMS, PEOPLE, CHANNELS), max_size=3),
        identities=st.lists(st.tuples(IDENTITIES, ADDRESS_BOOKS), max_size=2),
    )
    def start(
        self, rooms: list[tuple[Any, ...]], events: list[EventSpec],
        bindings: list[tuple[Any, ...]], people: list[tuple[str, str, str]],
        identities: list[tuple[str, dict[str, list[str]]]],
    ) -> None:  # fmt: skip
        """Most calls should find what they name: each sequence starts with all three
        rooms, and some events, bindings, participants and identities."""
        for number, (org, status, created, metadata) in enumerate(rooms):
            self.put_room(f"r{number}", org, status, created, metadata)
        self.add_events(events)
        for room_id, channel_id, kind, person in bindings:
            self.add_binding(room_id, channel_id, kind, person, None)
        for room_id, person, channel_id in people:
            self.put_participant(room_id, person, channel_id, [], replace=False)
        for identity_id, addresses in identities:
            self.create_identity(identity_id, addresses)

    # --- what the stores are asked back ------------------------------------------------

    @rule(
        room_id=ROOMS, offset=PAGE, limit=PAGE, channel_id=CHANNELS, key=KEYS.filter(bool),
        visibility=st.sampled_from([None, "all", "internal", "c1", "nobody"]),
    )  # fmt: skip
    def observe_room(
        self, room_id: str, offset: int, limit: int, channel_id: str, key: str,
        visibility: str | None,
    ) -> None:  # fmt: skip
        same = self.trio.same
        same("list_events", room_id, offset, limit, visibility)
        same("get_event_count", room_id)
        same("get_unread_count", room_id, channel_id)
        same("check_idempotency", room_id, key)

    @rule(
        org=ORGS, status=st.none() | STATUSES, wanted=st.none() | METADATA, offset=PAGE,
        limit=PAGE, room_id=ROOMS, task_status=TASK_STATUSES, channel_id=CHANNELS,
        person=PEOPLE, kind=st.none() | KINDS,
    )  # fmt: skip
    def observe_searches(
        self, org: str | None, status: RoomStatus | None, wanted: Any, offset: int,
        limit: int, room_id: str, task_status: TaskStatus, channel_id: str, person: str,
        kind: ChannelType | None,
    ) -> None:  # fmt: skip
        same = self.trio.same
        same("list_rooms", offset=offset, limit=limit)
        same("find_rooms", org, status, wanted, limit=limit, offset=offset)
        same("list_tasks", room_id, task_status)
        same("find_room_id_by_channel", channel_id, status)
        same("find_latest_room", person, kind, status)

    @rule(
        event_id=EVENTS, vendor=st.sampled_from(VENDOR_MESSAGE_IDS), task_id=TASKS,
        identity_id=IDENTITIES, kind=ADDRESS_TYPES, address=ADDRESSES,
    )  # fmt: skip
    def observe_records(
        self, event_id: str, vendor: str, task_id: str, identity_id: str,
        kind: str, address: str,
    ) -> None:  # fmt: skip
        same = self.trio.same
        same("get_event", event_id)
        same("find_event_by_provider_message_id", vendor)
        same("get_task", task_id)
        same("get_identity", identity_id)
        same("resolve_identity", kind, address)

    # --- rooms -------------------------------------------------------------------------

    @rule(
        room_id=ROOMS, org=ORGS, status=STATUSES, when=TIMES, metadata=METADATA,
        replace=st.booleans(),
    )  # fmt: skip
    def put_room(
        self, room_id: str, org: str | None, status: RoomStatus, when: int, metadata: Any,
        replace: bool = False,
    ) -> None:  # fmt: skip
        """Create a room, or replace it (with counters the stores must ignore)."""
        room = make_room(
            id=room_id, organization_id=org, status=status, created_at=at(when),
            updated_at=at(when), metadata=metadata, event_count=9, latest_index=8,
        )  # fmt: skip
        self.trio.same("update_room" if replace else "create_room", room)
        self.trio.compare_room(room_id)

    @rule(room_id=ROOMS, recreate=st.booleans(), created=TIMES)
    def delete_room(self, room_id: str, recreate: bool, created: int) -> None:
        """Delete a room, and maybe make a new, empty one with the same id."""
        self.trio.same("delete_room", room_id)
        if recreate:
            self.trio.same("create_room", make_room(id=room_id, created_at=at(created)))
        self.trio.compare_room(room_id)
        self._compare_lookups()

    # --- events ------------------------------------------------------------------------

    @rule(events=st.lists(EVENT_SPECS, min_size=1, max_size=3))
    def add_events(self, events: list[EventSpec]) -> None:
        for room_id, chosen_id, visibility, key, vendor, created in events:
            event_id = chosen_id or self._fresh_id()
            event = make_event(
                room_id, f"body of {event_id}", id=event_id, visibility=visibility,
                idempotency_key=key, created_at=at(created), index=42,
                delivery_results=vendor_results(vendor),
            )  # fmt: skip
            held = self.trio.key_taken(room_id, key, event_id)
            if held and self.trio.reference("get_event", event_id) is None:
                outcome = self.trio.same_on(SQL_STORES, "add_event", event)
                assert outcome == ("raised", "DuplicateEventError")
            else:
                self.trio.same("add_event", event)
            self.trio.compare_room(room_id)

    @rule(
        event=PICKS | EVENTS, status=st.sampled_from(list(EventStatus)), key=KEYS,
        visibility=VISIBILITIES, vendor=VENDOR_NUMBERS, room_id=ROOMS, metadata=METADATA,
    )  # fmt: skip
    def update_event(
        self, event: int | str, status: EventStatus, key: str | None, visibility: str,
        vendor: int | None, room_id: str, metadata: Any,
    ) -> None:  # fmt: skip
        """Update one of the room's events (by position) or any event id, moved to
        ``room_id`` (which the stores must ignore)."""
        event_id = self.trio.pick_event(room_id, event)
        stored: RoomEvent | None = self.trio.reference("get_event", event_id)
        base = stored or make_event(room_id, id=event_id)
        changes = {"status": status, "visibility": visibility, "idempotency_key": key}
        changes |= {"metadata": metadata, "room_id": room_id, "index": base.index + 5}
        if vendor is not None:
            changes["delivery_results"] = vendor_results(vendor)
        updated = base.model_copy(update=changes)
        if stored is not None and self.trio.key_taken(stored.room_id, key, event_id):
            outcome = self.trio.same_on(SQL_STORES, "update_event", updated)
            assert outcome == ("raised", "DuplicateEventError")
        else:
            self.trio.same("update_event", updated)
        self.trio.compare_room(base.room_id)

    def _fresh_id(self) -> str:
        """The first of ``e0``, ``e1``, ... that no stored event has."""
        while True:
            event_id = next(self.fresh_ids)
            if self.trio.reference("get_event", event_id) is None:
                return event_id

    # --- bindings and read tracking ----------------------------------------------------

    @rule(
        room_id=ROOMS, channel_id=CHANNELS, kind=KINDS, person=st.none() | PEOPLE,
        read=READ_HORIZONS,
    )  # fmt: skip
    def add_binding(
        self, room_id: str, channel_id: str, kind: ChannelType, person: str | None, read: Any
    ) -> None:
        binding = make_binding(
            room_id, channel_id, kind, participant_id=person, last_read_index=read
        )
        self.trio.same("add_binding", binding)
        self.trio.compare_room(room_id)
        self._compare_channels()

    @rule(
        room_id=ROOMS, channel=CHANNEL_PICKS, kind=KINDS, muted=st.booleans(), read=READ_HORIZONS
    )
    def update_binding(
        self, room_id: str, channel: int | str, kind: ChannelType, muted: bool, read: Any
    ) -> None:
        channel_id = self.trio.pick_channel(room_id, channel)
        base = self.trio.reference("get_binding", room_id, channel_id)
        base = base or make_binding(room_id, channel_id)
        changes = {"channel_type": kind, "muted": muted, "last_read_index": read}
        self.trio.same("update_binding", base.model_copy(update=changes))
        self.trio.compare_room(room_id)

    @rule(room_id=ROOMS, channel=CHANNEL_PICKS)
    def remove_binding(self, room_id: str, channel: int | str) -> None:
        self.trio.same("remove_binding", room_id, self.trio.pick_channel(room_id, channel))
        self.trio.compare_room(room_id)
        self._compare_channels()

    @rule(room_id=ROOMS, channel=CHANNEL_PICKS, event=st.none() | PICKS | EVENTS)
    def mark_read(self, room_id: str, channel: int | str, event: int | str | None) -> None:
        """Mark all read (no event) or up to an event, on one of the room's channels."""
        channel_id = self.trio.pick_channel(room_id, channel)
        if event is None:
            self.trio.same("mark_all_read", room_id, channel_id)
        else:
            self.trio.same("mark_read", room_id, channel_id, self.trio.pick_event(room_id, event))
        self.trio.same("get_unread_count", room_id, channel_id)
        self.trio.compare_room(room_id)

    # --- participants ------------------------------------------------------------------

    @rule(
        room_id=ROOMS, person=PEOPLE, channel_id=CHANNELS,
        via=st.lists(CHANNELS, max_size=2, unique=True), replace=st.booleans(),
    )  # fmt: skip
    def put_participant(
        self, room_id: str, person: str, channel_id: str, via: list[str], replace: bool
    ) -> None:
        participant = make_participant(room_id, person, channel_id, connected_via=via)
        self.trio.same("update_participant" if replace else "add_participant", participant)
        self.trio.compare_room(room_id)
        self._compare_people()

    # --- identities --------------------------------------------------------------------

    @rule(identity_id=IDENTITIES, addresses=ADDRESS_BOOKS)
    def create_identity(self, identity_id: str, addresses: dict[str, list[str]]) -> None:
        self.trio.same("create_identity", make_identity(identity_id, channel_addresses=addresses))
        self._compare_identities()

    @rule(identity_id=IDENTITIES, kind=ADDRESS_TYPES, address=ADDRESSES)
    def link_address(self, identity_id: str, kind: str, address: str) -> None:
        self.trio.same("link_address", identity_id, kind, address)
        self._compare_identities()

    def _compare_identities(self) -> None:
        """Compare every identity and who each address reaches (addresses move)."""
        for identity_id in IDENTITY_IDS:
            self.trio.same("get_identity", identity_id)
        for kind, address in ADDRESS_PAIRS:
            self.trio.same("resolve_identity", kind, address)

    # --- tasks and observations --------------------------------------------------------

    @rule(task_id=TASKS, room_id=ROOMS, status=TASK_STATUSES, when=TIMES)
    def add_task(self, task_id: str, room_id: str, status: TaskStatus, when: int) -> None:
        task = make_task(
            room_id, id=task_id, status=status, created_at=at(when), updated_at=at(when)
        )
        self.trio.same("add_task", task)
        self.trio.compare_room(room_id)

    @rule(task_id=TASKS, room_id=ROOMS, status=TASK_STATUSES)
    def update_task(self, task_id: str, room_id: str, status: TaskStatus) -> None:
        base = self.trio.reference("get_task", task_id) or make_task(room_id, id=task_id)
        changes = {"status": status, "room_id": room_id, "title": f"task {status.value}"}
        self.trio.same("update_task", base.model_copy(update=changes))
        self.trio.compare_room(base.room_id)

    @rule(observation_id=st.sampled_from(["o0", "o1"]), room_id=ROOMS, when=TIMES)
    def add_observation(self, observation_id: str, room_id: str, when: int) -> None:
        observation = make_observation(room_id, id=observation_id, created_at=at(when))
        self.trio.same("add_observation", observation)
        self.trio.compare_room(room_id)


def test_the_stores_answer_every_sequence_of_calls_alike() -> None:
    asyncio.run(require_postgres())  # skip (or fail, in CI) before the first sequence
    run_state_machine_as_test(StoresAgree, settings=DIFFERENTIAL_SETTINGS)
