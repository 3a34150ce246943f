"""SendGrid (signed events, unsigned Inbound Parse) and Elastic Email through the real app."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

import httpx
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from roomkit import Channel, EmailChannel, MockEmailProvider, RoomKit
from roomkit.errors import ConfigurationError, InvalidPayloadError, InvalidSignatureError
from roomkit.integrations import (
    ElasticEmailWebhookVerifier,
    SendGridEventWebhookVerifier,
    SendGridInboundWebhookVerifier,
)
from tests.integrations.vendor_webhooks import (
    NOW,
    assert_refused,
    fixture_bytes,
    record_statuses,
    stored_messages,
    webhook_client,
)

JSON = {"content-type": "application/json"}
SIGNING_KEY = ec.generate_private_key(ec.SECP256R1())


def _public_key(key: ec.EllipticCurvePrivateKey) -> str:
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(der).decode()


def sendgrid_headers(
    body: bytes, at: float = NOW, key: ec.EllipticCurvePrivateKey = SIGNING_KEY
) -> dict[str, str]:
    stamp = str(int(at))
    signature = key.sign(stamp.encode() + body, ec.ECDSA(hashes.SHA256()))
    return {
        "X-Twilio-Email-Event-Webhook-Signature": base64.b64encode(signature).decode(),
        "X-Twilio-Email-Event-Webhook-Timestamp": stamp,
        **JSON,
    }


def events_verifier() -> SendGridEventWebhookVerifier:
    return SendGridEventWebhookVerifier(_public_key(SIGNING_KEY), clock=lambda: NOW)


def email_channel() -> Channel:
    return EmailChannel("email", provider=MockEmailProvider())


async def test_signed_sendgrid_events_are_recorded_as_statuses(kit: RoomKit) -> None:
    statuses = record_statuses(kit)
    body = fixture_bytes("sendgrid", "events.json")
    async with webhook_client(kit, email_channel(), events_verifier()) as client:
        response = await client.post(
            "/webhooks/email", content=body, headers=sendgrid_headers(body)
        )
    assert response.status_code == 200
    assert [s.status for s in statuses] == ["accepted", "delivered", "failed", "read", "failed"]
    assert {s.provider for s in statuses} == {"sendgrid"}
    assert await kit.store.list_rooms() == []


@pytest.mark.parametrize(
    "forge",
    [
        lambda body: (body, JSON),
        lambda body: (body.replace(b"delivered", b"dropped"), sendgrid_headers(body)),
        lambda body: (body, sendgrid_headers(body, key=ec.generate_private_key(ec.SECP256R1()))),
        lambda body: (body, sendgrid_headers(body, at=NOW - 3600)),
        lambda body: (
            body,
            {**sendgrid_headers(body), "X-Twilio-Email-Event-Webhook-Signature": "@@"},
        ),
    ],
    ids=["unsigned", "tampered", "other-key", "stale", "not-base64"],
)
async def test_forged_or_stale_sendgrid_events_are_403(
    kit: RoomKit, forge: Callable[[bytes], tuple[bytes, dict[str, str]]]
) -> None:
    statuses = record_statuses(kit)
    body, headers = forge(fixture_bytes("sendgrid", "events.json"))
    async with webhook_client(kit, email_channel(), events_verifier()) as client:
        response = await client.post("/webhooks/email", content=body, headers=headers)
    await assert_refused(response, kit)
    assert statuses == []


@pytest.mark.parametrize("body", [b"{broken", b'{"event": "delivered"}', b'[{"email": "x"}]'])
async def test_signed_but_malformed_sendgrid_events_are_400(kit: RoomKit, body: bytes) -> None:
    async with webhook_client(kit, email_channel(), events_verifier()) as client:
        response = await client.post(
            "/webhooks/email", content=body, headers=sendgrid_headers(body)
        )
    await assert_refused(response, kit, 400)


def test_sendgrid_event_verifier_needs_a_public_ec_key() -> None:
    with pytest.raises(ConfigurationError):
        SendGridEventWebhookVerifier("bm90IGEga2V5", clock=lambda: NOW).verify(
            {k.lower(): v for k, v in sendgrid_headers(b"[]").items()}, b"[]", "https://x"
        )
    assert "MFkw" not in repr(events_verifier())


# --- SendGrid Inbound Parse: multipart form, unsigned, optional shared secret ------------

INBOUND_SECRET = "inbound-parse-token-9e"


def _inbound_fields() -> dict[str, str]:
    fields: dict[str, str] = json.loads(fixture_bytes("sendgrid", "inbound_parse.json"))
    return fields


@pytest.mark.parametrize(
    ("path", "auth"),
    [
        (f"/webhooks/email?token={INBOUND_SECRET}", None),
        ("/webhooks/email", httpx.BasicAuth("sendgrid", INBOUND_SECRET)),
    ],
    ids=["query-token", "basic-auth"],
)
async def test_inbound_parse_multipart_reaches_a_room(
    kit: RoomKit, path: str, auth: httpx.BasicAuth | None
) -> None:
    verifier = SendGridInboundWebhookVerifier(INBOUND_SECRET)
    attachment = {"attachment1": ("receipt.pdf", b"%PDF-1.4 ...", "application/pdf")}
    async with webhook_client(kit, email_channel(), verifier) as client:
        response = await client.post(
            path, data=_inbound_fields(), files=attachment, auth=auth or httpx.USE_CLIENT_DEFAULT
        )
    assert response.status_code == 200
    (event,) = await stored_messages(kit)
    assert event.source.participant_id == "jane.doe@example.org"
    assert "Thanks, that works for me." in str(event.content.model_dump())
    assert INBOUND_SECRET not in repr(verifier)


@pytest.mark.parametrize("path", ["/webhooks/email", "/webhooks/email?token=guess"])
async def test_inbound_parse_without_the_secret_is_403(kit: RoomKit, path: str) -> None:
    verifier = SendGridInboundWebhookVerifier(INBOUND_SECRET)
    async with webhook_client(kit, email_channel(), verifier) as client:
        response = await client.post(path, data=_inbound_fields(), files={"x": ("a", b"b")})
    await assert_refused(response, kit)


async def test_inbound_parse_without_a_secret_accepts_json_and_refuses_junk(kit: RoomKit) -> None:
    verifier = SendGridInboundWebhookVerifier()
    async with webhook_client(kit, email_channel(), verifier) as client:
        accepted = await client.post("/webhooks/email", json=_inbound_fields())
        junk = [
            await client.post(
                "/webhooks/email",
                content=b"no parts here",
                headers={"content-type": "multipart/form-data; boundary=xyz"},
            ),
            await client.post("/webhooks/email", content=b"{", headers=JSON),
            await client.post("/webhooks/email", data={"subject": "no sender"}),
        ]
    assert accepted.status_code == 200
    assert len(await stored_messages(kit)) == 1
    for response in junk:
        assert response.status_code == 400, response.text


# --- Elastic Email: unsigned notifications and inbound emails ---------------------------

FORM = {"content-type": "application/x-www-form-urlencoded"}


async def test_elastic_email_notification_and_inbound_email(kit: RoomKit) -> None:
    statuses = record_statuses(kit)
    verifier = ElasticEmailWebhookVerifier("ee-token-1")
    async with webhook_client(kit, email_channel(), verifier) as client:
        notified = await client.post(
            "/webhooks/email?token=ee-token-1",
            content=fixture_bytes("elasticemail", "notification_sent.txt"),
            headers=FORM,
        )
        inbound = await client.post(
            "/webhooks/email?token=ee-token-1",
            content=fixture_bytes("elasticemail", "inbound_email.json"),
            headers=JSON,
        )
    assert (notified.status_code, inbound.status_code) == (200, 200)
    assert [(s.message_id, s.status) for s in statuses] == [
        ("Q5nCKnMNbjyLzl5hUNkDgg2", "delivered")
    ]
    (event,) = await stored_messages(kit)
    assert event.source.participant_id == "jane.doe@example.org"


async def test_elastic_email_refusals(kit: RoomKit) -> None:
    body = fixture_bytes("elasticemail", "notification_sent.txt")
    guarded = ElasticEmailWebhookVerifier("ee-token-1")
    async with webhook_client(kit, email_channel(), guarded) as client:
        forged = await client.post("/webhooks/email?token=nope", content=body, headers=FORM)
        malformed = await client.post(
            "/webhooks/email?token=ee-token-1", content=b"status=Sent", headers=FORM
        )
    await assert_refused(forged, kit)
    await assert_refused(malformed, kit, 400)


async def test_elastic_email_without_a_secret_accepts_notifications(kit: RoomKit) -> None:
    statuses = record_statuses(kit)
    body = fixture_bytes("elasticemail", "notification_sent.txt")
    async with webhook_client(kit, email_channel(), ElasticEmailWebhookVerifier()) as client:
        response = await client.post("/webhooks/email", content=body, headers=FORM)
    assert response.status_code == 200
    assert len(statuses) == 1


FIELD = 'Content-Disposition: form-data; name="text"'


def _multipart(part_headers: str, content: bytes) -> tuple[bytes, str]:
    body = b"--b\r\n" + part_headers.encode() + b"\r\n\r\n" + content + b"\r\n--b--\r\n"
    return body, "multipart/form-data; boundary=b"


@pytest.mark.parametrize(
    ("part_headers", "content"),
    [
        (
            f"{FIELD}\r\nContent-Type: text/plain; charset=nope",
            b"hi",
        ),
        (
            f"{FIELD}\r\nContent-Type: text/plain; charset=utf-8",
            b"\xff\xfe",
        ),
        (
            'Content-Disposition: form-data; name="text"\r\n'
            "Content-Type: multipart/mixed; boundary=c",
            b"--c\r\n\r\nx\r\n--c--",
        ),
    ],
    ids=["unknown-charset", "bad-bytes", "nested-multipart"],
)
def test_undecodable_form_fields_are_malformed(part_headers: str, content: bytes) -> None:
    body, content_type = _multipart(part_headers, content)
    with pytest.raises(InvalidPayloadError):
        SendGridInboundWebhookVerifier().parse(body, content_type)


@pytest.mark.parametrize(
    "authorization", ["Basic !!!", "Basic " + base64.b64encode(b"x").decode(), "Bearer t"]
)
def test_broken_basic_auth_is_not_the_secret(authorization: str) -> None:
    verifier = ElasticEmailWebhookVerifier("ee-token-1")
    with pytest.raises(InvalidSignatureError):
        verifier.verify({"authorization": authorization}, b"", "https://x/webhooks/email")
