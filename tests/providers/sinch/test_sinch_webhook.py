"""Sinch callbacks normalised, and their HMAC-SHA256 signatures checked."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from roomkit.errors import ConfigurationError, InvalidPayloadError, InvalidSignatureError
from roomkit.models import CompositeContent, MediaContent, TextContent
from roomkit.providers.sinch import (
    SinchConfig,
    SinchSMSProvider,
    parse_sinch_webhook,
    sinch_signed_bytes,
    sinch_webhook_meta,
    verify_sinch_signature,
)
from roomkit.providers.sms import extract_sms_meta
from tests.providers.sms_vendor_support import fixture_bytes, fixture_json

NOW = 1_718_033_931.0
SECRET = "callback-secret"
BODY = b'{"type":"mo_text","from":"+1","to":"+2","body":"hi"}'


def test_inbound_sms() -> None:
    message = parse_sinch_webhook(fixture_json("sinch", "inbound_sms.json"), "sms-sinch")

    assert message.sender_id == "+12025550143"
    assert message.content == TextContent(body="Hello from Sinch!")
    assert message.external_id == "01FC66621VHDBN119Z8PMV1QPQ"
    assert message.metadata["recipient"] == "+12025550100"


def test_inbound_mms_with_media_list() -> None:
    meta = sinch_webhook_meta(fixture_json("sinch", "inbound_mms.json"))

    assert meta.body == "Here is the receipt"
    assert meta.media_types == ["image/jpeg"]
    content = meta.content()
    assert isinstance(content, CompositeContent)
    assert isinstance(content.parts[1], MediaContent)


def test_inbound_mms_with_a_single_url_and_subject_only() -> None:
    payload = {
        "type": "mo_media",
        "from": "+1",
        "to": "+2",
        "body": {"subject": "Pic", "url": "https://m/1.png", "content_type": "image/png"},
    }

    meta = sinch_webhook_meta(payload)

    assert (meta.body, meta.media_urls, meta.media_types) == (
        "Pic",
        ["https://m/1.png"],
        ["image/png"],
    )


def test_recipient_delivery_report() -> None:
    status = extract_sms_meta("sinch", fixture_json("sinch", "recipient_delivered.json"))

    report = status.to_status()
    assert report.provider == "sinch"
    assert report.message_id == "01FC66621XXXXX119Z8PMV1QPQ"
    assert report.status == "Delivered"
    assert report.recipient == "+12025550143"
    assert report.error_code is None
    assert report.timestamp == "2024-06-10T15:41:12.000Z"


def test_failed_report_keeps_the_code() -> None:
    report = sinch_webhook_meta(fixture_json("sinch", "recipient_failed.json")).to_status()

    assert (report.status, report.error_code) == ("Failed", "402")


def test_batch_report_uses_its_first_status() -> None:
    report = sinch_webhook_meta(fixture_json("sinch", "batch_report.json")).to_status()

    assert (report.status, report.recipient) == ("Delivered", "+12025550143")


def test_batch_report_without_recipients() -> None:
    payload = {"type": "delivery_report_mms", "batch_id": "b", "statuses": [{"status": "Failed"}]}

    assert sinch_webhook_meta(payload).recipient == ""


def test_other_callbacks_are_kind_other_and_not_parsed_as_messages() -> None:
    payload = {"type": "mo_binary", "from": "+1", "to": "+2", "body": "AAEC"}

    assert sinch_webhook_meta(payload).kind == "other"
    with pytest.raises(InvalidPayloadError, match="other report"):
        parse_sinch_webhook(payload, "sms")


def sign(body: bytes, nonce: str, stamp: str, secret: str = SECRET) -> str:
    signed = body + b"." + nonce.encode() + b"." + stamp.encode()
    return base64.b64encode(hmac.new(secret.encode(), signed, hashlib.sha256).digest()).decode()


def test_signed_bytes_are_body_dot_nonce_dot_timestamp() -> None:
    assert sinch_signed_bytes("{}", "n1", "123") == b"{}.n1.123"


def test_a_fresh_signature_is_accepted() -> None:
    stamp = str(int(NOW))

    verify_sinch_signature(SECRET, BODY, sign(BODY, "n1", stamp), "n1", stamp, now=lambda: NOW)


def test_the_fixture_callback_verifies_through_the_provider() -> None:
    spec = fixture_json("sinch", "signed_callback.json")
    body = fixture_bytes("sinch", spec["body_file"])
    config = SinchConfig(
        service_plan_id="p", api_token="t", from_number="+1", webhook_secret=spec["secret"]
    )
    sinch = SinchSMSProvider(config, clock=lambda: float(spec["timestamp"]) + 5)

    sinch.verify_signature(body, spec["signature"], spec["nonce"], spec["timestamp"])
    assert sinch.is_valid_signature(body, spec["signature"], spec["nonce"], spec["timestamp"])
    assert not sinch.is_valid_signature(body, spec["signature"], "other", spec["timestamp"])


STAMP = str(int(NOW))
GOOD = sign(BODY, "n1", STAMP)
OLD = str(int(NOW) - 301)
FORGERIES = {
    "missing signature": (BODY, None, "n1", STAMP),
    "missing nonce": (BODY, GOOD, None, STAMP),
    "missing timestamp": (BODY, GOOD, "n1", None),
    "stale": (BODY, sign(BODY, "n1", OLD), "n1", OLD),
    "other nonce": (BODY, GOOD, "n2", STAMP),
    "body tampered": (BODY + b" ", GOOD, "n1", STAMP),
    "other secret": (BODY, sign(BODY, "n1", STAMP, "nope"), "n1", STAMP),
    "not base64": (BODY, "%%%", "n1", STAMP),
}


@pytest.mark.parametrize(
    ("body", "signature", "nonce", "stamp"), FORGERIES.values(), ids=FORGERIES
)
def test_forged_stale_or_missing_signatures_are_refused(
    body: bytes, signature: str | None, nonce: str | None, stamp: str | None
) -> None:
    with pytest.raises(InvalidSignatureError) as caught:
        verify_sinch_signature(SECRET, body, signature, nonce, stamp, now=lambda: NOW)
    assert SECRET not in str(caught.value)


def test_verifying_without_a_secret_is_a_configuration_error() -> None:
    sinch = SinchSMSProvider(SinchConfig(service_plan_id="p", api_token="t", from_number="+1"))

    with pytest.raises(ConfigurationError, match="webhook_secret"):
        sinch.verify_signature(BODY, "s", "n", "1")


def test_parse_webhook_on_the_provider() -> None:
    sinch = SinchSMSProvider(SinchConfig(service_plan_id="p", api_token="t", from_number="+1"))

    assert sinch.parse_webhook(fixture_json("sinch", "inbound_sms.json")).is_inbound
