"""Telnyx webhooks (SMS, MMS, RCS, status reports) normalised into WebhookMeta."""

from __future__ import annotations

import pytest

from roomkit.errors import InvalidPayloadError
from roomkit.models import CompositeContent, MediaContent, TextContent
from roomkit.providers.sms import extract_sms_meta
from roomkit.providers.telnyx import (
    parse_telnyx_rcs_webhook,
    parse_telnyx_webhook,
    telnyx_webhook_meta,
)
from tests.providers.sms_vendor_support import fixture_json


def test_inbound_sms() -> None:
    message = parse_telnyx_webhook(fixture_json("telnyx", "inbound_sms.json"), "sms-telnyx")

    assert message.sender_id == "+13125550001"
    assert message.content == TextContent(body="Hello from Telnyx!")
    assert message.external_id == "84cca175-9755-4859-b67f-4730d7f58aa3"
    assert message.metadata["recipient"] == "+17735550002"


def test_inbound_mms_has_text_and_media() -> None:
    meta = telnyx_webhook_meta(fixture_json("telnyx", "inbound_mms.json"))

    assert meta.media_urls == ["https://media.telnyx.com/9d1c3b5a/photo.jpg"]
    assert meta.media_types == ["image/jpeg"]
    assert meta.timestamp == "2024-06-10T15:40:01.000+00:00"
    content = meta.content()
    assert isinstance(content, CompositeContent)
    assert content.parts[0] == TextContent(body="Here is the photo")


def test_finalized_delivery_is_a_status_report() -> None:
    report = extract_sms_meta("telnyx", fixture_json("telnyx", "status_delivered.json"))

    status = report.to_status()
    assert status.provider == "telnyx"
    assert status.message_id == "40385f64-5717-4562-b3fc-2c963f66afa6"
    assert status.status == "delivered"
    assert status.recipient == "+13125550001"
    assert status.sender == "+17735550002"
    assert status.error_code is None
    assert status.timestamp == "2024-06-10T15:41:12.532+00:00"


def test_a_failed_delivery_carries_the_vendor_error() -> None:
    status = telnyx_webhook_meta(fixture_json("telnyx", "status_failed.json")).to_status()

    assert status.status == "delivery_failed"
    assert status.error_code == "40300"
    assert status.error_message == "Message was blocked by the carrier as spam."


def test_message_sent_is_a_status_too() -> None:
    assert telnyx_webhook_meta(fixture_json("telnyx", "message_sent.json")).status == "sent"


def test_rcs_delivered_without_recipient_status_uses_the_event_name() -> None:
    meta = telnyx_webhook_meta(fixture_json("telnyx", "rcs_status_delivered.json"))

    assert meta.status == "delivered"
    assert meta.sender == "acme_support_agent"


def test_other_events_are_kind_other() -> None:
    meta = telnyx_webhook_meta(fixture_json("telnyx", "other_event.json"))

    assert meta.kind == "other"
    with pytest.raises(InvalidPayloadError, match="other report"):
        parse_telnyx_webhook(fixture_json("telnyx", "other_event.json"), "sms")


def test_parse_refuses_a_status_report() -> None:
    with pytest.raises(InvalidPayloadError, match="status report"):
        parse_telnyx_webhook(fixture_json("telnyx", "status_delivered.json"), "sms")


def test_rcs_text_names_the_agent() -> None:
    message = parse_telnyx_rcs_webhook(fixture_json("telnyx", "rcs_inbound_text.json"), "rcs")

    assert message.content == TextContent(body="Where is my order?")
    assert message.metadata["recipient"] == "acme_support_agent"
    assert message.metadata["agent_id"] == "acme_support_agent"
    assert "postback_data" not in message.metadata


def test_rcs_suggestion_response_gives_text_and_postback() -> None:
    payload = fixture_json("telnyx", "rcs_inbound_suggestion.json")

    message = parse_telnyx_rcs_webhook(payload, "rcs")

    assert message.content == TextContent(body="Track my order")
    assert message.metadata["postback_data"] == "track_order"


def test_rcs_user_file_becomes_media() -> None:
    message = parse_telnyx_rcs_webhook(fixture_json("telnyx", "rcs_inbound_file.json"), "rcs")

    assert message.content == MediaContent(
        url="https://rcs-media.telnyx.com/files/receipt.png", mime_type="image/png"
    )


def test_rcs_location_becomes_coordinates_text() -> None:
    meta = telnyx_webhook_meta(fixture_json("telnyx", "rcs_inbound_location.json"))

    assert meta.body == "45.5017,-73.5673"


def test_sms_parse_of_plain_sms_adds_no_agent() -> None:
    message = parse_telnyx_rcs_webhook(fixture_json("telnyx", "inbound_sms.json"), "rcs")

    assert "agent_id" not in message.metadata
