"""Messenger webhook parsing, signature and subscription handshake."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import pytest
from pydantic import SecretStr

from roomkit.errors import ConfigurationError, InvalidPayloadError, InvalidSignatureError
from roomkit.models import CompositeContent, MediaContent, TextContent
from roomkit.providers.messenger import (
    FacebookMessengerProvider,
    MessengerConfig,
    parse_messenger_webhook,
    verify_messenger_challenge,
    verify_messenger_signature,
)
from tests.providers.transport_recorder import fixture_bytes, fixture_json

APP_SECRET = "app-secret-789"
BODY = fixture_bytes("messenger", "webhook_messages.json")


def signature(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_messages_postbacks_and_echoes() -> None:
    text, quick, media, postback, echo = parse_messenger_webhook(BODY)

    assert (text.kind, text.sender, text.recipient) == (
        "inbound",
        "6854215141321",
        "107220451234567",
    )
    assert text.body == "Where is my order?"
    assert text.message_id == "m_1457764197618:41d102a3e1ae206a38"
    assert text.timestamp == "2024-05-02T10:15:03.987000+00:00"
    assert quick.raw == {"quick_reply_payload": "TRACK_ORDER", "reply_to": "m_original_123"}
    assert media.media_urls == [
        "https://scontent.xx.fbcdn.net/v/t1.15752-9/photo.jpg?_nc_cat=1",
        "https://cdn.fbsbx.com/v/t59.2708-21/invoice?dl=1",
    ]
    assert media.media_types == ["image/jpeg", "application/octet-stream"]
    assert postback.kind == "inbound"
    assert postback.body == "Talk to a human"
    assert postback.raw == {"postback": True, "payload": "HUMAN_AGENT"}
    assert echo.kind == "other"


def test_inbound_messages_become_room_content() -> None:
    metas = parse_messenger_webhook(fixture_json("messenger", "webhook_messages.json"))

    assert metas[0].to_inbound("fb").content == TextContent(body="Where is my order?")
    content = metas[2].to_inbound("fb").content
    assert isinstance(content, CompositeContent)
    assert all(isinstance(part, MediaContent) for part in content.parts)


def test_receipts_are_statuses_per_message_id() -> None:
    delivered_1, delivered_2, read, reaction = parse_messenger_webhook(
        fixture_json("messenger", "webhook_receipts.json")
    )

    assert [(m.kind, m.message_id, m.status) for m in (delivered_1, delivered_2)] == [
        ("status", "m_sent_1", "delivered"),
        ("status", "m_sent_2", "delivered"),
    ]
    assert (delivered_1.sender, delivered_1.recipient) == ("107220451234567", "6854215141321")
    assert delivered_1.to_status().message_id == "m_sent_1"
    assert (read.kind, read.status, read.raw) == ("other", "read", {"watermark": "1714645000500"})
    assert (reaction.kind, reaction.raw) == ("other", {"fields": ["reaction"]})


def test_a_read_receipt_naming_a_message_is_a_status() -> None:
    payload = {
        "object": "page",
        "entry": [
            {
                "messaging": [
                    {
                        "sender": {"id": "u"},
                        "recipient": {"id": "p"},
                        "read": {"mid": "m_9", "watermark": 1},
                    }
                ]
            }
        ],
    }

    (meta,) = parse_messenger_webhook(payload)

    assert (meta.kind, meta.message_id, meta.status) == ("status", "m_9", "read")


def _item(**fields: Any) -> dict[str, Any]:
    return {"object": "page", "entry": [{"messaging": [fields]}]}


SENDER = {"sender": {"id": "u"}, "recipient": {"id": "p"}}

MALFORMED: list[Any] = [
    b"<xml/>",
    "[]",
    {"object": "instagram", "entry": []},
    {"entry": []},
    {"object": "page", "entry": {"id": 1}},
    {"object": "page", "entry": [[]]},
    {"object": "page", "entry": [{"messaging": ["x"]}]},
    _item(recipient={"id": "p"}, message={"mid": "m", "text": "t"}),
    _item(sender={"id": "u"}, message={"mid": "m"}),
    _item(sender="u", recipient={"id": "p"}, message={"mid": "m"}),
    _item(**SENDER, message={"text": "no mid"}),
    _item(**SENDER, message={"mid": "m", "text": ["t"]}),
    _item(**SENDER, message={"mid": "m", "attachments": "x"}),
    _item(**SENDER, message={"mid": "m", "attachments": [{"type": "image", "payload": "u"}]}),
    _item(**SENDER, message={"mid": "m", "quick_reply": "x"}),
    _item(**SENDER, message="hello"),
    _item(**SENDER, postback={"payload": {"x": 1}}),
    _item(**SENDER, delivery={"mids": "m_1"}),
    _item(**SENDER, delivery={"mids": [1, 2]}),
    _item(**SENDER, timestamp="yesterday", message={"mid": "m"}),
    _item(**SENDER, timestamp=True, message={"mid": "m"}),
]


@pytest.mark.parametrize("payload", MALFORMED)
def test_malformed_webhooks_are_invalid_payloads(payload: Any) -> None:
    with pytest.raises(InvalidPayloadError):
        parse_messenger_webhook(payload)


def test_signature_check() -> None:
    verify_messenger_signature(SecretStr(APP_SECRET), BODY, signature(BODY))
    verify_messenger_signature(APP_SECRET, BODY, signature(BODY))

    for bad in (None, signature(BODY, "other"), signature(BODY)[7:], "sha256=zz"):
        with pytest.raises(InvalidSignatureError):
            verify_messenger_signature(APP_SECRET, BODY, bad)


PARAMS = {"hub.mode": "subscribe", "hub.verify_token": "tok-1", "hub.challenge": "1158201444"}


def test_challenge_returns_the_challenge() -> None:
    assert verify_messenger_challenge(PARAMS, SecretStr("tok-1")) == "1158201444"
    as_lists = {k: [v] for k, v in PARAMS.items()}
    assert verify_messenger_challenge(as_lists, "tok-1") == "1158201444"


@pytest.mark.parametrize(
    "params",
    [
        {**PARAMS, "hub.mode": "unsubscribe"},
        {**PARAMS, "hub.verify_token": "wrong"},
        {k: v for k, v in PARAMS.items() if k != "hub.verify_token"},
        {**PARAMS, "hub.challenge": ""},
        {**PARAMS, "hub.mode": []},
    ],
)
def test_challenge_refusals(params: dict[str, Any]) -> None:
    with pytest.raises(InvalidSignatureError):
        verify_messenger_challenge(params, "tok-1")


async def test_provider_checks_with_its_config() -> None:
    config = MessengerConfig(
        page_access_token=SecretStr("t"),
        app_secret=SecretStr(APP_SECRET),
        verify_token=SecretStr("tok-1"),
    )
    full = FacebookMessengerProvider(config)
    bare = FacebookMessengerProvider(MessengerConfig(page_access_token=SecretStr("t")))

    full.verify_signature(BODY, signature(BODY))
    assert full.verify_challenge(PARAMS) == "1158201444"
    with pytest.raises(ConfigurationError):
        bare.verify_signature(BODY, signature(BODY))
    with pytest.raises(ConfigurationError):
        bare.verify_challenge(PARAMS)
    assert APP_SECRET not in repr(config)
    assert "tok-1" not in str(config)
    await full.close()
    await bare.close()


def test_a_message_without_text_or_media_url_is_other() -> None:
    location = {"type": "location", "payload": {"coordinates": {"lat": 1, "long": 2}}}
    payload = _item(**SENDER, message={"mid": "m_loc", "attachments": [location]})

    (meta,) = parse_messenger_webhook(payload)

    assert (meta.kind, meta.message_id) == ("other", "m_loc")
