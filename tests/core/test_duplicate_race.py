"""A store's unique idempotency index firing (another process won the race) is a duplicate."""

from __future__ import annotations

from pipeline_support import FrameworkLog, message

from roomkit import InMemoryStore, RoomEvent, RoomKit, WebSocketChannel
from roomkit.errors import DuplicateEventError


class RacedStore(InMemoryStore):
    """Behaves as if another process stored the key between the check and the insert."""

    async def add_event(self, event: RoomEvent) -> RoomEvent:
        """Refuse events carrying the raced key."""
        if event.idempotency_key == "raced":
            raise DuplicateEventError("room already holds idempotency key 'raced'")
        return await super().add_event(event)


async def test_a_lost_idempotency_race_returns_a_duplicate_result() -> None:
    log = FrameworkLog()
    async with RoomKit(store=RacedStore()) as kit:
        kit.on("duplicate_inbound")(log.record)
        kit.register_channel(WebSocketChannel("ws"))
        await kit.create_room(room_id="r")
        await kit.attach_channel("r", "ws")

        result = await kit.process_inbound(message("ws", "hi", idempotency_key="raced"))
        other = await kit.process_inbound(message("ws", "hi", idempotency_key="fresh"))

        assert result.duplicate and result.blocked and result.event is None
        assert [e.data for e in log.events] == [{"idempotency_key": "raced"}]
        assert not other.duplicate and other.event is not None


def test_the_error_is_still_a_value_error() -> None:
    assert issubclass(DuplicateEventError, ValueError)
