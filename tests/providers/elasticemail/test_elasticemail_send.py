"""ElasticEmailProvider: the exact v4 request, results and failures."""

from __future__ import annotations

import base64
import re
from collections.abc import AsyncIterator

import httpx
import pytest
from pydantic import SecretStr

from roomkit.models import ChannelData, CompositeContent, MediaContent, RichContent
from roomkit.providers.elasticemail import ElasticEmailConfig, ElasticEmailProvider
from tests.providers.transport_recorder import Recorder, fixture_json, make_event

API_KEY = "ee-secret-key-123"
CONFIG = ElasticEmailConfig(
    api_key=SecretStr(API_KEY), from_email="support@example.com", from_name="Support"
)


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    recorder = Recorder()
    async with recorder.client() as c:
        yield c


def provider_for(recorder: Recorder) -> ElasticEmailProvider:
    return ElasticEmailProvider(CONFIG, http_client=recorder.client())


async def test_text_email_request_is_exact() -> None:
    recorder = Recorder(
        httpx.Response(200, json=fixture_json("elasticemail", "send_response.json"))
    )
    provider = provider_for(recorder)

    result = await provider.send(make_event(), "jane@example.org", subject="Order 1042")

    request = recorder.last
    assert request.method == "POST"
    assert str(request.url) == "https://api.elasticemail.com/v4/emails/transactional"
    assert request.headers["X-ElasticEmail-ApiKey"] == API_KEY
    body = recorder.body()
    message_id = body["Content"]["Headers"]["Message-ID"]
    assert re.fullmatch(r"<[0-9a-f]{32}@example\.com>", message_id)
    assert body == {
        "Recipients": {"To": ["jane@example.org"]},
        "Content": {
            "From": "Support <support@example.com>",
            "Subject": "Order 1042",
            "Body": [{"ContentType": "PlainText", "Content": "hello there"}],
            "Headers": {"Message-ID": message_id},
        },
    }
    assert result.success
    assert result.provider_message_id == "Q5nCKnMNbjyLzl5hUNkDgg2"
    assert result.metadata == {
        "transaction_id": "0f2e5a4c-7d1b-4a36-9c5e-3b8f2d6a1e90",
        "email_message_id": message_id,
        "subject": "Order 1042",
    }


async def test_reply_with_html_attachment_and_thread_headers() -> None:
    recorder = Recorder(httpx.Response(200, json={"TransactionID": "t-only"}))
    provider = provider_for(recorder)
    pdf = base64.b64encode(b"%PDF-1.4").decode()
    event = make_event(
        CompositeContent(
            parts=[
                RichContent(body="<p>Your <b>invoice</b></p>", format="html"),
                MediaContent(
                    url=f"data:application/pdf;base64,{pdf}",
                    mime_type="application/pdf",
                    filename="invoice.pdf",
                ),
            ]
        ),
        channel_data=ChannelData(reply_to_id="<in-1@example.org>", thread_id="<root@x>"),
    )

    result = await provider.send(
        event,
        "jane@example.org",
        from_="Billing <billing@example.com>",
        subject="Invoice",
        reply_to="help@example.com",
    )

    content = recorder.body()["Content"]
    assert content["From"] == "Billing <billing@example.com>"
    assert content["Subject"] == "Re: Invoice"
    assert content["ReplyTo"] == "help@example.com"
    assert content["Body"] == [
        {"ContentType": "PlainText", "Content": "Your invoice"},
        {"ContentType": "HTML", "Content": "<p>Your <b>invoice</b></p>"},
    ]
    assert content["Attachments"] == [
        {"BinaryContent": pdf, "Name": "invoice.pdf", "ContentType": "application/pdf"}
    ]
    assert content["Headers"]["In-Reply-To"] == "<in-1@example.org>"
    assert content["Headers"]["References"] == "<root@x> <in-1@example.org>"
    assert content["Headers"]["Message-ID"].endswith("@example.com>")
    assert result.provider_message_id == "t-only"


@pytest.mark.parametrize(
    ("reply", "code", "retryable"),
    [
        (httpx.Response(401, json={"Error": "Unauthorized"}), "authentication", False),
        (httpx.Response(400, json={"Error": "Bad recipient"}), "invalid_request", False),
        (httpx.Response(429, text="slow down"), "rate_limited", True),
        (httpx.Response(500, text=""), "server_error", True),
        (httpx.ConnectError("refused"), "network", True),
        (httpx.ReadTimeout("slow"), "timeout", True),
    ],
)
async def test_vendor_failures_are_unsuccessful_results(
    reply: httpx.Response | Exception, code: str, retryable: bool
) -> None:
    provider = provider_for(Recorder(reply))

    result = await provider.send(make_event(), "jane@example.org")

    assert not result.success
    assert result.metadata["code"] == code
    assert result.metadata["retryable"] is retryable
    assert result.error
    assert API_KEY not in result.error


async def test_invalid_content_fails_without_calling_the_vendor() -> None:
    recorder = Recorder()
    provider = provider_for(recorder)
    bad = make_event(MediaContent(url="data:image/png;base64,@@", mime_type="image/png"))

    result = await provider.send(bad, "jane@example.org")

    assert not result.success
    assert result.metadata["code"] == "invalid_request"
    assert recorder.requests == []


async def test_a_non_object_answer_is_a_success_without_id() -> None:
    provider = provider_for(Recorder(httpx.Response(200, json=["odd"])))

    result = await provider.send(make_event(), "jane@example.org")

    assert result.success
    assert result.provider_message_id is None


async def test_secrets_stay_out_of_reprs_and_errors() -> None:
    provider = provider_for(Recorder(httpx.Response(403, text="forbidden")))

    result = await provider.send(make_event(), "jane@example.org")

    assert API_KEY not in str(CONFIG)
    assert API_KEY not in repr(CONFIG)
    assert API_KEY not in repr(provider)
    assert API_KEY not in (result.error or "")
    assert provider.name == "elasticemail"
    assert provider.from_address == "support@example.com"


async def test_close_leaves_an_injected_client_open(client: httpx.AsyncClient) -> None:
    provider = ElasticEmailProvider(CONFIG, http_client=client)

    await provider.close()

    assert not client.is_closed
