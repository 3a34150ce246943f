"""Messenger and WhatsApp webhooks through the real app: X-Hub-Signature-256 and hub.challenge."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

import pytest

from roomkit import (
    Channel,
    MessengerChannel,
    MockMessengerProvider,
    MockWhatsAppProvider,
    RoomKit,
    WhatsAppChannel,
)
from roomkit.integrations import MessengerWebhookVerifier, WhatsAppWebhookVerifier
from roomkit.integrations.webhooks import WebhookVerifier
from tests.integrations.vendor_webhooks import (
    assert_refused,
    fixture_bytes,
    record_statuses,
    stored_messages,
    webhook_client,
)

APP_SECRET = "meta-app-secret-3f9b"
VERIFY_TOKEN = "meta-verify-token-a1"


def hub_headers(body: bytes, secret: str = APP_SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"X-Hub-Signature-256": f"sha256={digest}", "content-type": "application/json"}


VENDORS = [
    pytest.param(
        "messenger",
        MessengerWebhookVerifier,
        lambda: MessengerChannel("meta", provider=MockMessengerProvider()),
        id="messenger",
    ),
    pytest.param(
        "whatsapp",
        WhatsAppWebhookVerifier,
        lambda: WhatsAppChannel("meta", provider=MockWhatsAppProvider()),
        id="whatsapp",
    ),
]
Factory = Callable[[str, str], WebhookVerifier]


async def test_messenger_messages_and_receipts_are_accepted(kit: RoomKit) -> None:
    statuses = record_statuses(kit)
    verifier = MessengerWebhookVerifier(APP_SECRET, VERIFY_TOKEN)
    channel = MessengerChannel("meta", provider=MockMessengerProvider())
    async with webhook_client(kit, channel, verifier) as client:
        for name in ("webhook_messages.json", "webhook_receipts.json"):
            body = fixture_bytes("messenger", name)
            response = await client.post("/webhooks/meta", content=body, headers=hub_headers(body))
            assert response.status_code == 200
    texts = [e.content for e in await stored_messages(kit)]
    assert texts[0].body == "Where is my order?"  # type: ignore[union-attr]
    assert len(texts) == 4  # three messages and a postback; the page's echo is ignored
    assert [(s.message_id, s.status) for s in statuses] == [
        ("m_sent_1", "delivered"),
        ("m_sent_2", "delivered"),
    ]


async def test_whatsapp_messages_and_statuses_are_accepted(kit: RoomKit) -> None:
    statuses = record_statuses(kit)
    verifier = WhatsAppWebhookVerifier(APP_SECRET, VERIFY_TOKEN)
    channel = WhatsAppChannel("meta", provider=MockWhatsAppProvider())
    async with webhook_client(kit, channel, verifier) as client:
        for name in ("webhook_messages.json", "webhook_statuses.json"):
            body = fixture_bytes("whatsapp", name)
            response = await client.post("/webhooks/meta", content=body, headers=hub_headers(body))
            assert response.status_code == 200
    events = await stored_messages(kit)
    assert len(events) == 8
    assert events[0].content.body == "Does it come in another color?"  # type: ignore[union-attr]
    assert events[0].source.participant_id == "+16505551234"
    assert [s.status for s in statuses] == ["delivered", "failed"]


@pytest.mark.parametrize(("vendor", "factory", "channel"), VENDORS)
@pytest.mark.parametrize(
    "forge",
    [
        lambda body: (body, {"content-type": "application/json"}),
        lambda body: (body + b" ", hub_headers(body)),
        lambda body: (body, hub_headers(body, secret="not-the-app-secret")),
        lambda body: (body, {"X-Hub-Signature-256": "sha1=00"}),
    ],
    ids=["unsigned", "tampered", "wrong-secret", "wrong-scheme"],
)
async def test_forged_meta_webhooks_are_403(
    kit: RoomKit,
    vendor: str,
    factory: Factory,
    channel: Callable[[], Channel],
    forge: Callable[[bytes], tuple[bytes, dict[str, str]]],
) -> None:
    body, headers = forge(fixture_bytes(vendor, "webhook_messages.json"))
    async with webhook_client(kit, channel(), factory(APP_SECRET, VERIFY_TOKEN)) as client:
        response = await client.post("/webhooks/meta", content=body, headers=headers)
    await assert_refused(response, kit)


@pytest.mark.parametrize(("vendor", "factory", "channel"), VENDORS)
@pytest.mark.parametrize(
    "body", [b"{broken", b'{"object": "instagram", "entry": []}', b'{"entry": []}', b"[]"]
)
async def test_signed_but_malformed_meta_webhooks_are_400(
    kit: RoomKit, vendor: str, factory: Factory, channel: Callable[[], Channel], body: bytes
) -> None:
    async with webhook_client(kit, channel(), factory(APP_SECRET, VERIFY_TOKEN)) as client:
        response = await client.post("/webhooks/meta", content=body, headers=hub_headers(body))
    await assert_refused(response, kit, 400)


@pytest.mark.parametrize(("vendor", "factory", "channel"), VENDORS)
async def test_the_subscription_challenge_is_answered_only_with_the_token(
    kit: RoomKit, vendor: str, factory: Factory, channel: Callable[[], Channel]
) -> None:
    query = {
        "hub.mode": "subscribe",
        "hub.verify_token": VERIFY_TOKEN,
        "hub.challenge": "1158201444",
    }
    async with webhook_client(kit, channel(), factory(APP_SECRET, VERIFY_TOKEN)) as client:
        answered = await client.get("/webhooks/meta", params=query)
        wrong = await client.get("/webhooks/meta", params={**query, "hub.verify_token": "x"})
        unsubscribe = await client.get("/webhooks/meta", params={**query, "hub.mode": "other"})
    assert (answered.status_code, answered.text) == (200, "1158201444")
    assert wrong.status_code == 403
    assert unsubscribe.status_code == 403


@pytest.mark.parametrize(("vendor", "factory", "channel"), VENDORS)
def test_meta_secrets_are_required_and_never_shown(
    vendor: str, factory: Factory, channel: Callable[[], Channel]
) -> None:
    verifier = factory(APP_SECRET, VERIFY_TOKEN)
    assert APP_SECRET not in repr(verifier)
    assert VERIFY_TOKEN not in repr(verifier)
    with pytest.raises(ValueError, match="app secret"):
        factory("", VERIFY_TOKEN)
    with pytest.raises(ValueError, match="verify token"):
        factory(APP_SECRET, "")
