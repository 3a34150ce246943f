"""Webhook verifiers on their own: the generic signed webhook, hub challenges, defaults."""

from __future__ import annotations

import json

import pytest
from pydantic import SecretStr

from roomkit import InvalidPayloadError, InvalidSignatureError, WebhookMeta
from roomkit.integrations import (
    TWIML_EMPTY_REPLY,
    GenericWebhookVerifier,
    WebhookReply,
    WebhookVerifier,
    hub_challenge,
)
from roomkit.providers.http import HTTP_SIGNATURE_HEADER, HTTP_TIMESTAMP_HEADER, signed_headers

SECRET = "whsec-4c1d9e"
NOW = 1_700_000_000.0


def _verifier(tolerance_seconds: float = 300.0) -> GenericWebhookVerifier:
    return GenericWebhookVerifier(
        SecretStr(SECRET), clock=lambda: NOW, tolerance_seconds=tolerance_seconds
    )


def _sign(body: bytes, secret: str = SECRET, at: float = NOW) -> dict[str, str]:
    return signed_headers(secret, body, now=lambda: at)


def _lower(headers: dict[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}


BODY = json.dumps({"sender_id": "+15550001", "text": "hi", "message_id": "m-1"}).encode()


def test_a_body_signed_like_webhook_http_provider_verifies() -> None:
    headers = _sign(BODY)
    assert headers[HTTP_SIGNATURE_HEADER].startswith("sha256=")
    assert headers[HTTP_TIMESTAMP_HEADER] == str(int(NOW))
    _verifier().verify(_lower(headers), BODY, "https://x/webhooks/http")
    _verifier().verify(headers, BODY, "https://x/webhooks/http")


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda h, b: ({k: v for k, v in h.items() if "signature" not in k}, b), "missing"),
        (lambda h, b: ({k: v for k, v in h.items() if "timestamp" not in k}, b), "missing"),
        (lambda h, b: (h, b + b" "), "does not match"),
        (lambda h, b: ({**h, "x-roomkit-signature": "sha1=00"}, b), "does not start"),
        (lambda h, b: ({**h, "x-roomkit-signature": "sha256=zz"}, b), "not valid hex"),
        (lambda h, b: ({**h, "x-roomkit-timestamp": "yesterday"}, b), "not a number"),
    ],
)
def test_tampering_is_refused(mutate: object, message: str) -> None:
    headers = _lower(_sign(BODY))
    headers, body = mutate(headers, BODY)  # type: ignore[operator]
    with pytest.raises(InvalidSignatureError, match=message) as refused:
        _verifier().verify(headers, body, "u")
    assert SECRET not in str(refused.value)


def test_a_stale_or_future_timestamp_is_refused() -> None:
    for stamp in (NOW - 301, NOW + 301):
        headers = _lower(_sign(BODY, at=stamp))
        with pytest.raises(InvalidSignatureError, match="window"):
            _verifier().verify(headers, BODY, "u")
    old = _lower(_sign(BODY, at=NOW - 3000))
    _verifier(tolerance_seconds=3600).verify(old, BODY, "u")


def test_a_signature_made_with_another_secret_is_refused() -> None:
    headers = _lower(_sign(BODY, secret="other-secret"))
    with pytest.raises(InvalidSignatureError):
        _verifier().verify(headers, BODY, "u")


def test_parse_an_inbound_message_and_a_status_batch() -> None:
    body = json.dumps(
        [
            {
                "sender_id": "user-9",
                "recipient_id": "bot",
                "message_id": "m-2",
                "thread_id": "t-1",
                "content": {"type": "media", "url": "https://cdn/x.png", "mime_type": "image/png"},
            },
            {"message_id": "out-1", "status": "delivered"},
        ]
    ).encode()
    inbound, status = _verifier().parse(body, "application/json; charset=utf-8")
    assert (inbound.kind, inbound.sender, inbound.recipient, inbound.thread_id) == (
        "inbound",
        "user-9",
        "bot",
        "t-1",
    )
    assert (inbound.media_urls, inbound.media_types) == (["https://cdn/x.png"], ["image/png"])
    assert inbound.to_inbound("http-in").idempotency_key == "http:m-2"
    assert (status.kind, status.message_id, status.status) == ("status", "out-1", "delivered")
    (single,) = _verifier().parse(BODY, "")
    assert (single.sender, single.body) == ("+15550001", "hi")


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (b"{", "application/json", "not JSON"),
        (b"[" * 5000 + b"]" * 5000, "application/json", "not JSON"),
        (BODY, "text/plain", "expected application/json"),
        (b'{"text": "no sender"}', "application/json", "sender_id"),
        (b'{"status": "sent"}', "", "message_id"),
        (b'[{"sender_id": "a", "text": "ok"}, 7]', "application/json", "not an object"),
        (b'{"sender_id": "a", "content": {"type": "?"}}', "", "content"),
    ],
)
def test_malformed_bodies_are_invalid_payload_errors(
    body: bytes, content_type: str, message: str
) -> None:
    with pytest.raises(InvalidPayloadError, match=message):
        _verifier().parse(body, content_type)


def test_the_verifier_keeps_its_secret_out_of_reprs_and_refuses_an_empty_one() -> None:
    assert SECRET not in repr(_verifier())
    with pytest.raises(ValueError, match="secret"):
        GenericWebhookVerifier("")


def test_hub_challenge() -> None:
    query = {"hub.mode": "subscribe", "hub.verify_token": "vt", "hub.challenge": "1158201444"}
    assert hub_challenge(query, "vt") == "1158201444"
    assert hub_challenge(query, SecretStr("vt")) == "1158201444"
    with pytest.raises(InvalidSignatureError, match="verify_token"):
        hub_challenge(query, "other")
    with pytest.raises(InvalidSignatureError, match="mode"):
        hub_challenge({**query, "hub.mode": "unsubscribe"}, "vt")
    with pytest.raises(InvalidSignatureError, match="challenge"):
        hub_challenge({k: v for k, v in query.items() if k != "hub.challenge"}, "vt")


def test_verifier_defaults_and_replies() -> None:
    class Minimal(WebhookVerifier):
        def verify(self, headers: object, body: bytes, url: str) -> None:  # type: ignore[override]
            return None

        def parse(self, body: bytes, content_type: str) -> list[WebhookMeta]:
            return []

    minimal = Minimal()
    assert minimal.challenge({"hub.challenge": "x"}) is None
    assert minimal.reply([]) == WebhookReply(b'{"status":"ok"}', "application/json", 200)
    assert TWIML_EMPTY_REPLY.media_type == "text/xml"
    assert TWIML_EMPTY_REPLY.body.endswith(b"<Response/>")
