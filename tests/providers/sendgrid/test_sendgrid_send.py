"""SendGridProvider: the exact v3 mail/send request, results and failures."""

from __future__ import annotations

import base64

import httpx
import pytest
from pydantic import SecretStr

from roomkit.models import CompositeContent, MediaContent, RichContent, TextContent
from roomkit.providers.sendgrid import SendGridConfig, SendGridProvider
from tests.providers.transport_recorder import Recorder, fixture_json, make_event

API_KEY = "SG.secret-key-456"
CONFIG = SendGridConfig(
    api_key=SecretStr(API_KEY),
    from_email="support@example.com",
    from_name="Support",
    reply_to="help@example.com",
)
ACCEPTED = httpx.Response(202, headers={"X-Message-Id": "W86EgYT6SQKk0lRflfLRsA"})


def provider_for(recorder: Recorder, config: SendGridConfig = CONFIG) -> SendGridProvider:
    return SendGridProvider(config, http_client=recorder.client())


async def test_text_email_request_is_exact() -> None:
    recorder = Recorder(ACCEPTED)

    result = await provider_for(recorder).send(
        make_event(), "Jane Doe <jane@example.org>", subject="Hi"
    )

    request = recorder.last
    assert request.method == "POST"
    assert str(request.url) == "https://api.sendgrid.com/v3/mail/send"
    assert request.headers["Authorization"] == f"Bearer {API_KEY}"
    assert request.headers["Content-Type"] == "application/json"
    body = recorder.body()
    message_id = body["headers"]["Message-ID"]
    assert body == {
        "personalizations": [{"to": [{"email": "jane@example.org"}]}],
        "from": {"email": "support@example.com", "name": "Support"},
        "reply_to": {"email": "help@example.com"},
        "subject": "Hi",
        "content": [{"type": "text/plain", "value": "hello there"}],
        "headers": {"Message-ID": message_id},
    }
    assert result.success
    assert result.provider_message_id == "W86EgYT6SQKk0lRflfLRsA"
    assert result.metadata == {"email_message_id": message_id, "subject": "Hi"}


async def test_html_attachments_links_and_binding_thread() -> None:
    recorder = Recorder(ACCEPTED)
    png = base64.b64encode(b"png-bytes").decode()
    event = make_event(
        CompositeContent(
            parts=[
                RichContent(body="<h1>Report</h1>", format="html", plain_text="Report"),
                MediaContent(url=f"data:image/png;base64,{png}", mime_type="image/png"),
                MediaContent(url="https://cdn.example.com/big.zip", mime_type="application/zip"),
            ]
        )
    )
    thread = {"message_id": "<in-9@example.org>", "references": ["<root@x>"], "subject": "Data"}
    plain = SendGridConfig(api_key=SecretStr(API_KEY), from_email="support@example.com")

    await provider_for(recorder, plain).send(event, "jane@example.org", email_thread=thread)

    body = recorder.body()
    assert body["from"] == {"email": "support@example.com"}
    assert "reply_to" not in body
    assert body["subject"] == "Re: Data"
    assert body["content"] == [
        {"type": "text/plain", "value": "Report\n\nbig.zip: https://cdn.example.com/big.zip"},
        {
            "type": "text/html",
            "value": '<h1>Report</h1>\n<ul><li><a href="https://cdn.example.com/big.zip">'
            "big.zip</a></li></ul>",
        },
    ]
    assert body["attachments"] == [
        {
            "content": png,
            "type": "image/png",
            "filename": "attachment-1.png",
            "disposition": "attachment",
        }
    ]
    assert body["headers"]["In-Reply-To"] == "<in-9@example.org>"
    assert body["headers"]["References"] == "<root@x> <in-9@example.org>"


async def test_empty_text_is_sent_as_a_space() -> None:
    recorder = Recorder(ACCEPTED)

    await provider_for(recorder).send(make_event(TextContent(body="")), "jane@example.org")

    assert recorder.body()["content"] == [{"type": "text/plain", "value": " "}]


@pytest.mark.parametrize(
    ("reply", "code", "retryable"),
    [
        (
            httpx.Response(403, json=fixture_json("sendgrid", "error_response.json")),
            "permission_denied",
            False,
        ),
        (httpx.Response(401, json={"errors": [{"message": "bad key"}]}), "authentication", False),
        (httpx.Response(413, text="too large"), "invalid_request", False),
        (httpx.Response(503, text="busy"), "overloaded", True),
        (httpx.ConnectTimeout("slow"), "timeout", True),
    ],
)
async def test_vendor_failures_are_unsuccessful_results(
    reply: httpx.Response | Exception, code: str, retryable: bool
) -> None:
    result = await provider_for(Recorder(reply)).send(make_event(), "jane@example.org")

    assert not result.success
    assert result.metadata["code"] == code
    assert result.metadata["retryable"] is retryable
    assert API_KEY not in (result.error or "")


async def test_bad_recipient_fails_without_calling_sendgrid() -> None:
    recorder = Recorder()

    result = await provider_for(recorder).send(make_event(), "not an address")

    assert not result.success
    assert recorder.requests == []


def test_secrets_stay_out_of_reprs() -> None:
    provider = provider_for(Recorder())

    assert API_KEY not in str(CONFIG)
    assert API_KEY not in repr(provider)
    assert provider.name == "sendgrid"
    assert provider.from_address == "support@example.com"
