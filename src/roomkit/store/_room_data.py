"""What the in-memory store keeps for one room, and small shared checks."""

from __future__ import annotations

from dataclasses import dataclass, field

from roomkit.models.channel import ChannelBinding
from roomkit.models.enums import ChannelType
from roomkit.models.event import RoomEvent
from roomkit.models.participant import Participant
from roomkit.models.room import Room
from roomkit.models.task import Observation
from roomkit.store._timeline import Timeline

__all__ = ["RoomData", "check_page", "later", "provider_ids"]


@dataclass(slots=True)
class RoomData:
    """Everything stored for one room; ``seq`` is its place in creation order."""

    room: Room
    seq: int
    timeline: Timeline = field(default_factory=Timeline)
    bindings: dict[str, ChannelBinding] = field(default_factory=dict)
    participants: dict[str, Participant] = field(default_factory=dict)
    task_ids: dict[str, None] = field(default_factory=dict)
    observations: list[Observation] = field(default_factory=list)

    def reaches(self, participant_id: str, channel_type: ChannelType) -> bool:
        """Tell whether the participant uses a binding of ``channel_type`` here.

        A binding counts when its channel is the participant's own channel or one of
        its ``connected_via`` channels, or when the binding names the participant.
        """
        participant = self.participants[participant_id]
        channels = {participant.channel_id, *participant.connected_via}
        return any(
            binding.channel_type == channel_type
            and (binding.channel_id in channels or binding.participant_id == participant_id)
            for binding in self.bindings.values()
        )


def check_page(offset: int, limit: int) -> None:
    """Reject negative pagination arguments with ``ValueError``."""
    if offset < 0:
        raise ValueError(f"offset must be >= 0, got {offset}")
    if limit < 0:
        raise ValueError(f"limit must be >= 0, got {limit}")


def later(first: int | None, second: int | None) -> int | None:
    """Return the larger of two read horizons, ``None`` meaning nothing read."""
    if first is None:
        return second
    if second is None:
        return first
    return max(first, second)


def provider_ids(event: RoomEvent) -> list[str]:
    """The vendor message ids recorded in an event's delivery results."""
    results = event.delivery_results
    if not results:
        return []
    found: list[str] = []
    for result in results.values():  # a loop, not a generator: called for every write
        if isinstance(result, dict):
            vendor_id = result.get("provider_message_id")
            if isinstance(vendor_id, str) and vendor_id:
                found.append(vendor_id)
    return found
