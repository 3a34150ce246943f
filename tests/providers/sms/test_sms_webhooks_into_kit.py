"""Vendor webhooks, normalised by extract_sms_meta, reaching RoomKit.process_webhook."""

from __future__ import annotations

import pytest

from roomkit import (
    ChannelType,
    DeliveryStatus,
    EventType,
    MockSMSProvider,
    RoomKit,
    SMSChannel,
)
from roomkit.providers.sms import extract_sms_meta
from roomkit.providers.twilio import TwilioRCSConfig, TwilioRCSProvider
from tests.providers.sms_vendor_support import FakeVendor, fixture_form, fixture_json

INBOUND = [
    ("twilio", fixture_form("twilio", "inbound_mms.form"), "+14155550123", ChannelType.MMS),
    ("telnyx", fixture_json("telnyx", "inbound_sms.json"), "+13125550001", ChannelType.SMS),
    ("sinch", fixture_json("sinch", "inbound_mms.json"), "+12025550143", ChannelType.MMS),
    ("voicemeup", fixture_json("voicemeup", "inbound_sms.json"), "+14185550111", ChannelType.SMS),
]

STATUS = [
    ("twilio", fixture_form("twilio", "status_undelivered.form"), "undelivered", "30003"),
    ("telnyx", fixture_json("telnyx", "status_failed.json"), "delivery_failed", "40300"),
    ("sinch", fixture_json("sinch", "recipient_failed.json"), "Failed", "402"),
    ("voicemeup", fixture_json("voicemeup", "status_failed.json"), "failed", "4505"),
]


@pytest.mark.parametrize(("vendor", "payload", "sender", "channel_type"), INBOUND)
async def test_inbound_webhooks_become_room_events(
    vendor: str, payload: dict[str, str], sender: str, channel_type: ChannelType
) -> None:
    async with RoomKit() as kit:
        kit.register_channel(SMSChannel(f"sms-{vendor}", provider=MockSMSProvider()))

        await kit.process_webhook(extract_sms_meta(vendor, payload), f"sms-{vendor}")
        await kit.process_webhook(extract_sms_meta(vendor, payload), f"sms-{vendor}")

        rooms = await kit.store.list_rooms()
        assert len(rooms) == 1
        timeline = await kit.get_timeline(rooms[0].id)
        messages = [e for e in timeline if e.type == EventType.MESSAGE]
        assert len(messages) == 1, "the vendor's message id makes a redelivery a duplicate"
        assert messages[0].source.participant_id == sender
        assert messages[0].source.channel_type == channel_type


@pytest.mark.parametrize(("vendor", "payload", "status", "code"), STATUS)
async def test_status_webhooks_reach_delivery_status_handlers(
    vendor: str, payload: dict[str, str], status: str, code: str
) -> None:
    reports: list[DeliveryStatus] = []
    async with RoomKit() as kit:

        @kit.on_delivery_status
        async def collect(report: DeliveryStatus) -> None:
            reports.append(report)

        await kit.process_webhook(extract_sms_meta(vendor, payload), f"sms-{vendor}")

    assert [(r.provider, r.status, r.error_code) for r in reports] == [(vendor, status, code)]


async def test_twilio_rcs_learns_reachability_from_the_kits_status_handlers(
    fake_vendor: FakeVendor,
) -> None:
    sms = MockSMSProvider()
    config = TwilioRCSConfig(account_sid="AC1", auth_token="t", rcs_sender="rcs:acme")
    rcs = TwilioRCSProvider(config, fallback_provider=sms, http_client=fake_vendor.client)
    async with RoomKit() as kit:
        kit.on_delivery_status(rcs.record_status)
        payload = fixture_form("twilio", "rcs_status_undelivered.form")

        await kit.process_webhook(rcs.parse_webhook(payload), "rcs-twilio")

    assert await rcs.check_capability("+14155550199") is False
