"""Twilio webhooks: inbound SMS/MMS/RCS and status callbacks, normalised."""

from __future__ import annotations

import pytest

from roomkit.errors import InvalidPayloadError
from roomkit.models import CompositeContent, MediaContent, TextContent
from roomkit.providers.sms import extract_sms_meta
from roomkit.providers.twilio import (
    parse_twilio_rcs_webhook,
    parse_twilio_webhook,
    twilio_webhook_meta,
)
from tests.providers.sms_vendor_support import fixture_form


def test_inbound_sms_becomes_an_inbound_message() -> None:
    message = parse_twilio_webhook(fixture_form("twilio", "inbound_sms.form"), "sms-twilio")

    assert message.channel_id == "sms-twilio"
    assert message.sender_id == "+14155550123"
    assert message.content == TextContent(body="Hello from Twilio!")
    assert message.external_id == "SM1f0e8ae6ade43cb3c0ce4525424e404f"
    assert message.idempotency_key == "twilio:SM1f0e8ae6ade43cb3c0ce4525424e404f"
    assert message.metadata["recipient"] == "+14155550100"


def test_inbound_mms_keeps_every_media_url_and_type() -> None:
    meta = twilio_webhook_meta(fixture_form("twilio", "inbound_mms.form"))

    assert meta.kind == "inbound"
    assert meta.body == "Look at these"
    assert [u.rsplit("/", 1)[1] for u in meta.media_urls] == ["ME01", "ME02"]
    assert meta.media_types == ["image/jpeg", "image/png"]
    content = meta.content()
    assert isinstance(content, CompositeContent)
    assert isinstance(content.parts[1], MediaContent)


def test_delivered_callback_is_a_status_report() -> None:
    status = extract_sms_meta("twilio", fixture_form("twilio", "status_delivered.form"))

    report = status.to_status()
    assert report.provider == "twilio"
    assert report.message_id == "SM7d1b5a5f0c2f4e7a9d3c6b8a0e1f2d3c"
    assert report.status == "delivered"
    assert report.recipient == "+14155550123"
    assert report.sender == "+14155550100"
    assert report.error_code is None


def test_undelivered_callback_carries_twilios_error_code() -> None:
    report = twilio_webhook_meta(fixture_form("twilio", "status_undelivered.form")).to_status()

    assert report.status == "undelivered"
    assert report.error_code == "30003"


def test_sms_status_alone_also_marks_a_status_callback() -> None:
    meta = twilio_webhook_meta({"SmsSid": "SM1", "SmsStatus": "sent", "To": "+1", "From": "+2"})

    assert meta.kind == "status"
    assert meta.status == "sent"


def test_parse_refuses_a_status_callback() -> None:
    with pytest.raises(InvalidPayloadError, match="status report"):
        parse_twilio_webhook(fixture_form("twilio", "status_delivered.form"), "sms")


def test_rcs_suggestion_tap_gives_button_text_and_postback() -> None:
    message = parse_twilio_rcs_webhook(fixture_form("twilio", "rcs_inbound_button.form"), "rcs")

    assert message.sender_id == "+14155550123"
    assert message.content == TextContent(body="Track my order")
    assert message.metadata["postback_data"] == "track_order"
    assert message.metadata["recipient"] == "acme_support_agent"


def test_rcs_parse_without_button_has_no_postback() -> None:
    message = parse_twilio_rcs_webhook(fixture_form("twilio", "inbound_sms.form"), "rcs")

    assert "postback_data" not in message.metadata
