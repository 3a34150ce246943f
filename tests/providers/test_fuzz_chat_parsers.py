"""Fuzzing the Messenger, WhatsApp and generic HTTP webhook parsers.

Whatever the payload (decoded JSON, raw bytes or text), each parser returns its
documented type or raises :class:`~roomkit.errors.WebhookError`, and every accepted
meta can be handed on to the kit.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from roomkit.models.webhook import WebhookMeta
from roomkit.providers.http.inbound import parse_http_webhook
from roomkit.providers.http.signature import signed_headers
from roomkit.providers.messenger.webhook import parse_messenger_webhook
from roomkit.providers.whatsapp.webhook import parse_whatsapp_webhook
from tests.providers.fuzz_support import (
    FUZZ_SETTINGS,
    expect_typed,
    fixture_inputs,
    hand_on,
    load_json,
    raw_bodies,
)

MESSENGER = [load_json("messenger", n) for n in ("webhook_messages.json", "webhook_receipts.json")]
WHATSAPP = [load_json("whatsapp", n) for n in ("webhook_messages.json", "webhook_statuses.json")]
HTTP = [
    load_json("http", n)
    for n in ("inbound_content.json", "inbound_message.json", "status_report.json")
]
SECRET = "fuzz-shared-secret"
NOW = 1_718_000_000.0


def _check_list(result: list[WebhookMeta] | None) -> None:
    for meta in result or []:
        assert isinstance(meta, WebhookMeta)
        hand_on(meta)


@FUZZ_SETTINGS
@given(payload=fixture_inputs(MESSENGER) | raw_bodies(fixture_inputs(MESSENGER)))
def test_messenger_parser_only_raises_webhook_errors(payload: Any) -> None:
    _check_list(expect_typed(lambda: parse_messenger_webhook(payload), list))


@FUZZ_SETTINGS
@given(payload=fixture_inputs(WHATSAPP) | raw_bodies(fixture_inputs(WHATSAPP)))
def test_whatsapp_parser_only_raises_webhook_errors(payload: Any) -> None:
    _check_list(expect_typed(lambda: parse_whatsapp_webhook(payload), list))


@FUZZ_SETTINGS
@given(payload=fixture_inputs(HTTP))
def test_http_parser_only_raises_webhook_errors(payload: Any) -> None:
    meta = expect_typed(lambda: parse_http_webhook(payload), WebhookMeta)
    if meta is not None:
        hand_on(meta)


@FUZZ_SETTINGS
@given(payload=fixture_inputs(HTTP), tamper=st.booleans())
def test_signed_http_parser_only_raises_webhook_errors(payload: Any, tamper: bool) -> None:
    # A correctly signed body of any shape still yields a meta or a WebhookError.
    raw = json.dumps(payload, allow_nan=True).encode()
    headers = signed_headers(SECRET, raw, now=lambda: NOW)
    body = raw + b" " if tamper else raw
    meta = expect_typed(
        lambda: parse_http_webhook(
            payload, headers=headers, secret=SECRET, raw_body=body, now=lambda: NOW
        ),
        WebhookMeta,
    )
    if meta is not None:
        assert not tamper
        hand_on(meta)


def test_the_fixtures_themselves_parse() -> None:
    # The mutations start from payloads every parser accepts.
    assert all(parse_messenger_webhook(f) for f in MESSENGER)
    assert all(parse_whatsapp_webhook(f) for f in WHATSAPP)
    for fixture in HTTP:
        hand_on(parse_http_webhook(fixture))
