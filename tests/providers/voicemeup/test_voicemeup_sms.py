"""VoiceMeUpSMSProvider: the exact send request, results, webhooks and shared secret."""

from __future__ import annotations

import pytest

from roomkit.errors import ErrorCode
from roomkit.models import CompositeContent, MediaContent, TextContent
from roomkit.providers.sms import extract_sms_meta
from roomkit.providers.voicemeup import (
    VoiceMeUpConfig,
    VoiceMeUpSMSProvider,
    is_voicemeup_mms_part,
    voicemeup_webhook_meta,
)
from tests.providers.sms_vendor_support import FakeVendor, fixture_json, form_body, make_event

TOKEN = "vmu-auth-token-secret"


def provider(fake: FakeVendor, **config: object) -> VoiceMeUpSMSProvider:
    settings: dict[str, object] = {
        "username": "acme",
        "auth_token": TOKEN,
        "from_number": "+15145550100",
    }
    return VoiceMeUpSMSProvider(VoiceMeUpConfig(**{**settings, **config}), http_client=fake.client)


async def test_text_is_posted_as_a_form(fake_vendor: FakeVendor) -> None:
    fake_vendor.answer_json(200, fixture_json("voicemeup", "send_response.json"))

    result = await provider(fake_vendor).send(make_event(), to="+14185550111")

    request = fake_vendor.last
    assert (request.method, str(request.url)) == (
        "POST",
        "https://api.voicemeup.com/api/v1.1/sms/send",
    )
    assert form_body(request) == {
        "username": ["acme"],
        "auth_token": [TOKEN],
        "source_number": ["+15145550100"],
        "destination_number": ["+14185550111"],
        "message": ["hello there"],
    }
    assert result.success
    assert result.provider_message_id == "vmu-out-0001"


async def test_mms_sends_the_first_file_as_attachment(fake_vendor: FakeVendor) -> None:
    fake_vendor.answer_json(200, {"response_status": "success", "sms_uid": 42})
    content = CompositeContent(
        parts=[
            TextContent(body="photos"),
            MediaContent(url="https://c/1.jpg", mime_type="image/jpeg"),
            MediaContent(url="https://c/2.jpg", mime_type="image/jpeg"),
        ]
    )
    vmu = provider(fake_vendor, base_url="http://127.0.0.1:1/", send_path="custom/send")

    result = await vmu.send(make_event(content), to="+14185550111", from_="+15145550199")

    request = fake_vendor.last
    assert str(request.url) == "http://127.0.0.1:1/custom/send"
    body = form_body(request)
    assert body["source_number"] == ["+15145550199"]
    assert body["attachment"] == ["https://c/1.jpg"]
    assert body["message"] == ["photos\nhttps://c/2.jpg"]
    assert result.provider_message_id == "42"


async def test_a_media_only_mms_has_an_empty_message(fake_vendor: FakeVendor) -> None:
    fake_vendor.answer_json(200, {"response_status": "success"})
    content = MediaContent(url="https://c/1.jpg", mime_type="image/jpeg")

    result = await provider(fake_vendor).send(make_event(content), to="+1")

    assert form_body(fake_vendor.last)["message"] == [""]
    assert result.success and result.provider_message_id is None


async def test_an_empty_event_is_refused_locally(fake_vendor: FakeVendor) -> None:
    result = await provider(fake_vendor).send(make_event(TextContent(body="")), to="+1")

    assert result.metadata["reason"] == ErrorCode.INVALID_REQUEST
    assert fake_vendor.requests == []


async def test_a_refusal_in_a_200_answer_is_a_failure(fake_vendor: FakeVendor) -> None:
    fake_vendor.answer_json(200, fixture_json("voicemeup", "error_response.json"))

    result = await provider(fake_vendor).send(make_event(), to="+1")

    assert not result.success
    assert result.error == "Invalid destination number"
    assert result.metadata["code"] == "4001"
    assert result.metadata["retryable"] is False


@pytest.mark.parametrize(("status", "retryable"), [(400, False), (401, False), (503, True)])
async def test_http_errors_become_failed_results(
    fake_vendor: FakeVendor, status: int, retryable: bool
) -> None:
    fake_vendor.answer_json(status, {"response_status": "error", "code": 17})

    result = await provider(fake_vendor).send(make_event(), to="+1")

    assert result.metadata["code"] == "17"
    assert result.metadata["retryable"] is retryable
    assert TOKEN not in (result.error or "")


async def test_an_error_body_that_is_not_an_object_keeps_the_stable_code(
    fake_vendor: FakeVendor,
) -> None:
    fake_vendor.answer_json(400, ["bad"])

    result = await provider(fake_vendor).send(make_event(), to="+1")

    assert result.metadata["code"] == ErrorCode.INVALID_REQUEST


async def test_an_answer_that_is_not_an_object_is_a_failure(fake_vendor: FakeVendor) -> None:
    fake_vendor.answer_json(200, ["ok"])

    result = await provider(fake_vendor).send(make_event(), to="+1")

    assert result.metadata["reason"] == ErrorCode.INVALID_PAYLOAD


def test_webhooks_normalise_inbound_and_status() -> None:
    inbound = extract_sms_meta("voicemeup", fixture_json("voicemeup", "inbound_sms.json"))
    failed = voicemeup_webhook_meta(fixture_json("voicemeup", "status_failed.json")).to_status()

    assert (inbound.kind, inbound.sender, inbound.recipient) == (
        "inbound",
        "+14185550111",
        "+15145550100",
    )
    assert inbound.timestamp == "2024-06-10 11:38:51"
    assert (failed.status, failed.error_code, failed.error_message) == (
        "failed",
        "4505",
        "Destination unreachable",
    )
    assert failed.message_id == "vmu-out-0002"


@pytest.mark.parametrize(
    ("name", "is_part"),
    [
        ("inbound_sms.json", False),
        ("mms_text_part.json", True),
        ("mms_media_part.json", True),
        ("status_delivered.json", False),
    ],
)
def test_mms_parts_are_recognised(name: str, is_part: bool) -> None:
    assert is_voicemeup_mms_part(fixture_json("voicemeup", name)) is is_part


def test_message_type_alone_marks_an_mms_text_part() -> None:
    assert is_voicemeup_mms_part({"source_number": "+1", "message": "x", "message_type": "MMS"})


async def test_shared_secret_check_and_secret_hygiene(fake_vendor: FakeVendor) -> None:
    vmu = provider(fake_vendor, webhook_secret="hook-secret")

    assert vmu.verify_shared_secret("hook-secret")
    assert not vmu.verify_shared_secret("guess")
    assert not vmu.verify_shared_secret(None)
    assert not provider(fake_vendor).verify_shared_secret("hook-secret")
    config = VoiceMeUpConfig(
        username="acme", auth_token=TOKEN, from_number="+1", webhook_secret="hook-secret"
    )
    for text in (repr(vmu), str(config)):
        assert TOKEN not in text and "hook-secret" not in text
    assert vmu.from_number == "+15145550100"
    assert vmu.parse_webhook(fixture_json("voicemeup", "mms_media_part.json")).media_urls
    await vmu.close()
    assert not fake_vendor.client.is_closed
