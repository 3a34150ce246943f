"""WhatsApp Cloud API webhook parsing, signature and subscription handshake."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import pytest
from pydantic import SecretStr

from roomkit.errors import ConfigurationError, InvalidPayloadError, InvalidSignatureError
from roomkit.models import CompositeContent, MediaContent
from roomkit.providers.whatsapp import (
    WhatsAppCloudConfig,
    WhatsAppCloudProvider,
    parse_whatsapp_webhook,
    verify_whatsapp_challenge,
    verify_whatsapp_signature,
)
from tests.providers.transport_recorder import fixture_bytes, fixture_json

APP_SECRET = "wa-app-secret"
BODY = fixture_bytes("whatsapp", "webhook_messages.json")


def test_every_message_type() -> None:
    metas = parse_whatsapp_webhook(BODY)

    text, image, document, location, button, listed, template, contacts, reaction, other = metas
    assert (text.kind, text.sender, text.recipient) == ("inbound", "+16505551234", "+15550783881")
    assert text.body == "Does it come in another color?"
    assert text.timestamp == "2024-05-02T10:15:04+00:00"
    assert text.raw["profile_name"] == "Sheena Nelson"
    assert (image.body, image.media_urls, image.media_types) == (
        "This one",
        ["whatsapp-media:1037543291543636"],
        ["image/jpeg"],
    )
    assert document.raw["filename"] == "invoice.pdf"
    assert location.body == "Our store, 1 Rue Sainte-Catherine, Montreal (45.5017, -73.5673)"
    assert location.raw["location"]["latitude"] == "45.5017"
    assert (button.body, button.raw["payload"], button.raw["reply_to"]) == (
        "Blue",
        "COLOR_BLUE",
        "wamid.OUTBOUND001",
    )
    assert (listed.body, listed.raw["payload"]) == ("Medium", "SIZE_M")
    assert (template.body, template.raw["payload"]) == ("Stop promotions", "STOP_PROMOS")
    assert contacts.body == "Ana Lopez: +1 555 010 9999"
    assert (reaction.kind, reaction.raw["reaction"]) == ("other", "\U0001f44d")
    assert reaction.raw["reacted_to"] == "wamid.OUTBOUND001"
    assert other.kind == "other"


def test_media_becomes_media_content() -> None:
    image = parse_whatsapp_webhook(fixture_json("whatsapp", "webhook_messages.json"))[1]

    content = image.to_inbound("wa").content

    assert isinstance(content, CompositeContent)
    assert content.parts[1] == MediaContent(
        url="whatsapp-media:1037543291543636", mime_type="image/jpeg"
    )


def test_statuses_and_other_fields() -> None:
    delivered, failed, template = parse_whatsapp_webhook(
        fixture_json("whatsapp", "webhook_statuses.json")
    )

    assert (delivered.kind, delivered.status, delivered.recipient) == (
        "status",
        "delivered",
        "+15551234567",
    )
    assert delivered.message_id == "wamid.HBgLMTU1NTEyMzQ1NjcVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA"
    assert delivered.error_code is None
    assert (failed.status, failed.error_code, failed.error_message) == (
        "failed",
        "131047",
        "Re-engagement message",
    )
    assert failed.to_status().error_code == "131047"
    assert (template.kind, template.raw) == ("other", {"field": "message_template_status_update"})


def test_a_failed_status_falls_back_to_the_error_details() -> None:
    payload = _value(
        statuses=[
            {
                "id": "wamid.x",
                "status": "failed",
                "recipient_id": "1",
                "errors": [{"code": 1, "error_data": {"details": "why"}}],
            }
        ]
    )

    (meta,) = parse_whatsapp_webhook(payload)

    assert meta.error_message == "why"


def test_an_interactive_message_of_another_type_is_other() -> None:
    payload = _value(
        messages=[
            {"from": "1", "id": "w", "type": "interactive", "interactive": {"type": "nfm_reply"}}
        ]
    )

    (meta,) = parse_whatsapp_webhook(payload)

    assert (meta.kind, meta.raw["interactive_type"]) == ("other", "nfm_reply")


def _value(**value: Any) -> dict[str, Any]:
    return {
        "object": "whatsapp_business_account",
        "entry": [{"changes": [{"field": "messages", "value": value}]}],
    }


def _message(**fields: Any) -> dict[str, Any]:
    return _value(messages=[{"from": "1", "id": "w", **fields}])


MALFORMED: list[Any] = [
    b"not json",
    "[]",
    {"object": "page", "entry": []},
    {"object": "whatsapp_business_account", "entry": [{"changes": [{"value": {}}]}]},
    {"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages"}]}]},
    {"object": "whatsapp_business_account", "entry": [{"changes": "x"}]},
    _value(messages="x"),
    _value(metadata=[], messages=[]),
    _value(contacts=[{"profile": "x"}]),
    _message(),
    _value(messages=[{"id": "w", "type": "text", "text": {"body": "x"}}]),
    _value(messages=[{"from": "1", "type": "text", "text": {"body": "x"}}]),
    _message(type="text"),
    _message(type="text", text={"body": ["x"]}),
    _message(type="image", image={"mime_type": "image/png"}),
    _message(type="image"),
    _message(type="location", location={"latitude": 1}),
    _message(type="contacts", contacts="x"),
    _message(type="interactive", interactive={}),
    _message(type="button", button="x"),
    _message(type="reaction", reaction=None),
    _message(type="text", text={"body": "x"}, timestamp="noon"),
    _message(type="text", text={"body": "x"}, context=["w"]),
    _value(statuses=[{"status": "sent"}]),
    _value(statuses=[{"id": "w"}]),
    _value(statuses=[{"id": "w", "status": "failed", "errors": [1]}]),
    _value(statuses=[{"id": "w", "status": "sent", "timestamp": {"t": 1}}]),
]


@pytest.mark.parametrize("payload", MALFORMED)
def test_malformed_webhooks_are_invalid_payloads(payload: Any) -> None:
    with pytest.raises(InvalidPayloadError):
        parse_whatsapp_webhook(payload)


def test_signature_and_challenge() -> None:
    good = "sha256=" + hmac.new(APP_SECRET.encode(), BODY, hashlib.sha256).hexdigest()
    params = {"hub.mode": "subscribe", "hub.verify_token": "v", "hub.challenge": "42"}

    verify_whatsapp_signature(SecretStr(APP_SECRET), BODY, good)
    assert verify_whatsapp_challenge(params, "v") == "42"
    with pytest.raises(InvalidSignatureError):
        verify_whatsapp_signature(APP_SECRET, BODY + b"x", good)
    with pytest.raises(InvalidSignatureError):
        verify_whatsapp_challenge(params, "other")


async def test_provider_checks_with_its_config() -> None:
    good = "sha256=" + hmac.new(APP_SECRET.encode(), BODY, hashlib.sha256).hexdigest()
    params = {"hub.mode": "subscribe", "hub.verify_token": "v", "hub.challenge": "42"}
    config = WhatsAppCloudConfig(
        access_token=SecretStr("t"),
        phone_number_id="1",
        app_secret=SecretStr(APP_SECRET),
        verify_token=SecretStr("v"),
    )
    full = WhatsAppCloudProvider(config)
    bare = WhatsAppCloudProvider(
        WhatsAppCloudConfig(access_token=SecretStr("t"), phone_number_id="1")
    )

    full.verify_signature(BODY, good)
    assert full.verify_challenge(params) == "42"
    with pytest.raises(ConfigurationError):
        bare.verify_signature(BODY, good)
    with pytest.raises(ConfigurationError):
        bare.verify_challenge(params)
    assert APP_SECRET not in str(config)
    await full.close()
    await bare.close()
