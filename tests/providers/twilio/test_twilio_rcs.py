"""TwilioRCSProvider: RCS sends, rich content through the Content API, SMS fallback."""

from __future__ import annotations

import json

import httpx
import pytest

from roomkit.errors import ErrorCode
from roomkit.models import (
    DeliveryStatus,
    MediaContent,
    RichContent,
    TemplateContent,
    TextContent,
)
from roomkit.providers.sms import MockSMSProvider
from roomkit.providers.twilio import TwilioRCSConfig, TwilioRCSProvider, twilio_webhook_meta
from tests.providers.sms_vendor_support import FakeVendor, fixture_form, form_body, make_event

SID = "AC00000000000000000000000000000001"
TOKEN = "twilio-rcs-secret-token"
MESSAGES_URL = f"https://api.twilio.com/2010-04-01/Accounts/{SID}/Messages.json"
CREATED = {"sid": "RM0123456789abcdef0123456789abcdef", "status": "queued", "error_code": None}


def provider(
    fake: FakeVendor, fallback: MockSMSProvider | None = None, **config: object
) -> TwilioRCSProvider:
    settings: dict[str, object] = {"account_sid": SID, "auth_token": TOKEN}
    settings.update(config or {"rcs_sender": "rcs:acme_support_agent"})
    return TwilioRCSProvider(
        TwilioRCSConfig(**settings), fallback_provider=fallback, http_client=fake.client
    )


async def test_text_goes_out_from_the_rcs_sender(fake_vendor: FakeVendor) -> None:
    fake_vendor.answer_json(201, CREATED)

    result = await provider(fake_vendor).send(make_event(), to="+14155550123")

    request = fake_vendor.last
    assert (request.method, str(request.url)) == ("POST", MESSAGES_URL)
    assert form_body(request) == {
        "To": ["+14155550123"],
        "From": ["rcs:acme_support_agent"],
        "Body": ["hello there"],
    }
    assert result.success
    assert result.provider_message_id == CREATED["sid"]
    assert result.metadata["fallback"] is False


async def test_twilio_side_fallback_is_asked_only_when_fallback_is_allowed(
    fake_vendor: FakeVendor,
) -> None:
    fake_vendor.answer_json(201, CREATED)
    twilio = provider(
        fake_vendor,
        messaging_service_sid="MG0000000000000000000000000000000a",
        fallback_from="+14155550100",
        status_callback_url="https://example.com/status",
    )

    await twilio.send(make_event(), to="+14155550123")
    await twilio.send(make_event(), to="+14155550123", fallback=False)

    allowed, refused = (form_body(r) for r in fake_vendor.requests)
    assert allowed["MessagingServiceSid"] == ["MG0000000000000000000000000000000a"]
    assert allowed["FallbackFrom"] == ["+14155550100"]
    assert allowed["StatusCallback"] == ["https://example.com/status"]
    assert "From" not in allowed
    assert "FallbackFrom" not in refused


async def test_media_is_sent_as_media_urls(fake_vendor: FakeVendor) -> None:
    fake_vendor.answer_json(201, CREATED)
    content = MediaContent(url="https://cdn.example.com/a.jpg", mime_type="image/jpeg")

    await provider(fake_vendor).send(make_event(content), to="+14155550123")

    body = form_body(fake_vendor.last)
    assert body["MediaUrl"] == ["https://cdn.example.com/a.jpg"]
    assert "Body" not in body


async def test_a_template_is_sent_by_content_sid_and_variables(fake_vendor: FakeVendor) -> None:
    fake_vendor.answer_json(201, CREATED)
    content = TemplateContent(template_id="HX0123", parameters={"1": "Alice", "2": "#1042"})

    await provider(fake_vendor).send(make_event(content), to="+14155550123")

    body = form_body(fake_vendor.last)
    assert body["ContentSid"] == ["HX0123"]
    assert json.loads(body["ContentVariables"][0]) == {"1": "Alice", "2": "#1042"}
    assert "Body" not in body


async def test_rich_content_is_created_once_then_sent_by_sid(fake_vendor: FakeVendor) -> None:
    fake_vendor.answer(
        httpx.Response(201, json={"sid": "HXabc"}), httpx.Response(201, json=CREATED)
    )
    content = RichContent(body="Pick one", quick_replies=["Yes", "No"])
    twilio = provider(fake_vendor)

    await twilio.send(make_event(content), to="+14155550123")
    await twilio.send(make_event(content), to="+14155550124")

    create, first, second = fake_vendor.requests
    assert (create.method, str(create.url)) == ("POST", "https://content.twilio.com/v1/Content")
    assert create.headers["authorization"].startswith("Basic ")
    created = json.loads(create.content)
    assert created["language"] == "en"
    assert created["types"]["twilio/quick-reply"] == {
        "body": "Pick one",
        "actions": [
            {"type": "QUICK_REPLY", "title": "Yes", "id": "Yes"},
            {"type": "QUICK_REPLY", "title": "No", "id": "No"},
        ],
    }
    assert form_body(first)["ContentSid"] == ["HXabc"]
    assert form_body(second)["ContentSid"] == ["HXabc"]


async def test_a_content_api_refusal_is_a_failed_send(fake_vendor: FakeVendor) -> None:
    fake_vendor.answer_json(400, {"code": 20001, "message": "Invalid types"})
    content = RichContent(body="Pick", quick_replies=["A"])

    result = await provider(fake_vendor).send(make_event(content), to="+14155550123")

    assert not result.success
    assert result.metadata["code"] == "20001"
    assert len(fake_vendor.requests) == 1


async def test_a_content_api_answer_without_sid_is_a_failed_send(fake_vendor: FakeVendor) -> None:
    fake_vendor.answer_json(201, {"friendly_name": "x"})
    content = RichContent(body="Pick", quick_replies=["A"])

    result = await provider(fake_vendor).send(make_event(content), to="+14155550123")

    assert not result.success
    assert result.metadata["reason"] == ErrorCode.INVALID_PAYLOAD


async def test_an_empty_event_is_refused(fake_vendor: FakeVendor) -> None:
    result = await provider(fake_vendor).send(make_event(TextContent(body="")), to="+1")

    assert not result.success
    assert result.metadata["reason"] == ErrorCode.INVALID_REQUEST
    assert fake_vendor.requests == []


async def learn_unreachable(twilio: TwilioRCSProvider) -> None:
    meta = twilio_webhook_meta(fixture_form("twilio", "rcs_status_undelivered.form"))
    await twilio.record_status(meta.to_status())


async def test_a_number_reported_unreachable_falls_back_to_sms(fake_vendor: FakeVendor) -> None:
    sms = MockSMSProvider()
    twilio = provider(fake_vendor, fallback=sms)
    await learn_unreachable(twilio)

    result = await twilio.send(make_event(), to="+14155550199")

    assert await twilio.check_capability("+14155550199") is False
    assert await twilio.check_capability("+14155550123") is True
    assert fake_vendor.requests == []
    assert [call.to for call in sms.calls] == ["+14155550199"]
    assert result.success
    assert result.metadata["fallback"] is True
    assert result.metadata["fallback_provider"] == "MockSMSProvider"


@pytest.mark.parametrize(("fallback", "with_sms"), [(False, True), (True, False)])
async def test_without_fallback_an_unreachable_number_fails(
    fake_vendor: FakeVendor, fallback: bool, with_sms: bool
) -> None:
    sms = MockSMSProvider()
    twilio = provider(fake_vendor, fallback=sms if with_sms else None)
    await learn_unreachable(twilio)

    result = await twilio.send(make_event(), to="+14155550199", fallback=fallback)

    assert not result.success
    assert result.metadata["code"] == ErrorCode.RCS_UNAVAILABLE
    assert result.metadata["retryable"] is False
    assert sms.calls == []


async def test_a_delivered_rcs_message_makes_the_number_reachable_again(
    fake_vendor: FakeVendor,
) -> None:
    twilio = provider(fake_vendor)
    await learn_unreachable(twilio)
    raw = {"From": "rcs:acme_support_agent"}

    await twilio.record_status(
        DeliveryStatus(
            provider="twilio", message_id="RM1", status="read", recipient="+14155550199", raw=raw
        )
    )

    assert await twilio.check_capability("+14155550199") is True


@pytest.mark.parametrize(
    ("provider_name", "sender"), [("telnyx", "rcs:acme"), ("twilio", "+14155550100")]
)
async def test_statuses_of_other_vendors_or_sms_messages_are_ignored(
    fake_vendor: FakeVendor, provider_name: str, sender: str
) -> None:
    twilio = provider(fake_vendor)

    await twilio.record_status(
        DeliveryStatus(
            provider=provider_name,
            message_id="X",
            status="failed",
            recipient="+14155550199",
            raw={"From": sender},
        )
    )

    assert await twilio.check_capability("+14155550199") is True


def test_config_needs_a_sender_and_fallback_needs_a_service() -> None:
    with pytest.raises(ValueError, match="rcs_sender or messaging_service_sid"):
        TwilioRCSConfig(account_sid=SID, auth_token=TOKEN)
    with pytest.raises(ValueError, match="fallback_from needs"):
        TwilioRCSConfig(account_sid=SID, auth_token=TOKEN, rcs_sender="rcs:a", fallback_from="+1")


async def test_secrets_stay_out_of_reprs_and_close_keeps_injected_client(
    fake_vendor: FakeVendor,
) -> None:
    twilio = provider(fake_vendor)

    assert TOKEN not in repr(twilio)
    assert TOKEN not in str(TwilioRCSConfig(account_sid=SID, auth_token=TOKEN, rcs_sender="x"))
    await twilio.close()
    assert not fake_vendor.client.is_closed


def test_parse_webhook_and_signature_helpers_are_available(fake_vendor: FakeVendor) -> None:
    twilio = provider(fake_vendor)

    meta = twilio.parse_webhook(fixture_form("twilio", "rcs_inbound_button.form"))

    assert meta.body == "Track my order"
    assert not twilio.is_valid_signature({"a": "b"}, "bad", "https://example.com")
