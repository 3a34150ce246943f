"""Fuzzing the email webhook parsers: inbound emails (fields or raw MIME) and status events.

Whatever the payload, each parser returns its documented type or raises
:class:`~roomkit.errors.WebhookError`, and every accepted meta can be handed on.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from hypothesis import given
from hypothesis import strategies as st

from roomkit.models.webhook import WebhookMeta
from roomkit.providers.elasticemail.webhook import (
    parse_elasticemail_inbound,
    parse_elasticemail_notification,
)
from roomkit.providers.email.inbound import parse_inbound_email
from roomkit.providers.sendgrid.webhook import parse_sendgrid_events, parse_sendgrid_inbound
from tests.providers.fuzz_support import (
    FIXTURES,
    FUZZ_SETTINGS,
    ODD_TEXTS,
    expect_typed,
    fixture_inputs,
    hand_on,
    load_form,
    load_json,
    raw_bodies,
)

SENDGRID_EVENTS = load_json("sendgrid", "events.json")
SENDGRID_INBOUND = load_json("sendgrid", "inbound_parse.json")
ELASTIC_INBOUND = load_json("elasticemail", "inbound_email.json")
ELASTIC_NOTIFICATIONS = [
    load_json("elasticemail", "notification_error.json"),
    load_form("elasticemail", "notification_sent.txt"),
]
RAW_EMAIL = (FIXTURES / "sendgrid" / "inbound_raw.eml").read_text(encoding="utf-8")

ODD_MIME_LINES = (
    "From: <<<@>>>",
    "From: =?utf-8?b?!!!?= <@>",
    'From: "unterminated <a@b',
    "To: ,,,;;;",
    "To: undisclosed-recipients:;",
    "Message-ID: <",
    "In-Reply-To: <<>>",
    "References: < > <",
    "Date: not a date",
    'Content-Type: text/plain; charset="no-such-charset"',
    "Content-Type: text/plain; charset=utf-8''%ff",
    "Content-Type: multipart/mixed",
    'Content-Type: multipart/alternative; boundary=""',
    "Content-Transfer-Encoding: base64",
    "Content-Transfer-Encoding: quoted-printable",
    "Content-Transfer-Encoding: x-unknown",
    "Content-Disposition: attachment; filename*=utf-8''%ff%fe",
    "Subject: =?x-unknown?q?boom?=",
    "=?utf-8?q?=ff?=",
    "--outer--",
    "--inner",
    "@@@@",
    "",
)


@st.composite
def mime_messages(draw: st.DrawFn) -> str:
    """The raw fixture email with lines dropped, replaced or inserted."""
    lines = RAW_EMAIL.split("\n")
    line = st.sampled_from(ODD_MIME_LINES) | st.sampled_from(ODD_TEXTS) | st.text(max_size=40)
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        index = draw(st.integers(min_value=0, max_value=max(len(lines) - 1, 0)))
        action = draw(st.sampled_from(["drop", "replace", "insert"]))
        if action == "drop" and lines:
            del lines[index]
        elif action == "replace" and lines:
            lines[index] = draw(line)
        else:
            lines.insert(index, draw(line))
    return "\n".join(lines)


def _fields_with_mime(mime: st.SearchStrategy[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(lambda email, to: {"email": email, "to": to}, mime, st.text(max_size=20))


INBOUND = (
    fixture_inputs([SENDGRID_INBOUND, ELASTIC_INBOUND])
    | raw_bodies(fixture_inputs([ELASTIC_INBOUND]))
    | _fields_with_mime(mime_messages() | st.text(max_size=300))
)


def _accepted(meta: WebhookMeta | None) -> None:
    if meta is not None:
        hand_on(meta)


@FUZZ_SETTINGS
@given(payload=INBOUND)
def test_inbound_email_parsers_only_raise_webhook_errors(payload: Any) -> None:
    _accepted(expect_typed(lambda: parse_inbound_email(payload), WebhookMeta))
    _accepted(expect_typed(lambda: parse_elasticemail_inbound(payload), WebhookMeta))


@FUZZ_SETTINGS
@given(payload=fixture_inputs([SENDGRID_INBOUND]) | _fields_with_mime(mime_messages()))
def test_sendgrid_inbound_parser_only_raises_webhook_errors(payload: Any) -> None:
    _accepted(expect_typed(lambda: parse_sendgrid_inbound(payload), WebhookMeta))


@FUZZ_SETTINGS
@given(payload=fixture_inputs([SENDGRID_EVENTS]) | raw_bodies(fixture_inputs([SENDGRID_EVENTS])))
def test_sendgrid_event_parser_only_raises_webhook_errors(payload: Any) -> None:
    metas = expect_typed(lambda: parse_sendgrid_events(payload), list)
    for meta in metas or []:
        assert isinstance(meta, WebhookMeta)
        hand_on(meta)


def _form_texts(values: st.SearchStrategy[Any]) -> st.SearchStrategy[str]:
    """Form-encoded bodies built from (possibly mutated) field mappings."""
    return values.filter(lambda v: isinstance(v, dict)).map(
        lambda v: urlencode({str(k): str(x) for k, x in v.items()})
    )


NOTIFICATIONS = fixture_inputs(ELASTIC_NOTIFICATIONS)


@FUZZ_SETTINGS
@given(payload=NOTIFICATIONS | raw_bodies(NOTIFICATIONS) | _form_texts(NOTIFICATIONS))
def test_elasticemail_notification_parser_only_raises_webhook_errors(payload: Any) -> None:
    _accepted(expect_typed(lambda: parse_elasticemail_notification(payload), WebhookMeta))


def test_the_fixtures_themselves_parse() -> None:
    # The mutations start from payloads every parser accepts.
    assert parse_sendgrid_events(SENDGRID_EVENTS)
    for meta in (
        parse_sendgrid_inbound(SENDGRID_INBOUND),
        parse_sendgrid_inbound({"email": RAW_EMAIL}),
        parse_elasticemail_inbound(ELASTIC_INBOUND),
        *(parse_elasticemail_notification(n) for n in ELASTIC_NOTIFICATIONS),
    ):
        hand_on(meta)
