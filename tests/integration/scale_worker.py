"""A RoomKit worker process for the multi-process tests (run as a script, not collected).

It reads its configuration as JSON from ``argv[1]``: the PostgreSQL DSN and schema, the
Redis URL and key prefix, the lock ttl, how many rooms exist, how many messages to run
at once, and the messages (room number, body, idempotency key). It processes them with a
``RoomKit`` on ``PostgresStore`` + ``RedisLockManager`` and writes one line per fact to
stdout, flushed at once, so the parent sees exactly what finished before any crash::

    done <key> <event id or "duplicate">     process_inbound returned
    delivered <event id>                     the agent connection was sent the event
    error <key> <exception>                  process_inbound raised
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from roomkit import InboundMessage, RoomEvent, RoomKit, TextContent, WebSocketChannel
from roomkit.scale.locks import RedisLockManager
from roomkit.store.postgres import PostgresStore


def emit(*parts: str) -> None:
    """Write one line of facts and flush it."""
    sys.stdout.write(" ".join(parts) + "\n")
    sys.stdout.flush()


async def deliver(connection_id: str, event: RoomEvent) -> None:
    """The agent's connection: record each event it is sent."""
    emit("delivered", event.id)


async def run(config: dict[str, Any]) -> None:
    """Process every message of the configuration, ``concurrency`` at a time."""
    store = PostgresStore(config["dsn"], schema=config["schema"], max_pool_size=4)
    locks = RedisLockManager(config["redis_url"], prefix=config["prefix"], ttl=config["ttl"])
    async with RoomKit(store=store, lock_manager=locks) as kit:
        for number in range(config["rooms"]):
            kit.register_channel(WebSocketChannel(f"ws-room-{number}"))
        kit.register_channel(WebSocketChannel("ws-agent"))
        await kit.connect_websocket("ws-agent", "agent", deliver)
        gate = asyncio.Semaphore(config["concurrency"])

        async def one(message: dict[str, Any]) -> None:
            async with gate:
                inbound = InboundMessage(
                    channel_id=f"ws-room-{message['room']}",
                    sender_id=f"user-{message['room']}",
                    content=TextContent(body=message["body"]),
                    idempotency_key=message["key"],
                )
                try:
                    result = await kit.process_inbound(inbound)
                except Exception as exc:
                    emit("error", message["key"], repr(exc).replace("\n", " "))
                    return
                outcome = (
                    "duplicate" if result.duplicate or result.event is None else result.event.id
                )
                emit("done", message["key"], outcome)

        await asyncio.gather(*(one(message) for message in config["messages"]))


if __name__ == "__main__":
    asyncio.run(run(json.loads(sys.argv[1])))
