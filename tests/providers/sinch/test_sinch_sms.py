"""SinchSMSProvider: the exact batches request (mt_text / mt_media) and its results."""

from __future__ import annotations

import httpx
import pytest

from roomkit.errors import ErrorCode
from roomkit.models import CompositeContent, MediaContent, TextContent
from roomkit.providers.sinch import SinchConfig, SinchSMSProvider
from tests.providers.sms_vendor_support import FakeVendor, fixture_json, json_body, make_event

PLAN = "a5f7c8d9e0b14c2a8f6e0d1c2b3a4f5e"
TOKEN = "sinch-api-token-secret"
SECRET = "sinch-webhook-secret"


def provider(fake: FakeVendor, **config: object) -> SinchSMSProvider:
    settings: dict[str, object] = {
        "service_plan_id": PLAN,
        "api_token": TOKEN,
        "from_number": "+12025550100",
    }
    return SinchSMSProvider(SinchConfig(**{**settings, **config}), http_client=fake.client)


async def test_text_is_an_mt_text_batch_with_bearer_auth(fake_vendor: FakeVendor) -> None:
    fake_vendor.answer_json(201, fixture_json("sinch", "send_response.json"))

    result = await provider(fake_vendor).send(make_event(), to="+12025550143")

    request = fake_vendor.last
    assert request.method == "POST"
    assert str(request.url) == f"https://us.sms.api.sinch.com/xms/v1/{PLAN}/batches"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert json_body(request) == {
        "from": "+12025550100",
        "to": ["+12025550143"],
        "body": "hello there",
        "delivery_report": "per_recipient",
    }
    assert result.success
    assert result.provider_message_id == "01FC66621XXXXX119Z8PMV1QPQ"


async def test_region_callback_and_sender_override(fake_vendor: FakeVendor) -> None:
    fake_vendor.answer_json(201, {"id": "b1"})
    sinch = provider(fake_vendor, region="eu", callback_url="https://example.com/dlr")

    await sinch.send(make_event(), to="+4915112345678", from_="SinchTest")

    request = fake_vendor.last
    assert str(request.url) == f"https://eu.sms.api.sinch.com/xms/v1/{PLAN}/batches"
    assert json_body(request)["from"] == "SinchTest"
    assert json_body(request)["callback_url"] == "https://example.com/dlr"


async def test_base_url_overrides_the_region(fake_vendor: FakeVendor) -> None:
    fake_vendor.answer_json(201, {"id": "b1"})

    await provider(fake_vendor, base_url="http://127.0.0.1:9/").send(make_event(), to="+1")

    assert str(fake_vendor.last.url) == f"http://127.0.0.1:9/xms/v1/{PLAN}/batches"


async def test_media_is_an_mt_media_batch_with_extra_files_as_links(
    fake_vendor: FakeVendor,
) -> None:
    fake_vendor.answer_json(201, {"id": "b2", "type": "mt_media"})
    content = CompositeContent(
        parts=[
            TextContent(body="receipts"),
            MediaContent(url="https://cdn.example.com/1.jpg", mime_type="image/jpeg"),
            MediaContent(url="https://cdn.example.com/2.jpg", mime_type="image/jpeg"),
        ]
    )

    result = await provider(fake_vendor).send(make_event(content), to="+12025550143")

    assert json_body(fake_vendor.last) == {
        "from": "+12025550100",
        "to": ["+12025550143"],
        "type": "mt_media",
        "body": {
            "url": "https://cdn.example.com/1.jpg",
            "message": "receipts\nhttps://cdn.example.com/2.jpg",
        },
        "delivery_report": "per_recipient",
    }
    assert result.metadata == {"type": "mt_media"}


@pytest.mark.parametrize(
    ("content", "body"),
    [
        (
            MediaContent(url="https://cdn.example.com/1.jpg", mime_type="image/jpeg"),
            {"url": "https://cdn.example.com/1.jpg"},
        ),
        (
            CompositeContent(
                parts=[
                    MediaContent(url="https://c/1.jpg", mime_type="image/jpeg"),
                    MediaContent(url="https://c/2.jpg", mime_type="image/jpeg"),
                ]
            ),
            {"url": "https://c/1.jpg", "message": "https://c/2.jpg"},
        ),
    ],
)
async def test_media_without_text(
    fake_vendor: FakeVendor, content: object, body: dict[str, str]
) -> None:
    fake_vendor.answer_json(201, {"id": "b3"})

    await provider(fake_vendor).send(make_event(content), to="+1")  # type: ignore[arg-type]

    assert json_body(fake_vendor.last)["body"] == body


async def test_an_empty_event_is_refused_locally(fake_vendor: FakeVendor) -> None:
    result = await provider(fake_vendor).send(make_event(TextContent(body="")), to="+1")

    assert result.metadata["reason"] == ErrorCode.INVALID_REQUEST
    assert fake_vendor.requests == []


@pytest.mark.parametrize(
    ("status", "retryable"), [(400, False), (403, False), (429, True), (500, True)]
)
async def test_sinch_errors_keep_the_vendor_code(
    fake_vendor: FakeVendor, status: int, retryable: bool
) -> None:
    fake_vendor.answer_json(status, fixture_json("sinch", "error_response.json"))

    result = await provider(fake_vendor).send(make_event(), to="+1")

    assert not result.success
    assert result.metadata["code"] == "syntax_constraint_violation"
    assert result.metadata["retryable"] is retryable
    assert TOKEN not in (result.error or "")


async def test_a_non_json_error_falls_back_to_the_stable_code(fake_vendor: FakeVendor) -> None:
    fake_vendor.answer(httpx.Response(502, text="<html>bad gateway</html>"))

    result = await provider(fake_vendor).send(make_event(), to="+1")

    assert result.metadata["code"] == ErrorCode.OVERLOADED
    assert result.metadata["retryable"] is True


@pytest.mark.parametrize("answer", [{}, {"id": 5}, ["x"]])
async def test_an_answer_without_batch_id_is_a_failure(
    fake_vendor: FakeVendor, answer: object
) -> None:
    fake_vendor.answer_json(201, answer)

    result = await provider(fake_vendor).send(make_event(), to="+1")

    assert result.metadata["reason"] == ErrorCode.INVALID_PAYLOAD


async def test_secrets_stay_out_of_reprs(fake_vendor: FakeVendor) -> None:
    sinch = provider(fake_vendor, webhook_secret=SECRET)
    config = SinchConfig(
        service_plan_id=PLAN, api_token=TOKEN, from_number="+1", webhook_secret=SECRET
    )

    for text in (repr(sinch), str(config), repr(config)):
        assert TOKEN not in text
        assert SECRET not in text
    assert sinch.from_number == "+12025550100"
    await sinch.close()
    assert not fake_vendor.client.is_closed
