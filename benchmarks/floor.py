"""What the inbound scenario costs before RoomKit does anything: this machine's floor.

``inbound.py`` measures the pipeline. This script measures, on the same machine, only
the work the specification itself demands for one of that scenario's messages, written
as straight-line code with no framework around it: the room event a channel makes of the
inbound message, one sync hook call returning ``HookResult.allow()``, an alias-free copy
into a dict "store", the ``AIContext`` (with the 20 cached history messages the AI channel
would send), the provider's ``AIResponse``, the reply event with its source and content,
the ``ChannelOutput`` carrying it, the reply's hook call and copy, three
``DeliveryResult`` objects (one per target reached), the WebSocket send, the two async
hook calls and the ``InboundResult``. No routing, lock, timeout, visibility rule,
transcoding, room context or framework event is included.

It also times copying the newest 50 events of a room, as a timeline read must hand them
out, once alias-free (what a store does) and once as shallow copies that would share the
events' content with the store (not allowed; a lower bound).

If these floors approach a target, no implementation of the specified pipeline can meet
that target on this machine. Run with ``uv run python benchmarks/floor.py``.
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import time

from roomkit import (
    AIContext,
    AIMessage,
    AIResponse,
    ChannelOutput,
    ChannelType,
    EventSource,
    HookResult,
    InboundMessage,
    InboundResult,
    RoomContext,
    RoomEvent,
    TextContent,
)
from roomkit.models import ChannelDirection, DeliveryResult, EventStatus
from roomkit.models._clone import clone
from roomkit.models._util import replace

MESSAGES = 3_000


async def _sync_hook(_event: RoomEvent, _context: RoomContext | None) -> HookResult:
    return HookResult.allow()


async def _async_hook(_event: RoomEvent, _context: RoomContext | None) -> None:
    return None


async def _generate(_context: AIContext) -> AIResponse:
    return AIResponse(content="Noted, thanks!")


async def _send(_connection_id: str, _event: RoomEvent) -> None:
    return None


def _stored(event: RoomEvent, timeline: list[RoomEvent], by_id: dict[str, RoomEvent]) -> None:
    copy = clone(replace(event, index=len(timeline), status=EventStatus.DELIVERED))
    timeline.append(copy)
    by_id[copy.id] = copy


async def _one_round(messages: list[InboundMessage]) -> float:
    """Do the specified work for every message; return microseconds per message."""
    timeline: list[RoomEvent] = []
    by_id: dict[str, RoomEvent] = {}
    history = [AIMessage(role="user", content=f"message {n}") for n in range(20)]
    gc.collect()
    start = time.perf_counter()
    for message in messages:
        source = EventSource(
            channel_id="ws-live", channel_type=ChannelType.WEBSOCKET, participant_id="user"
        )
        event = RoomEvent(room_id="room", source=source, content=message.content)
        await _sync_hook(event, None)
        _stored(event, timeline, by_id)
        text = AIMessage(role="user", content=getattr(message.content, "body", ""))
        answer = await _generate(AIContext(messages=[*history, text]))
        reply = RoomEvent(
            room_id="room",
            source=EventSource(
                channel_id="ai", channel_type=ChannelType.AI, direction=ChannelDirection.OUTBOUND
            ),
            content=TextContent(body=answer.content),
            chain_depth=1,
        )
        ChannelOutput(response_events=[reply])
        DeliveryResult(channel_id="ws-idle", status=EventStatus.DELIVERED)
        await _sync_hook(reply, None)
        _stored(reply, timeline, by_id)
        await _send("conn", reply)
        DeliveryResult(channel_id="ws-live", status=EventStatus.DELIVERED)
        DeliveryResult(channel_id="ws-idle", status=EventStatus.DELIVERED)
        await _async_hook(event, None)
        await _async_hook(reply, None)
        InboundResult(event=event)
    return (time.perf_counter() - start) / len(messages) * 1e6


def _page_copies(events: list[RoomEvent]) -> tuple[float, float]:
    """Median µs to copy the newest 50 events alias-free, and shallowly."""
    deep: list[float] = []
    shallow: list[float] = []
    for _ in range(2_000):
        start = time.perf_counter()
        [clone(event) for event in events[-50:]]
        middle = time.perf_counter()
        [event.model_copy() for event in events[-50:]]
        deep.append(middle - start)
        shallow.append(time.perf_counter() - middle)
    return statistics.median(deep) * 1e6, statistics.median(shallow) * 1e6


async def main() -> None:
    """Print the floors next to the targets of ``inbound.py``."""
    messages = [
        InboundMessage(
            channel_id="ws-live", sender_id="user", content=TextContent(body=f"message {n}")
        )
        for n in range(MESSAGES)
    ]
    per_message = min([await _one_round(messages) for _ in range(3)])
    archived = EventSource(channel_id="archive", channel_type=ChannelType.WEBSOCKET)
    events = [
        RoomEvent(room_id="room", source=archived, content=TextContent(body="archived message"))
        for _ in range(50)
    ]
    deep, shallow = _page_copies(events)
    print(
        f"specified work per message: {per_message:.1f} µs = {1e6 / per_message:,.0f} msg/s"
        " at most (target >= 10,000 msg/s, i.e. <= 100 µs for everything)"
    )
    print(f"copying a 50-event page alias-free: {deep:.1f} µs (target < 100 µs for the read)")
    print(f"copying it shallowly (shares content; not allowed): {shallow:.1f} µs")


if __name__ == "__main__":
    asyncio.run(main())
