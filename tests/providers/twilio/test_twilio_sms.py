"""TwilioSMSProvider: the exact Messages API request and how answers become results."""

from __future__ import annotations

import base64

import httpx
import pytest

from roomkit.errors import ErrorCode
from roomkit.models import CompositeContent, MediaContent, TextContent
from roomkit.providers.twilio import TwilioConfig, TwilioSMSProvider
from tests.providers.sms_vendor_support import FakeVendor, fixture_form, form_body, make_event

SID = "AC00000000000000000000000000000001"
TOKEN = "twilio-secret-token-value"
MESSAGES_URL = f"https://api.twilio.com/2010-04-01/Accounts/{SID}/Messages.json"
CREATED = {"sid": "SM0123456789abcdef0123456789abcdef", "status": "queued", "error_code": None}


def provider(fake: FakeVendor, **config: object) -> TwilioSMSProvider:
    settings = {"account_sid": SID, "auth_token": TOKEN, "from_number": "+14155550100"}
    return TwilioSMSProvider(TwilioConfig(**{**settings, **config}), http_client=fake.client)


async def test_text_is_posted_as_form_with_basic_auth(fake_vendor: FakeVendor) -> None:
    fake_vendor.answer_json(201, CREATED)

    result = await provider(fake_vendor).send(make_event(), to="+14155550123")

    request = fake_vendor.last
    assert request.method == "POST"
    assert str(request.url) == MESSAGES_URL
    expected = base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
    assert request.headers["authorization"] == f"Basic {expected}"
    assert form_body(request) == {
        "To": ["+14155550123"],
        "From": ["+14155550100"],
        "Body": ["hello there"],
    }
    assert result.success
    assert result.provider_message_id == CREATED["sid"]
    assert result.metadata == {"status": "queued"}


async def test_media_urls_repeat_and_status_callback_is_sent(fake_vendor: FakeVendor) -> None:
    fake_vendor.answer_json(201, CREATED)
    content = CompositeContent(
        parts=[
            TextContent(body="two photos"),
            MediaContent(url="https://cdn.example.com/a.jpg", mime_type="image/jpeg"),
            MediaContent(url="https://cdn.example.com/b.png", mime_type="image/png"),
        ]
    )
    twilio = provider(fake_vendor, status_callback_url="https://example.com/status")

    await twilio.send(make_event(content), to="+14155550123", from_="+14155550999")

    assert form_body(fake_vendor.last) == {
        "To": ["+14155550123"],
        "From": ["+14155550999"],
        "Body": ["two photos"],
        "MediaUrl": ["https://cdn.example.com/a.jpg", "https://cdn.example.com/b.png"],
        "StatusCallback": ["https://example.com/status"],
    }


async def test_media_only_message_has_no_body(fake_vendor: FakeVendor) -> None:
    fake_vendor.answer_json(201, CREATED)
    content = MediaContent(url="https://cdn.example.com/a.jpg", mime_type="image/jpeg")

    await provider(fake_vendor).send(make_event(content), to="+14155550123")

    assert "Body" not in form_body(fake_vendor.last)


async def test_messaging_service_replaces_from_unless_a_sender_is_given(
    fake_vendor: FakeVendor,
) -> None:
    fake_vendor.answer_json(201, CREATED)
    twilio = provider(fake_vendor, messaging_service_sid="MG0000000000000000000000000000000a")

    await twilio.send(make_event(), to="+14155550123")
    await twilio.send(make_event(), to="+14155550123", from_="+14155550777")

    first, second = (form_body(r) for r in fake_vendor.requests)
    assert first["MessagingServiceSid"] == ["MG0000000000000000000000000000000a"]
    assert "From" not in first
    assert second["From"] == ["+14155550777"]
    assert "MessagingServiceSid" not in second


async def test_an_empty_event_is_refused_without_calling_twilio(fake_vendor: FakeVendor) -> None:
    result = await provider(fake_vendor).send(make_event(TextContent(body="")), to="+1415")

    assert not result.success
    assert result.metadata["reason"] == ErrorCode.INVALID_REQUEST
    assert result.metadata["retryable"] is False
    assert fake_vendor.requests == []


@pytest.mark.parametrize(
    ("status", "body", "code", "reason", "retryable"),
    [
        (
            400,
            {"code": 21211, "message": "Invalid 'To' Phone Number", "status": 400},
            "21211",
            "invalid_request",
            False,
        ),
        (
            401,
            {"code": 20003, "message": "Authenticate", "status": 401},
            "20003",
            "authentication",
            False,
        ),
        (
            429,
            {"code": 20429, "message": "Too Many Requests", "status": 429},
            "20429",
            "rate_limited",
            True,
        ),
        (500, {"code": 20500, "message": "Internal Server Error"}, "20500", "server_error", True),
        (503, "Service Unavailable", "overloaded", "overloaded", True),
    ],
)
async def test_http_errors_become_failed_results(
    fake_vendor: FakeVendor, status: int, body: object, code: str, reason: str, retryable: bool
) -> None:
    if isinstance(body, str):
        fake_vendor.answer(httpx.Response(status, text=body))
    else:
        fake_vendor.answer_json(status, body)

    result = await provider(fake_vendor).send(make_event(), to="+14155550123")

    assert not result.success
    assert result.metadata["code"] == code
    assert result.metadata["reason"] == reason
    assert result.metadata["retryable"] is retryable
    assert result.metadata["status_code"] == status
    assert result.error is not None and TOKEN not in result.error


async def test_retry_after_is_kept(fake_vendor: FakeVendor) -> None:
    fake_vendor.answer_json(429, {"code": 20429}, **{"Retry-After": "7"})

    result = await provider(fake_vendor).send(make_event(), to="+14155550123")

    assert result.metadata["retry_after"] == 7.0


async def test_a_timeout_is_a_retryable_failure(fake_vendor: FakeVendor) -> None:
    fake_vendor.answer(httpx.ReadTimeout("slow"))

    result = await provider(fake_vendor).send(make_event(), to="+14155550123")

    assert not result.success
    assert result.metadata == {"code": "timeout", "reason": "timeout", "retryable": True}


@pytest.mark.parametrize(
    ("answer", "code", "message_id"),
    [
        (
            {"sid": "SM1", "status": "failed", "error_code": 30007, "error_message": "Filtered"},
            "30007",
            "SM1",
        ),
        ({"sid": "SM2", "status": "undelivered", "error_code": None}, "delivery_failed", "SM2"),
        ({"status": "queued"}, "invalid_payload", None),
        ([1, 2], "invalid_payload", None),
    ],
)
async def test_a_2xx_answer_reporting_a_failure_is_a_failure(
    fake_vendor: FakeVendor, answer: object, code: str, message_id: str | None
) -> None:
    fake_vendor.answer_json(201, answer)

    result = await provider(fake_vendor).send(make_event(), to="+14155550123")

    assert not result.success
    assert result.metadata["code"] == code
    assert result.metadata["retryable"] is False
    assert result.provider_message_id == message_id


def test_secrets_stay_out_of_reprs(fake_vendor: FakeVendor) -> None:
    config = TwilioConfig(account_sid=SID, auth_token=TOKEN, from_number="+1")
    twilio = provider(fake_vendor)

    assert TOKEN not in str(config)
    assert TOKEN not in repr(config)
    assert TOKEN not in repr(twilio)
    assert twilio.from_number == "+14155550100"


def test_parse_webhook_normalises_twilio_payloads(fake_vendor: FakeVendor) -> None:
    meta = provider(fake_vendor).parse_webhook(fixture_form("twilio", "status_delivered.form"))

    assert meta.kind == "status"
    assert meta.to_status().status == "delivered"


async def test_close_leaves_an_injected_client_open(fake_vendor: FakeVendor) -> None:
    await provider(fake_vendor).close()
    await TwilioSMSProvider(
        TwilioConfig(account_sid=SID, auth_token=TOKEN, from_number="+1")
    ).close()

    assert not fake_vendor.client.is_closed
