"""WebhookHTTPProvider: the exact signed post, results and failures."""

from __future__ import annotations

import hashlib
import hmac
import json

import httpx
import pytest
from pydantic import SecretStr

from roomkit.models import RoomEvent
from roomkit.providers.http import HTTPProviderConfig, WebhookHTTPProvider, verify_http_signature
from tests.providers.transport_recorder import Recorder, make_event

SECRET = "whsec-http-123"
URL = "https://hooks.example.com/roomkit"
NOW = 1_714_645_000.0


def clock() -> float:
    return NOW


def provider_for(recorder: Recorder, **config: object) -> WebhookHTTPProvider:
    settings = {"webhook_url": URL, "secret": SecretStr(SECRET), **config}
    return WebhookHTTPProvider(
        HTTPProviderConfig.model_validate(settings), http_client=recorder.client(), clock=clock
    )


async def test_signed_post_is_exact() -> None:
    recorder = Recorder(httpx.Response(200, json={"message_id": "crm-77"}))
    event = make_event()

    result = await provider_for(recorder, headers={"Authorization": "Bearer crm"}).send(
        event, "user-42"
    )

    request = recorder.last
    assert (request.method, str(request.url)) == ("POST", URL)
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Authorization"] == "Bearer crm"
    assert request.headers["X-RoomKit-Event-Id"] == event.id
    assert request.headers["X-RoomKit-Timestamp"] == "1714645000"
    signed = b"1714645000." + request.content
    expected = hmac.new(SECRET.encode(), signed, hashlib.sha256).hexdigest()
    assert request.headers["X-RoomKit-Signature"] == f"sha256={expected}"
    body = json.loads(request.content)
    assert body == {"event": event.model_dump(mode="json"), "recipient_id": "user-42"}
    assert RoomEvent.model_validate(body["event"]) == event
    assert result.success
    assert result.provider_message_id == "crm-77"
    assert result.metadata == {"status_code": 200}


async def test_the_post_verifies_with_the_receiving_side() -> None:
    recorder = Recorder(httpx.Response(204))

    await provider_for(recorder).send(make_event(), "user-42")

    request = recorder.last
    verify_http_signature(SECRET, request.content, dict(request.headers), now=clock)


async def test_without_secret_no_signature_headers() -> None:
    recorder = Recorder(httpx.Response(202, text="queued"))
    provider = provider_for(recorder, secret=None)
    event = make_event()

    result = await provider.send(event, "user-42")

    assert "X-RoomKit-Signature" not in recorder.last.headers
    assert "X-RoomKit-Timestamp" not in recorder.last.headers
    assert result.provider_message_id == event.id


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (httpx.Response(200, json={"id": 991}), "991"),
        (httpx.Response(200, json={"id": True}), None),
        (httpx.Response(200, json=["x"]), None),
        (httpx.Response(200, content=b"\xff"), None),
    ],
)
async def test_answer_ids(answer: httpx.Response, expected: str | None) -> None:
    event = make_event()

    result = await provider_for(Recorder(answer)).send(event, "u")

    assert result.provider_message_id == (expected or event.id)


@pytest.mark.parametrize(
    ("reply", "code", "retryable"),
    [
        (httpx.Response(400, text="bad"), "invalid_request", False),
        (httpx.Response(401, text="who"), "authentication", False),
        (httpx.Response(502, text="gateway"), "overloaded", True),
        (httpx.ReadTimeout("slow"), "timeout", True),
        (httpx.ConnectError("refused"), "network", True),
    ],
)
async def test_failures_are_unsuccessful_results(
    reply: httpx.Response | Exception, code: str, retryable: bool
) -> None:
    result = await provider_for(Recorder(reply)).send(make_event(), "u")

    assert not result.success
    assert (result.metadata["code"], result.metadata["retryable"]) == (code, retryable)
    assert SECRET not in (result.error or "")


def test_config_and_repr_hide_secret_and_headers() -> None:
    config = HTTPProviderConfig(
        webhook_url=URL, secret=SecretStr(SECRET), headers={"Authorization": "Bearer crm-token"}
    )
    provider = WebhookHTTPProvider(config, http_client=Recorder().client())

    for text in (str(config), repr(config), repr(provider)):
        assert SECRET not in text
        assert "crm-token" not in text
    assert provider.name == "http"
    assert config.timeout == 10.0
