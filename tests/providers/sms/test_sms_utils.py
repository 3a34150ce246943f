"""normalize_phone, extract_sms_meta dispatch and the SMSProvider webhook default."""

from __future__ import annotations

import pytest

from roomkit.errors import ConfigurationError, InvalidPayloadError
from roomkit.providers.sms import MockSMSProvider, extract_sms_meta, normalize_phone
from roomkit.providers.sms.utils import SMS_WEBHOOK_PARSERS
from tests.providers.sms_vendor_support import fixture_form, fixture_json


@pytest.mark.parametrize(
    ("number", "region", "expected"),
    [
        ("418-555-1234", "CA", "+14185551234"),
        ("(212) 555-0123", "US", "+12125550123"),
        ("+1 212 555 0123", "FR", "+12125550123"),
        ("01 42 68 53 00", "fr", "+33142685300"),
        ("+44 20 7946 0958", "US", "+442079460958"),
    ],
)
def test_numbers_are_normalised_to_e164(number: str, region: str, expected: str) -> None:
    assert normalize_phone(number, region) == expected


def test_the_default_region_is_us() -> None:
    assert normalize_phone("212.555.0123") == "+12125550123"


@pytest.mark.parametrize("number", ["", "hello", "123", "+1 555 123 4567", "+999 1234"])
def test_invalid_numbers_raise_value_error(number: str) -> None:
    with pytest.raises(ValueError, match="phone number"):
        normalize_phone(number, "US")


@pytest.mark.parametrize(
    ("provider", "payload", "kind"),
    [
        ("twilio", fixture_form("twilio", "inbound_sms.form"), "inbound"),
        ("TWILIO", fixture_form("twilio", "status_delivered.form"), "status"),
        ("telnyx", fixture_json("telnyx", "inbound_sms.json"), "inbound"),
        ("telnyx", fixture_json("telnyx", "other_event.json"), "other"),
        ("sinch", fixture_json("sinch", "recipient_failed.json"), "status"),
        ("voicemeup", fixture_json("voicemeup", "status_delivered.json"), "status"),
    ],
)
def test_extract_sms_meta_dispatches_by_vendor(
    provider: str, payload: dict[str, str], kind: str
) -> None:
    meta = extract_sms_meta(provider, payload)

    assert meta.provider == provider.lower()
    assert meta.kind == kind


def test_every_sms_vendor_is_known() -> None:
    assert sorted(SMS_WEBHOOK_PARSERS) == ["sinch", "telnyx", "twilio", "voicemeup"]


def test_an_unknown_vendor_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="unknown SMS provider 'acme'"):
        extract_sms_meta("acme", {})


def test_a_provider_without_webhooks_refuses_payloads() -> None:
    with pytest.raises(InvalidPayloadError, match="MockSMSProvider does not receive webhooks"):
        MockSMSProvider().parse_webhook({"From": "+1"})
