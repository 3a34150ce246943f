"""Parsing inbound emails posted as fields (SendGrid Inbound Parse, Elastic Email)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from roomkit.errors import InvalidPayloadError
from roomkit.models import TextContent
from roomkit.providers.email import email_thread_metadata, parse_inbound_email
from tests.providers.transport_recorder import fixture_bytes, fixture_json


def test_sendgrid_inbound_parse_fields() -> None:
    meta = parse_inbound_email(fixture_json("sendgrid", "inbound_parse.json"), provider="sendgrid")

    assert meta.kind == "inbound"
    assert meta.provider == "sendgrid"
    assert meta.sender == "jane.doe@example.org"
    assert meta.recipient == "support@inbound.example.com"  # the envelope recipient
    assert meta.body == "Thanks, that works for me.\n\nJane"
    assert meta.message_id == "<CAF3d9w2@mail.example.org>"
    assert meta.thread_id == "<root-1@example.com>"
    assert meta.timestamp == "Thu, 02 May 2024 10:20:00 +0000"
    email = meta.raw["email"]
    assert email["in_reply_to"] == "<5c0f1e0d9a8b4f2e@example.com>"
    assert email["references"] == ["<root-1@example.com>", "<5c0f1e0d9a8b4f2e@example.com>"]
    assert email["subject"] == "Re: Order 1042"
    assert email["from_name"] == "Jane Doe"
    assert email["to"] == ["support@inbound.example.com", "support@example.com"]
    assert email["attachments"] == ["receipt.pdf"]
    assert email["html"].startswith('<div dir="ltr">')


def test_elastic_email_inbound_fields_with_header_map() -> None:
    meta = parse_inbound_email(
        fixture_json("elasticemail", "inbound_email.json"), provider="elasticemail"
    )

    assert meta.sender == "jane.doe@example.org"
    assert meta.recipient == "support@example.com"
    assert meta.message_id == "<CAF3d9w2@mail.example.org>"  # the header, not the vendor id
    assert meta.thread_id == "<root-1@example.com>"
    assert meta.raw["email"]["attachments"] == ["receipt.pdf"]


def test_raw_mime_mode_is_parsed_from_the_email_field() -> None:
    fields = {"email": fixture_bytes("sendgrid", "inbound_raw.eml").decode(), "to": "x@y.z"}

    meta = parse_inbound_email(fields, provider="sendgrid")

    assert meta.sender == "omar@example.net"
    assert meta.recipient == "support@example.com"
    assert meta.body == "The link in your last email is broken."
    assert meta.message_id == "<raw-42@example.net>"
    assert meta.thread_id == "<raw-42@example.net>"  # a first message is its own root
    assert meta.raw["email"]["attachments"] == ["screenshot.png"]
    assert meta.raw["email"]["subject"] == "Broken link"
    assert "<b>broken</b>" in meta.raw["email"]["html"]


def test_html_only_email_is_reduced_to_text() -> None:
    meta = parse_inbound_email({"from": "a@x.com", "html": "<p>Hi</p><p>there</p>"})

    assert meta.body == "Hi\nthere"
    assert meta.thread_id is None
    assert meta.message_id is None


def test_a_json_body_and_list_values_are_accepted() -> None:
    body = json.dumps({"From": ["b@x.com"], "To": "c@x.com, d@x.com", "Text": "yo"})

    meta = parse_inbound_email(body.encode())

    assert (meta.sender, meta.recipient, meta.body) == ("b@x.com", "c@x.com", "yo")


def test_header_list_of_name_value_pairs() -> None:
    meta = parse_inbound_email(
        {"from": "a@x.com", "headers": [{"Name": "Message-ID", "Value": "<h@x>"}, "junk"]}
    )

    assert meta.message_id == "<h@x>"


def test_the_inbound_message_carries_the_thread_id() -> None:
    meta = parse_inbound_email(fixture_json("sendgrid", "inbound_parse.json"), provider="sendgrid")

    inbound = meta.to_inbound("email-1")

    assert inbound.thread_id == "<root-1@example.com>"
    assert inbound.external_id == "<CAF3d9w2@mail.example.org>"
    assert inbound.idempotency_key == "sendgrid:<CAF3d9w2@mail.example.org>"
    assert inbound.content == TextContent(body="Thanks, that works for me.\n\nJane")
    assert email_thread_metadata(meta)["subject"] == "Re: Order 1042"


MALFORMED: list[Any] = [
    b"not json",
    "[1, 2]",
    ["from", "a@x.com"],
    {},
    {"from": "no address here"},
    {"from": 42},
    {"from": "a@x.com", "subject": {"nested": True}},
    {"from": "a@x.com", "headers": 12},
    {"from": "a@x.com", "envelope": "{not json"},
    {"from": "a@x.com", "envelope": "[1]"},
    {"from": "a@x.com", "attachment-info": "{broken"},
    {1: "numeric key"},
    {"email": "Content-Type: text/plain; charset=x-no-such-charset\n\nbody"},
]


@pytest.mark.parametrize("payload", MALFORMED)
def test_malformed_inbound_email_is_an_invalid_payload(payload: Any) -> None:
    with pytest.raises(InvalidPayloadError):
        parse_inbound_email(payload)


def test_plain_mime_email_and_unnamed_attachments() -> None:
    source = "From: a@x.com\nMessage-ID: <p@x>\nContent-Type: text/plain\n\nJust text\n"

    mime = parse_inbound_email({"email": source})
    listed = parse_inbound_email({"from": "a@x.com", "attachments": ["blob", {"Name": "n.txt"}]})

    assert (mime.body, mime.raw["email"]["html"]) == ("Just text", None)
    assert listed.raw["email"]["attachments"] == ["attachment1", "n.txt"]
