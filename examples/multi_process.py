"""Two worker processes serving the same rooms, on PostgreSQL and Redis.

Each worker is a separate Python process with its own ``RoomKit``, sharing rooms through
``PostgresStore`` (the timeline) and ``RedisLockManager`` (one message at a time per
room, across processes). Both workers receive the same 20 messages, as if a vendor
retried every webhook against the other node: each message is stored exactly once and
each room's indexes run 0, 1, 2, ... without gaps.

Needs the ``postgres`` and ``redis`` extras and the two servers. It reads
``ROOMKIT_EXAMPLE_POSTGRES_DSN`` (default ``postgresql://postgres@127.0.0.1:5432/test``)
and ``ROOMKIT_EXAMPLE_REDIS_URL`` (default ``redis://127.0.0.1:6379/0``), works in a
schema and key prefix of its own, and removes them at the end. Without the servers it
says what to set and exits.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import sys
import uuid
from typing import Any

DSN = os.environ.get("ROOMKIT_EXAMPLE_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("ROOMKIT_EXAMPLE_REDIS_URL", "redis://127.0.0.1:6379/0")
ROOMS, MESSAGES = 2, 20


async def worker(name: str, schema: str, prefix: str, start: Any, reverse: bool) -> None:
    """One node: a RoomKit on the shared store and lock, processing every message."""
    from roomkit import InboundMessage, RoomKit, TextContent, WebSocketChannel
    from roomkit.scale.locks import RedisLockManager
    from roomkit.store.postgres import PostgresStore

    store = PostgresStore(DSN, schema=schema, max_pool_size=2)
    async with RoomKit(store=store, lock_manager=RedisLockManager(REDIS, prefix=prefix)) as kit:
        for room in range(ROOMS):
            kit.register_channel(WebSocketChannel(f"ws-{room}"))
        stored = duplicates = 0
        await asyncio.to_thread(start.wait)  # both nodes begin together
        order = range(MESSAGES - 1, -1, -1) if reverse else range(MESSAGES)
        for n in order:
            room = n % ROOMS
            result = await kit.process_inbound(
                InboundMessage(
                    channel_id=f"ws-{room}",
                    sender_id=f"customer-{room}",
                    content=TextContent(body=f"message {n}"),
                    idempotency_key=f"vendor-id-{n}",
                    metadata={"worker": name},
                ),
                room_id=f"room-{room}",
            )
            duplicates += result.duplicate
            stored += not result.duplicate
        print(f"{name} (pid {os.getpid()}): stored {stored}, saw {duplicates} duplicates")


def run_worker(name: str, schema: str, prefix: str, start: Any, reverse: bool) -> None:
    """Process entry point."""
    asyncio.run(worker(name, schema, prefix, start, reverse))


async def setup_and_report(schema: str, prefix: str, *, setup: bool) -> None:
    """Create the rooms before the workers start; afterwards show the timelines and clean up."""
    from roomkit import EventType, RoomKit, WebSocketChannel
    from roomkit.store.postgres import PostgresStore

    store = PostgresStore(DSN, schema=schema)
    async with RoomKit(store=store) as kit:
        for room in range(ROOMS):
            kit.register_channel(WebSocketChannel(f"ws-{room}"))
            if setup:
                await kit.create_room(room_id=f"room-{room}")
                await kit.attach_channel(f"room-{room}", f"ws-{room}")
        if setup:
            return
        for room in range(ROOMS):
            events = await kit.get_timeline(f"room-{room}", limit=100)
            messages = [e for e in events if e.type is EventType.MESSAGE]
            indexes = [e.index for e in events]
            gap_free = indexes == list(range(len(indexes)))
            by = {e.metadata["worker"] for e in messages}
            print(
                f"room-{room}: {len(messages)} messages, indexes gap-free: {gap_free}, "
                f"stored by {sorted(by)}"
            )
    import asyncpg
    import redis.asyncio as aioredis

    conn = await asyncpg.connect(DSN)  # the example's own schema and keys: remove them
    await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    await conn.close()

    client = aioredis.from_url(REDIS)
    keys = [key async for key in client.scan_iter(f"{prefix}*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


async def servers_ready() -> str | None:
    """Return why the example cannot run here, or None."""
    try:
        import asyncpg
        import redis.asyncio as aioredis
    except ImportError:
        return "install the extras: pip install 'roomkit[postgres,redis]'"
    try:
        conn = await asyncpg.connect(DSN, timeout=3)
        await conn.close()
        client = aioredis.from_url(REDIS, socket_connect_timeout=3)
        await client.ping()
        await client.aclose()
    except Exception as exc:
        return f"cannot reach the servers ({type(exc).__name__}); set ROOMKIT_EXAMPLE_*"
    return None


def main() -> int:
    """Start two workers on the same rooms and check what they stored."""
    problem = asyncio.run(servers_ready())
    if problem is not None:
        print(f"multi_process example skipped: {problem}")
        return 0
    tag = uuid.uuid4().hex[:8]
    schema, prefix = f"roomkit_example_{tag}", f"roomkit-example:{tag}:"
    asyncio.run(setup_and_report(schema, prefix, setup=True))
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(2)
    workers = [  # one walks the messages forwards, the other backwards: they meet halfway
        context.Process(target=run_worker, args=(name, schema, prefix, start, reverse))
        for name, reverse in (("worker-a", False), ("worker-b", True))
    ]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=120)
    asyncio.run(setup_and_report(schema, prefix, setup=False))
    return max((p.exitcode or 0) for p in workers)


if __name__ == "__main__":
    sys.exit(main())
