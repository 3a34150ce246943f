"""parse_http_webhook: the documented JSON shape, signatures and malformed posts."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import SecretStr

from roomkit.errors import ConfigurationError, InvalidPayloadError, InvalidSignatureError
from roomkit.models import CompositeContent, MediaContent, TextContent
from roomkit.providers.http import parse_http_webhook, sign_http_body
from tests.providers.transport_recorder import fixture_bytes, fixture_json

SECRET = "whsec-in-456"
NOW = 1_714_645_000.0
STAMP = "1714645000"


def clock() -> float:
    return NOW


def headers_for(raw: bytes, stamp: str = STAMP, secret: str = SECRET) -> dict[str, str]:
    return {
        "X-RoomKit-Timestamp": stamp,
        "X-RoomKit-Signature": sign_http_body(SecretStr(secret), raw, stamp),
    }


def test_a_text_message() -> None:
    meta = parse_http_webhook(fixture_json("http", "inbound_message.json"))

    assert meta.kind == "inbound"
    assert (meta.provider, meta.sender, meta.recipient) == ("http", "user-42", "support")
    assert (meta.message_id, meta.thread_id) == ("crm-msg-9001", "ticket-77")
    assert meta.timestamp == "2024-05-02T10:00:00Z"
    inbound = meta.to_inbound("crm")
    assert inbound.content == TextContent(body="My parcel arrived damaged.")
    assert inbound.thread_id == "ticket-77"
    assert inbound.idempotency_key == "http:crm-msg-9001"


def test_a_content_object() -> None:
    meta = parse_http_webhook(fixture_json("http", "inbound_content.json"))

    assert meta.body == "Here is a photo\nthe box"
    assert (meta.media_urls, meta.media_types) == (
        ["https://files.example.com/parcel.jpg"],
        ["image/jpeg"],
    )
    content = meta.to_inbound("crm").content
    assert isinstance(content, CompositeContent)
    assert isinstance(content.parts[1], MediaContent)


@pytest.mark.parametrize(
    ("content", "body"),
    [
        ({"type": "rich", "body": "**hi**", "plain_text": "hi"}, "hi"),
        ({"type": "system", "body": "closed"}, "closed"),
        ({"type": "template", "template_id": "t", "body": "code 1"}, "code 1"),
        ({"type": "location", "latitude": 1, "longitude": 2, "label": "Shop"}, "Shop (1.0, 2.0)"),
        ({"type": "audio", "url": "https://a/x.wav"}, ""),
    ],
)
def test_other_content_types(content: dict[str, Any], body: str) -> None:
    assert parse_http_webhook({"sender_id": "u", "content": content}).body == body


def test_a_status_report() -> None:
    meta = parse_http_webhook(fixture_json("http", "status_report.json"))

    assert meta.kind == "status"
    status = meta.to_status()
    assert (status.message_id, status.status, status.recipient) == (
        "crm-out-17",
        "failed",
        "user-42",
    )
    assert (status.error_code, status.error_message) == (
        "unreachable",
        "The user's inbox is disabled",
    )


def test_a_signed_post_is_accepted() -> None:
    raw = fixture_bytes("http", "inbound_message.json")

    meta = parse_http_webhook(
        json.loads(raw), headers=headers_for(raw), secret=SECRET, raw_body=raw, now=clock
    )

    assert meta.sender == "user-42"


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "missing"),
        ({"X-RoomKit-Timestamp": STAMP}, "missing"),
        (headers_for(b"other"), "does not match"),
        (headers_for(fixture_bytes("http", "inbound_message.json"), secret="x"), "does not match"),
        (headers_for(fixture_bytes("http", "inbound_message.json"), stamp="1714600000"), "window"),
    ],
)
def test_bad_signatures_are_refused(headers: dict[str, str], message: str) -> None:
    raw = fixture_bytes("http", "inbound_message.json")

    with pytest.raises(InvalidSignatureError, match=message):
        parse_http_webhook(
            json.loads(raw), headers=headers, secret=SECRET, raw_body=raw, now=clock
        )


def test_a_payload_other_than_the_signed_body_is_refused() -> None:
    raw = fixture_bytes("http", "inbound_message.json")
    forged = {**json.loads(raw), "sender_id": "admin"}

    with pytest.raises(InvalidSignatureError, match="not the signed body"):
        parse_http_webhook(
            forged, headers=headers_for(raw), secret=SECRET, raw_body=raw, now=clock
        )


def test_a_signed_body_that_is_not_json_is_an_invalid_payload() -> None:
    raw = b"\x00not json"

    with pytest.raises(InvalidPayloadError):
        parse_http_webhook({}, headers=headers_for(raw), secret=SECRET, raw_body=raw, now=clock)


def test_a_secret_without_raw_body_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError):
        parse_http_webhook({"sender_id": "u"}, secret=SECRET)


MALFORMED: list[Any] = [
    [],
    "text",
    {},
    {"text": "no sender"},
    {"sender_id": ["u"], "text": "x"},
    {"sender_id": "u", "text": {"x": 1}},
    {"sender_id": "u", "content": {"type": "nope"}},
    {"sender_id": "u", "content": "hello"},
    {"sender_id": "u", "content": {"type": "location", "latitude": 500, "longitude": 0}},
    {"status": "delivered"},
    {"status": ["delivered"], "message_id": "m"},
    {"status": "failed", "message_id": "m", "error_code": {"c": 1}},
    {"sender_id": "u", "text": "x", "thread_id": []},
]


@pytest.mark.parametrize("payload", MALFORMED)
def test_malformed_posts_are_invalid_payloads(payload: Any) -> None:
    with pytest.raises(InvalidPayloadError):
        parse_http_webhook(payload)
