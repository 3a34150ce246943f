"""Twilio, Telnyx, Sinch and VoiceMeUp webhooks through the real app, signed with real keys."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from urllib.parse import parse_qsl

import httpx
import pytest
from nacl.signing import SigningKey

from roomkit import MockRCSProvider, MockSMSProvider, RCSChannel, RoomKit, SMSChannel
from roomkit.integrations import (
    TWIML_EMPTY_REPLY,
    SinchWebhookVerifier,
    TelnyxWebhookVerifier,
    TwilioWebhookVerifier,
    VoiceMeUpWebhookVerifier,
)
from tests.integrations.vendor_webhooks import (
    NOW,
    PUBLIC_URL,
    assert_refused,
    fixture_bytes,
    record_statuses,
    stored_messages,
    webhook_client,
)

FORM = "application/x-www-form-urlencoded"
JSON = {"content-type": "application/json"}

# --- Twilio: HMAC-SHA1 of the URL and the sorted form parameters ------------------------

TWILIO_TOKEN = "twilio-auth-token-0c4e"
TWILIO_URL = f"{PUBLIC_URL}/webhooks/sms"


def twilio_headers(
    body: bytes, url: str = TWILIO_URL, token: str = TWILIO_TOKEN
) -> dict[str, str]:
    signed = url + "".join(k + v for k, v in sorted(parse_qsl(body.decode(), True)))
    digest = hmac.new(token.encode(), signed.encode(), hashlib.sha1).digest()
    return {"X-Twilio-Signature": base64.b64encode(digest).decode(), "content-type": FORM}


async def test_twilio_sms_reaches_a_room_and_twilio_gets_empty_twiml(kit: RoomKit) -> None:
    body = fixture_bytes("twilio", "inbound_sms.form")
    channel = SMSChannel("sms", provider=MockSMSProvider())
    async with webhook_client(kit, channel, TwilioWebhookVerifier(TWILIO_TOKEN)) as client:
        response = await client.post("/webhooks/sms", content=body, headers=twilio_headers(body))
    assert response.status_code == 200
    assert response.content == TWIML_EMPTY_REPLY.body
    assert response.headers["content-type"].startswith("text/xml")
    (event,) = await stored_messages(kit)
    assert event.content.body == "Hello from Twilio!"  # type: ignore[union-attr]
    assert event.source.participant_id == "+14155550123"


async def test_twilio_rcs_suggestion_and_status_callback(kit: RoomKit) -> None:
    statuses = record_statuses(kit)
    url = f"{PUBLIC_URL}/webhooks/rcs"
    verifier = TwilioWebhookVerifier(TWILIO_TOKEN)
    async with webhook_client(kit, RCSChannel("rcs", provider=MockRCSProvider()), verifier) as c:
        for name in ("rcs_inbound_button.form", "status_delivered.form"):
            body = fixture_bytes("twilio", name)
            response = await c.post(
                "/webhooks/rcs", content=body, headers=twilio_headers(body, url)
            )
            assert response.status_code == 200
    (event,) = await stored_messages(kit)
    assert event.content.body == "Track my order"  # type: ignore[union-attr]
    assert event.source.participant_id == "+14155550123"
    assert [(s.provider, s.message_id, s.status) for s in statuses] == [
        ("twilio", "SM7d1b5a5f0c2f4e7a9d3c6b8a0e1f2d3c", "delivered")
    ]


@pytest.mark.parametrize(
    "forge",
    [
        lambda body: (body, {"content-type": FORM}),
        lambda body: (body.replace(b"Hello", b"Pay+me"), twilio_headers(body)),
        lambda body: (body, twilio_headers(body, token="not-the-token")),
        lambda body: (body, twilio_headers(body, url=f"{PUBLIC_URL}/webhooks/other")),
    ],
    ids=["unsigned", "tampered", "wrong-token", "other-url"],
)
async def test_twilio_forgeries_are_403(
    kit: RoomKit, forge: Callable[[bytes], tuple[bytes, dict[str, str]]]
) -> None:
    body, headers = forge(fixture_bytes("twilio", "inbound_sms.form"))
    channel = SMSChannel("sms", provider=MockSMSProvider())
    async with webhook_client(kit, channel, TwilioWebhookVerifier(TWILIO_TOKEN)) as client:
        response = await client.post("/webhooks/sms", content=body, headers=headers)
    await assert_refused(response, kit)


@pytest.mark.parametrize("body", [b"From=%2B1555&Body=no+sid", b"MessageSid=SM1&NumMedia=x"])
async def test_twilio_signed_but_malformed_is_400(kit: RoomKit, body: bytes) -> None:
    channel = SMSChannel("sms", provider=MockSMSProvider())
    async with webhook_client(kit, channel, TwilioWebhookVerifier(TWILIO_TOKEN)) as client:
        response = await client.post("/webhooks/sms", content=body, headers=twilio_headers(body))
    await assert_refused(response, kit, 400)


# --- Telnyx: Ed25519 over "<timestamp>|<body>" -------------------------------------------

TELNYX_KEY = SigningKey.generate()


def telnyx_headers(body: bytes, at: float = NOW, key: SigningKey = TELNYX_KEY) -> dict[str, str]:
    stamp = str(int(at))
    signature = key.sign(stamp.encode() + b"|" + body).signature
    return {
        "telnyx-signature-ed25519": base64.b64encode(signature).decode(),
        "telnyx-timestamp": stamp,
        **JSON,
    }


def telnyx_verifier() -> TelnyxWebhookVerifier:
    public_key = base64.b64encode(bytes(TELNYX_KEY.verify_key)).decode()
    return TelnyxWebhookVerifier(public_key, clock=lambda: NOW)


async def test_telnyx_message_and_status_are_accepted(kit: RoomKit) -> None:
    statuses = record_statuses(kit)
    channel = SMSChannel("sms", provider=MockSMSProvider())
    async with webhook_client(kit, channel, telnyx_verifier()) as client:
        for name in ("inbound_sms.json", "message_sent.json"):
            body = fixture_bytes("telnyx", name)
            response = await client.post(
                "/webhooks/sms", content=body, headers=telnyx_headers(body)
            )
            assert response.status_code == 200
            assert response.json() == {"status": "ok"}
    (event,) = await stored_messages(kit)
    assert event.content.body == "Hello from Telnyx!"  # type: ignore[union-attr]
    assert [(s.provider, s.status) for s in statuses] == [("telnyx", "sent")]


@pytest.mark.parametrize(
    "forge",
    [
        lambda body: (body, JSON),
        lambda body: (body.replace(b"Telnyx", b"Mallory"), telnyx_headers(body)),
        lambda body: (body, telnyx_headers(body, key=SigningKey.generate())),
        lambda body: (body, telnyx_headers(body, at=NOW - 3600)),
        lambda body: (body, {**telnyx_headers(body), "telnyx-signature-ed25519": "%%%"}),
    ],
    ids=["unsigned", "tampered", "other-key", "stale", "not-base64"],
)
async def test_telnyx_forged_or_stale_is_403(
    kit: RoomKit, forge: Callable[[bytes], tuple[bytes, dict[str, str]]]
) -> None:
    body, headers = forge(fixture_bytes("telnyx", "inbound_sms.json"))
    channel = SMSChannel("sms", provider=MockSMSProvider())
    async with webhook_client(kit, channel, telnyx_verifier()) as client:
        response = await client.post("/webhooks/sms", content=body, headers=headers)
    await assert_refused(response, kit)


@pytest.mark.parametrize("body", [b"{broken", b"[1, 2]", b'{"data": {"payload": 3}}'])
async def test_telnyx_signed_but_malformed_is_400(kit: RoomKit, body: bytes) -> None:
    channel = SMSChannel("sms", provider=MockSMSProvider())
    async with webhook_client(kit, channel, telnyx_verifier()) as client:
        response = await client.post("/webhooks/sms", content=body, headers=telnyx_headers(body))
    await assert_refused(response, kit, 400)


# --- Sinch: HMAC-SHA256 of "<body>.<nonce>.<timestamp>", base64 --------------------------

SINCH_SECRET = "sinch-callback-secret-77a1"


def sinch_headers(body: bytes, at: float = NOW, secret: str = SINCH_SECRET) -> dict[str, str]:
    nonce, stamp = "01FJA8B4A7BM43YGWSG9GBV067", str(int(at))
    signed = body + f".{nonce}.{stamp}".encode()
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).digest()
    return {
        "x-sinch-webhook-signature": base64.b64encode(digest).decode(),
        "x-sinch-webhook-signature-nonce": nonce,
        "x-sinch-webhook-signature-timestamp": stamp,
        **JSON,
    }


def sinch_verifier() -> SinchWebhookVerifier:
    return SinchWebhookVerifier(SINCH_SECRET, clock=lambda: NOW)


async def test_sinch_message_and_delivery_report_are_accepted(kit: RoomKit) -> None:
    statuses = record_statuses(kit)
    channel = SMSChannel("sms", provider=MockSMSProvider())
    async with webhook_client(kit, channel, sinch_verifier()) as client:
        for name in ("inbound_sms.json", "recipient_delivered.json"):
            body = fixture_bytes("sinch", name)
            response = await client.post(
                "/webhooks/sms", content=body, headers=sinch_headers(body)
            )
            assert response.status_code == 200
    (event,) = await stored_messages(kit)
    assert event.content.body == "Hello from Sinch!"  # type: ignore[union-attr]
    assert [(s.message_id, s.status) for s in statuses] == [
        ("01FC66621XXXXX119Z8PMV1QPQ", "Delivered")
    ]


@pytest.mark.parametrize(
    "forge",
    [
        lambda body: (body, JSON),
        lambda body: (body.replace(b"Sinch", b"Evil"), sinch_headers(body)),
        lambda body: (body, sinch_headers(body, secret="guessed")),
        lambda body: (body, sinch_headers(body, at=NOW + 3600)),
    ],
    ids=["unsigned", "tampered", "wrong-secret", "stale"],
)
async def test_sinch_forged_or_stale_is_403(
    kit: RoomKit, forge: Callable[[bytes], tuple[bytes, dict[str, str]]]
) -> None:
    body, headers = forge(fixture_bytes("sinch", "inbound_sms.json"))
    channel = SMSChannel("sms", provider=MockSMSProvider())
    async with webhook_client(kit, channel, sinch_verifier()) as client:
        response = await client.post("/webhooks/sms", content=body, headers=headers)
    await assert_refused(response, kit)


@pytest.mark.parametrize("body", [b"not json", b'"text"', b'{"type": "mo_text"}'])
async def test_sinch_signed_but_malformed_is_400(kit: RoomKit, body: bytes) -> None:
    channel = SMSChannel("sms", provider=MockSMSProvider())
    async with webhook_client(kit, channel, sinch_verifier()) as client:
        response = await client.post("/webhooks/sms", content=body, headers=sinch_headers(body))
    await assert_refused(response, kit, 400)


# --- VoiceMeUp: unsigned, optional shared secret ----------------------------------------

VMU_SECRET = "vmu-url-token-5d2e"


async def _post_voicemeup(
    kit: RoomKit, verifier: VoiceMeUpWebhookVerifier, path: str, **kwargs: object
) -> httpx.Response:
    body = fixture_bytes("voicemeup", "inbound_sms.json")
    channel = SMSChannel("sms", provider=MockSMSProvider())
    async with webhook_client(kit, channel, verifier) as client:
        return await client.post(path, content=body, headers=JSON, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("path", "auth"),
    [
        (f"/webhooks/sms?token={VMU_SECRET}", None),
        ("/webhooks/sms", httpx.BasicAuth("voicemeup", VMU_SECRET)),
    ],
    ids=["query-token", "basic-auth"],
)
async def test_voicemeup_with_the_shared_secret_is_accepted(
    kit: RoomKit, path: str, auth: httpx.BasicAuth | None
) -> None:
    verifier = VoiceMeUpWebhookVerifier(VMU_SECRET)
    response = await _post_voicemeup(kit, verifier, path, auth=auth)
    assert response.status_code == 200
    (event,) = await stored_messages(kit)
    assert event.content.body == "Bonjour, is the shop open today?"  # type: ignore[union-attr]
    assert VMU_SECRET not in repr(verifier)


@pytest.mark.parametrize(
    ("path", "auth"),
    [
        ("/webhooks/sms", None),
        ("/webhooks/sms?token=wrong", None),
        ("/webhooks/sms", httpx.BasicAuth("voicemeup", "wrong")),
        ("/webhooks/sms?token=", httpx.BasicAuth("", "")),
    ],
)
async def test_voicemeup_without_the_shared_secret_is_403(
    kit: RoomKit, path: str, auth: httpx.BasicAuth | None
) -> None:
    verifier = VoiceMeUpWebhookVerifier(VMU_SECRET)
    await assert_refused(await _post_voicemeup(kit, verifier, path, auth=auth), kit)


async def test_voicemeup_without_a_configured_secret_accepts_reports(kit: RoomKit) -> None:
    statuses = record_statuses(kit)
    body = fixture_bytes("voicemeup", "status_delivered.json")
    channel = SMSChannel("sms", provider=MockSMSProvider())
    async with webhook_client(kit, channel, VoiceMeUpWebhookVerifier()) as client:
        response = await client.post("/webhooks/sms", content=body, headers=JSON)
        malformed = await client.post("/webhooks/sms", content=b"{}", headers=JSON)
        not_json = await client.post("/webhooks/sms", content=b"message=hi", headers=JSON)
    assert response.status_code == 200
    assert [(s.message_id, s.status) for s in statuses] == [("vmu-out-0001", "delivered")]
    for refused in (malformed, not_json):
        await assert_refused(refused, kit, 400)


def test_secrets_stay_out_of_reprs_and_empty_secrets_are_refused() -> None:
    for verifier in (TwilioWebhookVerifier(TWILIO_TOKEN), sinch_verifier(), telnyx_verifier()):
        assert TWILIO_TOKEN not in repr(verifier)
        assert SINCH_SECRET not in repr(verifier)
    for build in (
        lambda: TwilioWebhookVerifier(""),
        lambda: SinchWebhookVerifier(""),
        lambda: VoiceMeUpWebhookVerifier(""),
    ):
        with pytest.raises(ValueError, match="must not be empty"):
            build()


def test_a_batch_of_sinch_callbacks_is_parsed_in_order() -> None:
    first = json.loads(fixture_bytes("sinch", "inbound_sms.json"))
    second = json.loads(fixture_bytes("sinch", "recipient_delivered.json"))
    metas = sinch_verifier().parse(json.dumps([first, second]).encode(), "application/json")
    assert [m.kind for m in metas] == ["inbound", "status"]
