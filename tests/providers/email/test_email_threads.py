"""Email threading headers, reply subjects and thread roots."""

from __future__ import annotations

import re

import pytest

from roomkit.models import ChannelData, WebhookMeta
from roomkit.providers.email.threads import (
    DEFAULT_SUBJECT,
    email_thread_metadata,
    new_message_id,
    parse_message_ids,
    reply_headers,
    reply_subject,
    thread_root,
)
from tests.providers.transport_recorder import make_event


def test_new_message_ids_are_unique_and_in_the_sender_domain() -> None:
    first, second = new_message_id("a@example.com"), new_message_id("a@example.com")

    assert re.fullmatch(r"<[0-9a-f]{32}@example\.com>", first)
    assert first != second
    assert new_message_id("no-domain").endswith("@roomkit.local>")


def test_a_first_email_has_only_a_message_id() -> None:
    headers = reply_headers(make_event(), {}, "a@example.com")

    assert not headers.is_reply
    assert list(headers.as_headers()) == ["Message-ID"]


def test_explicit_options_win_over_every_other_source() -> None:
    event = make_event(
        metadata={"email_thread": {"message_id": "<meta@x>"}},
        channel_data=ChannelData(reply_to_id="<cd@x>"),
    )
    options = {
        "in_reply_to": "<opt@x>",
        "references": "<root@x> <opt@x>",
        "email_thread": {"message_id": "<bind@x>"},
    }

    headers = reply_headers(event, options, "a@example.com")

    assert headers.in_reply_to == "<opt@x>"
    assert headers.references == ("<root@x>", "<opt@x>")


def test_binding_thread_comes_before_event_metadata() -> None:
    event = make_event(metadata={"email_thread": {"message_id": "<meta@x>"}})
    options = {"email_thread": {"message_id": "<p@x>", "references": ["<r1@x>", "<r2@x>"]}}

    headers = reply_headers(event, options, "a@example.com").as_headers()

    assert headers["In-Reply-To"] == "<p@x>"
    assert headers["References"] == "<r1@x> <r2@x> <p@x>"


def test_event_metadata_thread_is_used_without_binding_thread() -> None:
    event = make_event(metadata={"email_thread": {"message_id": "bare-id@x"}})

    headers = reply_headers(event, {}, "a@example.com")

    assert headers.in_reply_to == "<bare-id@x>"
    assert headers.references == ("<bare-id@x>",)


def test_channel_data_supplies_parent_and_root() -> None:
    event = make_event(channel_data=ChannelData(reply_to_id="<p@x>", thread_id="<root@x>"))

    headers = reply_headers(event, {}, "a@example.com")

    assert headers.references == ("<root@x>", "<p@x>")


def test_parse_message_ids_skips_non_text_and_blank_values() -> None:
    assert parse_message_ids(["<a@x> <b@x>", 3, " ", "c@x"]) == ["<a@x>", "<b@x>", "<c@x>"]
    assert parse_message_ids(None) == []


@pytest.mark.parametrize(
    ("subject", "replying", "expected"),
    [
        ("Order 1042", True, "Re: Order 1042"),
        ("RE: Order 1042", True, "RE: Order 1042"),
        ("Order 1042", False, "Order 1042"),
        (None, False, DEFAULT_SUBJECT),
    ],
)
def test_reply_subject(subject: str | None, replying: bool, expected: str) -> None:
    assert reply_subject(subject, make_event(), {}, replying=replying) == expected


def test_subject_falls_back_to_event_metadata_then_thread() -> None:
    thread = {"email_thread": {"message_id": "<p@x>", "subject": "From thread"}}

    assert reply_subject(None, make_event(metadata={"subject": "Meta"}), {}, replying=False) == (
        "Meta"
    )
    assert reply_subject(None, make_event(), thread, replying=True) == "Re: From thread"


@pytest.mark.parametrize(
    ("message_id", "in_reply_to", "references", "root"),
    [
        ("<c@x>", "<b@x>", ["<a@x>", "<b@x>"], "<a@x>"),
        ("<c@x>", "<b@x>", [], "<b@x>"),
        ("<c@x>", None, [], "<c@x>"),
        (None, None, [], None),
    ],
)
def test_thread_root(
    message_id: str | None, in_reply_to: str | None, references: list[str], root: str | None
) -> None:
    assert thread_root(message_id, in_reply_to, references) == root


def test_email_thread_metadata_from_an_inbound_email() -> None:
    meta = WebhookMeta(
        provider="sendgrid",
        raw={"email": {"message_id": "<m@x>", "references": ["<r@x>"], "subject": "Hi"}},
    )

    assert email_thread_metadata(meta) == {
        "email_thread": {"message_id": "<m@x>", "references": ["<r@x>"], "subject": "Hi"},
        "subject": "Hi",
    }
    assert email_thread_metadata(WebhookMeta(provider="sms")) == {}
