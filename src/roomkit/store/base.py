"""The persistence contract every conversation store fulfils."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any

from roomkit.models.channel import ChannelBinding
from roomkit.models.enums import ChannelType, RoomStatus, TaskStatus
from roomkit.models.event import RoomEvent
from roomkit.models.identity import Identity
from roomkit.models.participant import Participant
from roomkit.models.room import Room
from roomkit.models.task import Observation, Task

__all__ = ["ConversationStore"]

logger = logging.getLogger("roomkit.store")

_warned_no_updates: set[type[ConversationStore]] = set()
"""Store classes already warned about lacking ``update_event``."""


class ConversationStore(ABC):
    """Where rooms, timelines, bindings, participants, identities and side effects live.

    Rules every implementation keeps:

    * Objects passed in and handed out are copies: mutating them never changes what is
      stored.
    * ``add_event`` assigns the event's room-local ``index`` (0, 1, 2, ... without gaps)
      and updates the room's ``event_count`` and ``latest_index``.
    * Timelines are ordered by ``index``; ``offset`` counts from the oldest event.
    * ``update_*`` and ``add_event`` raise the matching
      :class:`~roomkit.errors.NotFoundError` subclass when the target is missing;
      ``get_*`` return ``None`` instead.
    * A value its database cannot hold (NUL in PostgreSQL; a lone surrogate, infinity or
      NaN in SQL) may be refused with :class:`~roomkit.errors.UnstorableValueError`;
      nothing is written.
    """

    # --- Rooms -------------------------------------------------------------------

    @abstractmethod
    async def create_room(self, room: Room) -> Room:
        """Store a new room and return the stored copy."""

    @abstractmethod
    async def get_room(self, room_id: str) -> Room | None:
        """Return the room, or ``None`` if there is none with this id."""

    @abstractmethod
    async def update_room(self, room: Room) -> Room:
        """Replace a stored room; raises ``RoomNotFoundError`` if it is missing."""

    @abstractmethod
    async def delete_room(self, room_id: str) -> bool:
        """Delete a room and everything in it; return whether it existed."""

    @abstractmethod
    async def list_rooms(self, offset: int = 0, limit: int = 50) -> list[Room]:
        """Return rooms, oldest first, one page at a time."""

    @abstractmethod
    async def find_rooms(
        self,
        organization_id: str | None = None,
        status: RoomStatus | None = None,
        metadata_filter: dict[str, Any] | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[Room]:
        """Return rooms matching every given filter (metadata keys must be equal).

        Metadata values compare as Python values (``==``), in every store: a filter of
        ``{"vip": 1}`` finds a room whose ``vip`` is ``True``.
        """

    @abstractmethod
    async def find_latest_room(
        self,
        participant_id: str,
        channel_type: ChannelType | None = None,
        status: RoomStatus | None = None,
    ) -> Room | None:
        """Return the most recently created room where the participant takes part."""

    @abstractmethod
    async def find_room_id_by_channel(
        self, channel_id: str, status: RoomStatus | None = None
    ) -> str | None:
        """Return the id of the room the channel was most recently attached to."""

    # --- Events ------------------------------------------------------------------

    @abstractmethod
    async def add_event(self, event: RoomEvent) -> RoomEvent:
        """Append an event to its room's timeline, assigning its ``index``."""

    async def update_event(self, event: RoomEvent) -> RoomEvent:
        """Replace a stored event (status, delivery results, metadata); keeps its index.

        Every shipped store implements it. A store written to the spec's method list
        alone may leave it out: this default then keeps the event as first stored,
        returns ``event`` as given, and warns once per store class that delivery
        results, status reports and voice notes are not being recorded.
        """
        kind = type(self)
        if kind not in _warned_no_updates:
            _warned_no_updates.add(kind)
            logger.warning(
                "%s does not implement update_event: delivery results, status reports and "
                "voice notes are not recorded on stored events",
                kind.__name__,
            )
        return event

    @abstractmethod
    async def get_event(self, event_id: str) -> RoomEvent | None:
        """Return the event, or ``None``."""

    @abstractmethod
    async def list_events(
        self,
        room_id: str,
        offset: int = 0,
        limit: int = 50,
        visibility_filter: str | None = None,
    ) -> list[RoomEvent]:
        """Return a page of the room's timeline in index order.

        With ``visibility_filter`` only events whose ``visibility`` equals it are
        counted and returned.
        """

    @abstractmethod
    async def check_idempotency(self, room_id: str, key: str) -> bool:
        """Return whether an event with this idempotency key is already in the room."""

    @abstractmethod
    async def get_event_count(self, room_id: str) -> int:
        """Return how many events the room holds."""

    # --- Bindings ----------------------------------------------------------------

    @abstractmethod
    async def add_binding(self, binding: ChannelBinding) -> ChannelBinding:
        """Attach a channel to a room (replacing an earlier binding of the same pair)."""

    @abstractmethod
    async def get_binding(self, room_id: str, channel_id: str) -> ChannelBinding | None:
        """Return the binding of the channel in the room, or ``None``."""

    @abstractmethod
    async def update_binding(self, binding: ChannelBinding) -> ChannelBinding:
        """Replace a binding; raises ``ChannelNotFoundError`` if it is missing."""

    @abstractmethod
    async def remove_binding(self, room_id: str, channel_id: str) -> bool:
        """Detach a channel from a room; return whether it was attached."""

    @abstractmethod
    async def list_bindings(self, room_id: str) -> list[ChannelBinding]:
        """Return the room's bindings in the order they were attached."""

    # --- Participants ------------------------------------------------------------

    @abstractmethod
    async def add_participant(self, participant: Participant) -> Participant:
        """Add a participant to its room (replacing one with the same id)."""

    @abstractmethod
    async def get_participant(self, room_id: str, participant_id: str) -> Participant | None:
        """Return the participant, or ``None``."""

    @abstractmethod
    async def update_participant(self, participant: Participant) -> Participant:
        """Replace a participant; raises ``ParticipantNotFoundError`` if missing."""

    @abstractmethod
    async def list_participants(self, room_id: str) -> list[Participant]:
        """Return the room's participants in the order they joined."""

    async def _room_and_members(
        self, room_id: str
    ) -> tuple[Room, list[ChannelBinding], list[Participant]] | None:
        """The room with its bindings and participants, or ``None`` without the room.

        What the framework reads before each event it processes. This default makes the
        three public reads; a store may do it more cheaply (``SQLiteStore`` keeps the
        members it last read and reads them again only when the room says they changed).
        """
        room = await self.get_room(room_id)
        if room is None:
            return None
        return room, await self.list_bindings(room_id), await self.list_participants(room_id)

    async def _latest_room_status(
        self, participant_id: str, channel_type: ChannelType | None = None
    ) -> tuple[str, RoomStatus] | None:
        """The id and status of the room ``find_latest_room`` would return, or ``None``.

        What the default inbound router asks for every message. This default reads the
        room; a store may answer without building it.
        """
        room = await self.find_latest_room(participant_id, channel_type)
        return None if room is None else (room.id, room.status)

    # --- Identities --------------------------------------------------------------

    @abstractmethod
    async def create_identity(self, identity: Identity) -> Identity:
        """Store an identity and index its channel addresses."""

    @abstractmethod
    async def get_identity(self, identity_id: str) -> Identity | None:
        """Return the identity, or ``None``."""

    @abstractmethod
    async def resolve_identity(self, channel_type: str, address: str) -> Identity | None:
        """Return the identity reachable at ``address`` on ``channel_type``, if any."""

    @abstractmethod
    async def link_address(self, identity_id: str, channel_type: str, address: str) -> Identity:
        """Add a channel address to an identity; raises ``IdentityNotFoundError``."""

    # --- Tasks -------------------------------------------------------------------

    @abstractmethod
    async def add_task(self, task: Task) -> Task:
        """Store a task."""

    @abstractmethod
    async def get_task(self, task_id: str) -> Task | None:
        """Return the task, or ``None``."""

    @abstractmethod
    async def list_tasks(self, room_id: str, status: TaskStatus | None = None) -> list[Task]:
        """Return the room's tasks, oldest first, optionally only those in ``status``."""

    @abstractmethod
    async def update_task(self, task: Task) -> Task:
        """Replace a task; raises ``TaskNotFoundError`` if it is missing."""

    # --- Observations ------------------------------------------------------------

    @abstractmethod
    async def add_observation(self, observation: Observation) -> Observation:
        """Store an observation."""

    @abstractmethod
    async def list_observations(self, room_id: str) -> list[Observation]:
        """Return the room's observations, oldest first."""

    # --- Read tracking -----------------------------------------------------------

    @abstractmethod
    async def mark_read(self, room_id: str, channel_id: str, event_id: str) -> None:
        """Record that the channel has read up to (and including) ``event_id``."""

    @abstractmethod
    async def mark_all_read(self, room_id: str, channel_id: str) -> None:
        """Record that the channel has read every event of the room."""

    @abstractmethod
    async def get_unread_count(self, room_id: str, channel_id: str) -> int:
        """Return how many events the channel has not read yet."""

    async def find_event_by_provider_message_id(
        self, provider_message_id: str
    ) -> RoomEvent | None:
        """Return the event whose delivery got this vendor message id, if the store knows.

        Stores that keep no such index return ``None``: delivery-status reports are then
        still dispatched to hooks and handlers but not recorded on the event.
        """
        return None

    async def close(self) -> None:
        """Release connections or files held by the store (nothing by default)."""
        return None
