"""Helpers for the vendor verifier tests: an app with one webhook channel, what it stored."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

from roomkit import Channel, DeliveryStatus, RoomEvent, RoomKit
from roomkit.integrations import WebhookVerifier
from roomkit.integrations.asgi import create_app

PUBLIC_URL = "https://hooks.example.com"
"""The public URL the app is told it is reached at (what URL-signing vendors sign)."""

NOW = 1_717_000_000.0
"""The verifiers' clock in these tests."""

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def fixture_bytes(vendor: str, name: str) -> bytes:
    """The raw bytes of ``tests/fixtures/<vendor>/<name>``."""
    return (FIXTURES / vendor / name).read_bytes().strip()


@asynccontextmanager
async def webhook_client(
    kit: RoomKit, channel: Channel, verifier: WebhookVerifier
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of ``create_app`` serving ``verifier`` on ``/webhooks/<channel id>``."""
    kit.register_channel(channel)
    app = create_app(
        kit,
        allow_anonymous=True,
        webhook_verifiers={channel.channel_id: verifier},
        public_url=PUBLIC_URL,
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as client:
        yield client


def record_statuses(kit: RoomKit) -> list[DeliveryStatus]:
    """The delivery statuses the kit reports from now on."""
    statuses: list[DeliveryStatus] = []

    @kit.on_delivery_status
    async def record(status: DeliveryStatus) -> None:
        statuses.append(status)

    return statuses


async def stored_messages(kit: RoomKit) -> list[RoomEvent]:
    """Every message event of every room."""
    events: list[RoomEvent] = []
    for room in await kit.store.list_rooms():
        events += [e for e in await kit.get_timeline(room.id) if e.type == "message"]
    return events


async def assert_refused(response: httpx.Response, kit: RoomKit, status: int = 403) -> None:
    """The webhook was refused with ``status`` and nothing reached the store."""
    assert response.status_code == status, response.text
    expected = "invalid_signature" if status == 403 else "invalid_payload"
    assert response.json()["error"]["code"] == expected
    assert await kit.store.list_rooms() == []
