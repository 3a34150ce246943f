"""Webhook routes end to end over loopback HTTP: signed, forged, malformed, challenged."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Mapping
from pathlib import Path

import httpx
import pytest

from roomkit import (
    DeliveryStatus,
    HTTPChannel,
    InvalidPayloadError,
    MockHTTPProvider,
    RoomKit,
    WebhookMeta,
)
from roomkit.integrations import (
    TWIML_EMPTY_REPLY,
    GenericWebhookVerifier,
    WebhookReply,
    WebhookVerifier,
    hub_challenge,
)
from roomkit.integrations.asgi import create_app
from roomkit.providers.http import signed_headers
from roomkit.store.sqlite import SQLiteStore
from tests.integrations.conftest import serve

SECRET = "generic-webhook-secret-81f2"


class RecordingVerifier(WebhookVerifier):
    """A Meta-style verifier double: accepts everything, records URLs, answers TwiML."""

    provider = "recording"

    def __init__(self, parse_error: Exception | None = None) -> None:
        self.urls: list[str] = []
        self.parse_error = parse_error

    def verify(self, headers: Mapping[str, str], body: bytes, url: str) -> None:
        self.urls.append(url)

    def parse(self, body: bytes, content_type: str) -> list[WebhookMeta]:
        if self.parse_error is not None:
            raise self.parse_error
        return [WebhookMeta(provider=self.provider, sender="s", body=body.decode())]

    def challenge(self, query: Mapping[str, str]) -> str | None:
        return hub_challenge(query, "verify-me")

    def reply(self, metas: object) -> WebhookReply:
        return TWIML_EMPTY_REPLY


@pytest.fixture
async def hooks(kit: RoomKit) -> AsyncIterator[httpx.AsyncClient]:
    """A served app with a generic verifier on ``http-in`` and a recorder on ``meta-in``."""
    kit.register_channel(HTTPChannel("http-in", provider=MockHTTPProvider()))
    kit.register_channel(HTTPChannel("meta-in", provider=MockHTTPProvider()))
    verifiers: dict[str, WebhookVerifier] = {
        "http-in": GenericWebhookVerifier(SECRET),
        "meta-in": RecordingVerifier(),
        "unregistered": RecordingVerifier(),
    }
    app = create_app(kit, allow_anonymous=True, webhook_verifiers=verifiers)
    async with serve(app) as base_url, httpx.AsyncClient(base_url=base_url) as client:
        yield client


def _signed(payload: object, secret: str = SECRET) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(payload).encode()
    return body, {**signed_headers(secret, body), "content-type": "application/json"}


async def test_a_signed_inbound_webhook_reaches_a_room(
    hooks: httpx.AsyncClient, kit: RoomKit
) -> None:
    body, headers = _signed(
        {"sender_id": "client-42", "text": "order status?", "message_id": "w1"}
    )
    response = await hooks.post("/webhooks/http-in", content=body, headers=headers)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    (room,) = await kit.store.list_rooms()
    (event,) = [e for e in await kit.get_timeline(room.id) if e.type == "message"]
    assert event.content.body == "order status?"  # type: ignore[union-attr]
    assert event.source.participant_id == "client-42"

    again = await hooks.post("/webhooks/http-in", content=body, headers=headers)
    assert again.status_code == 200
    messages = [e for e in await kit.get_timeline(room.id) if e.type == "message"]
    assert len(messages) == 1  # the vendor's retry is deduplicated on its message id


async def test_a_signed_status_webhook_reaches_delivery_handlers(
    hooks: httpx.AsyncClient, kit: RoomKit
) -> None:
    statuses: list[DeliveryStatus] = []

    @kit.on_delivery_status
    async def record(status: DeliveryStatus) -> None:
        statuses.append(status)

    body, headers = _signed({"message_id": "out-7", "status": "failed"})
    assert (await hooks.post("/webhooks/http-in", content=body, headers=headers)).is_success
    assert [(s.message_id, s.status, s.provider) for s in statuses] == [
        ("out-7", "failed", "http")
    ]


@pytest.mark.parametrize(
    "forge",
    [
        lambda body, headers: (body, {"content-type": "application/json"}),
        lambda body, headers: (body.replace(b"hello", b"HELLO"), headers),
        lambda body, headers: _signed(json.loads(body), secret="attacker"),
        lambda body, headers: (
            body,
            {**headers, "X-RoomKit-Timestamp": str(int(time.time()) - 3600)},
        ),
    ],
)
async def test_forged_or_unsigned_webhooks_are_403_and_store_nothing(
    hooks: httpx.AsyncClient, kit: RoomKit, forge: object
) -> None:
    body, headers = _signed({"sender_id": "mallory", "text": "hello"})
    body, headers = forge(body, headers)  # type: ignore[operator]
    response = await hooks.post("/webhooks/http-in", content=body, headers=headers)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "invalid_signature"
    assert await kit.store.list_rooms() == []


@pytest.mark.parametrize(
    "payload", [b"{broken", b'{"text": "no sender"}', b"[1, 2]", "🙂".encode()]
)
async def test_signed_but_malformed_bodies_are_400(
    hooks: httpx.AsyncClient, kit: RoomKit, payload: bytes
) -> None:
    headers = signed_headers(SECRET, payload)
    response = await hooks.post("/webhooks/http-in", content=payload, headers=headers)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_payload"
    assert await kit.store.list_rooms() == []


async def test_unknown_or_unregistered_webhook_channels_are_404(
    hooks: httpx.AsyncClient,
) -> None:
    for channel in ("nobody", "unregistered"):
        response = await hooks.post(f"/webhooks/{channel}", content=b"{}")
        assert response.status_code == 404
        assert (await hooks.get(f"/webhooks/{channel}")).status_code == 404


async def test_the_vendor_gets_its_own_reply(hooks: httpx.AsyncClient, kit: RoomKit) -> None:
    response = await hooks.post("/webhooks/meta-in?x=1", content=b"hey")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")
    assert response.text.endswith("<Response/>")
    (room,) = await kit.store.list_rooms()
    texts = [e.content.body for e in await kit.get_timeline(room.id) if e.type == "message"]  # type: ignore[union-attr]
    assert texts == ["hey"]


async def test_get_answers_the_verification_challenge(hooks: httpx.AsyncClient) -> None:
    query = {"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "42"}
    answered = await hooks.get("/webhooks/meta-in", params=query)
    assert (answered.status_code, answered.text) == (200, "42")
    wrong = await hooks.get("/webhooks/meta-in", params={**query, "hub.verify_token": "no"})
    assert wrong.status_code == 403
    generic = await hooks.get("/webhooks/http-in")
    assert generic.status_code == 405


@pytest.mark.parametrize(
    "error", [ValueError("bad number"), UnicodeDecodeError("utf-8", b"\xff", 0, 1, "bad")]
)
async def test_parser_value_errors_become_400(kit: RoomKit, error: Exception) -> None:
    kit.register_channel(HTTPChannel("in", provider=MockHTTPProvider()))
    verifier = RecordingVerifier(error)
    app = create_app(kit, allow_anonymous=True, webhook_verifiers={"in": verifier})
    async with serve(app) as base_url, httpx.AsyncClient(base_url=base_url) as client:
        response = await client.post("/webhooks/in?q=1", content=b"x")
    assert response.status_code == 400
    assert verifier.urls == [f"{base_url}/webhooks/in?q=1"]
    assert await kit.store.list_rooms() == []


async def test_public_url_is_what_the_verifier_checks(kit: RoomKit) -> None:
    kit.register_channel(HTTPChannel("in", provider=MockHTTPProvider()))
    verifier = RecordingVerifier(InvalidPayloadError("stop here"))
    app = create_app(
        kit,
        allow_anonymous=True,
        webhook_verifiers={"in": verifier},
        public_url="https://hooks.example.com/",
        prefix="/api",
    )
    async with serve(app) as base_url, httpx.AsyncClient(base_url=base_url) as client:
        await client.post("/api/webhooks/in?a=1&b=2", content=b"x")
        await client.post("/api/webhooks/in", content=b"x")
    assert verifier.urls == [
        "https://hooks.example.com/api/webhooks/in?a=1&b=2",
        "https://hooks.example.com/api/webhooks/in",
    ]


async def test_a_verifier_bug_is_a_500_not_a_refusal(kit: RoomKit) -> None:
    class Broken(RecordingVerifier):
        def verify(self, headers: Mapping[str, str], body: bytes, url: str) -> None:
            raise RuntimeError("bug")

        def challenge(self, query: Mapping[str, str]) -> str | None:
            raise RuntimeError("bug")

    kit.register_channel(HTTPChannel("in", provider=MockHTTPProvider()))
    app = create_app(kit, allow_anonymous=True, webhook_verifiers={"in": Broken()})
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        assert (await client.post("/webhooks/in", content=b"x")).status_code == 500
        assert (await client.get("/webhooks/in")).status_code == 500
    assert await kit.store.list_rooms() == []


async def test_text_the_store_cannot_hold_is_422_and_the_next_message_is_stored(
    tmp_path: Path,
) -> None:
    # A lone surrogate is valid JSON ("\\ud800") but not Unicode text: SQLite refuses it.
    async with RoomKit(store=SQLiteStore(str(tmp_path / "hooks.db"))) as kit:
        kit.register_channel(HTTPChannel("http-in", provider=MockHTTPProvider()))
        verifiers: dict[str, WebhookVerifier] = {"http-in": GenericWebhookVerifier(SECRET)}
        app = create_app(kit, allow_anonymous=True, webhook_verifiers=verifiers)
        async with serve(app) as base_url, httpx.AsyncClient(base_url=base_url) as client:
            body, headers = _signed({"sender_id": "c-1", "text": "bad \ud800", "message_id": "w1"})
            refused = await client.post("/webhooks/http-in", content=body, headers=headers)
            body, headers = _signed({"sender_id": "c-1", "text": "fine", "message_id": "w2"})
            accepted = await client.post("/webhooks/http-in", content=body, headers=headers)

        assert refused.status_code == 422
        assert refused.json()["error"]["code"] == "unstorable_value"
        assert accepted.status_code == 200
        (room,) = await kit.store.list_rooms()
        messages = [e for e in await kit.get_timeline(room.id) if e.type == "message"]
        assert [m.content.body for m in messages] == ["fine"]  # type: ignore[union-attr]
