"""TelnyxSMSProvider: the exact ``POST /v2/messages`` request and its results."""

from __future__ import annotations

import httpx
import pytest

from roomkit.errors import ErrorCode
from roomkit.models import CompositeContent, MediaContent, TextContent, VideoContent
from roomkit.providers.telnyx import TelnyxConfig, TelnyxSMSProvider
from tests.providers.sms_vendor_support import (
    FakeVendor,
    fixture_json,
    json_body,
    make_event,
)

API_KEY = "KEY0123456789TELNYXSECRET"


def provider(fake: FakeVendor, **config: object) -> TelnyxSMSProvider:
    settings: dict[str, object] = {"api_key": API_KEY, "from_number": "+17735550002"}
    return TelnyxSMSProvider(TelnyxConfig(**{**settings, **config}), http_client=fake.client)


async def test_text_is_posted_as_json_with_bearer_auth(fake_vendor: FakeVendor) -> None:
    fake_vendor.answer_json(200, fixture_json("telnyx", "send_response.json"))

    result = await provider(fake_vendor).send(make_event(), to="+13125550001")

    request = fake_vendor.last
    assert (request.method, str(request.url)) == ("POST", "https://api.telnyx.com/v2/messages")
    assert request.headers["authorization"] == f"Bearer {API_KEY}"
    assert request.headers["content-type"] == "application/json"
    assert json_body(request) == {
        "from": "+17735550002",
        "to": "+13125550001",
        "text": "hello there",
    }
    assert result.success
    assert result.provider_message_id == "40385f64-5717-4562-b3fc-2c963f66afa6"
    assert result.metadata == {"status": "queued"}


async def test_mms_with_profile_and_webhook_url(fake_vendor: FakeVendor) -> None:
    fake_vendor.answer_json(200, fixture_json("telnyx", "send_response.json"))
    content = CompositeContent(
        parts=[
            TextContent(body="see"),
            MediaContent(url="https://cdn.example.com/a.jpg", mime_type="image/jpeg"),
            VideoContent(url="https://cdn.example.com/b.mp4"),
        ]
    )
    telnyx = provider(
        fake_vendor,
        messaging_profile_id="740572b6-099c-44a1-89b9-6c92163bc68d",
        webhook_url="https://example.com/status",
    )

    await telnyx.send(make_event(content), to="+13125550001", from_="+17735550003")

    assert json_body(fake_vendor.last) == {
        "from": "+17735550003",
        "to": "+13125550001",
        "text": "see",
        "media_urls": ["https://cdn.example.com/a.jpg", "https://cdn.example.com/b.mp4"],
        "messaging_profile_id": "740572b6-099c-44a1-89b9-6c92163bc68d",
        "webhook_url": "https://example.com/status",
    }


async def test_media_only_has_no_text(fake_vendor: FakeVendor) -> None:
    fake_vendor.answer_json(200, fixture_json("telnyx", "send_response.json"))
    content = MediaContent(url="https://cdn.example.com/a.jpg", mime_type="image/jpeg")

    await provider(fake_vendor).send(make_event(content), to="+13125550001")

    assert "text" not in json_body(fake_vendor.last)


async def test_an_empty_event_is_refused_locally(fake_vendor: FakeVendor) -> None:
    result = await provider(fake_vendor).send(make_event(TextContent(body="")), to="+1")

    assert not result.success
    assert result.metadata["reason"] == ErrorCode.INVALID_REQUEST
    assert fake_vendor.requests == []


@pytest.mark.parametrize(
    ("status", "code", "retryable"),
    [(422, "40310", False), (429, "40310", True), (500, "40310", True), (502, "40310", True)],
)
async def test_telnyx_errors_keep_the_vendor_code(
    fake_vendor: FakeVendor, status: int, code: str, retryable: bool
) -> None:
    fake_vendor.answer_json(status, fixture_json("telnyx", "error_response.json"))

    result = await provider(fake_vendor).send(make_event(), to="bad")

    assert not result.success
    assert result.metadata["code"] == code
    assert result.metadata["retryable"] is retryable
    assert API_KEY not in (result.error or "")


@pytest.mark.parametrize(
    "body", [{"errors": []}, {"errors": "x"}, {"errors": [{"title": "no code"}]}, ["x"]]
)
async def test_error_bodies_without_a_code_fall_back_to_the_stable_code(
    fake_vendor: FakeVendor, body: object
) -> None:
    fake_vendor.answer_json(400, body)

    result = await provider(fake_vendor).send(make_event(), to="+1")

    assert result.metadata["code"] == ErrorCode.INVALID_REQUEST


async def test_a_network_failure_is_retryable(fake_vendor: FakeVendor) -> None:
    fake_vendor.answer(httpx.ConnectError("refused"))

    result = await provider(fake_vendor).send(make_event(), to="+1")

    assert result.metadata == {"code": "network", "reason": "network", "retryable": True}


@pytest.mark.parametrize("answer", [{}, {"data": {"to": []}}, {"data": []}, []])
async def test_an_answer_without_message_id_is_a_failure(
    fake_vendor: FakeVendor, answer: object
) -> None:
    fake_vendor.answer_json(200, answer)

    result = await provider(fake_vendor).send(make_event(), to="+1")

    assert not result.success
    assert result.metadata["reason"] == ErrorCode.INVALID_PAYLOAD


async def test_an_answer_without_recipient_status_is_still_a_success(
    fake_vendor: FakeVendor,
) -> None:
    fake_vendor.answer_json(200, {"data": {"id": "m1"}})

    result = await provider(fake_vendor).send(make_event(), to="+1")

    assert result.success
    assert result.metadata == {"status": None}


async def test_secrets_stay_out_of_reprs(fake_vendor: FakeVendor) -> None:
    telnyx = provider(fake_vendor)

    assert API_KEY not in repr(telnyx)
    assert API_KEY not in str(TelnyxConfig(api_key=API_KEY, from_number="+1"))
    assert telnyx.from_number == "+17735550002"
    await telnyx.close()
    await TelnyxSMSProvider(TelnyxConfig(api_key=API_KEY, from_number="+1")).close()
    assert not fake_vendor.client.is_closed


def test_parse_webhook_normalises_telnyx_payloads(fake_vendor: FakeVendor) -> None:
    meta = provider(fake_vendor).parse_webhook(fixture_json("telnyx", "status_failed.json"))

    assert meta.to_status().error_code == "40300"
