"""Elastic Email notifications and inbound emails."""

from __future__ import annotations

from typing import Any

import pytest

from roomkit.errors import InvalidPayloadError
from roomkit.providers.elasticemail import (
    parse_elasticemail_inbound,
    parse_elasticemail_notification,
)
from tests.providers.transport_recorder import fixture_bytes, fixture_json


def test_sent_notification_is_a_delivered_status() -> None:
    meta = parse_elasticemail_notification(fixture_bytes("elasticemail", "notification_sent.txt"))

    assert meta.kind == "status"
    assert meta.provider == "elasticemail"
    assert meta.message_id == "Q5nCKnMNbjyLzl5hUNkDgg2"
    assert meta.status == "delivered"
    assert meta.recipient == "jane.doe@example.org"
    assert meta.sender == "support@example.com"
    assert meta.error_code is None
    assert meta.timestamp == "2024-05-02T10:15:04"
    assert meta.raw["transaction"] == "0f2e5a4c-7d1b-4a36-9c5e-3b8f2d6a1e90"
    status = meta.to_status()
    assert (status.message_id, status.status) == ("Q5nCKnMNbjyLzl5hUNkDgg2", "delivered")


def test_error_notification_is_a_failure_with_its_category() -> None:
    meta = parse_elasticemail_notification(fixture_json("elasticemail", "notification_error.json"))

    assert meta.status == "failed"
    assert meta.error_code == "NoMailbox"
    assert meta.error_message == "Elastic Email reported Error"


@pytest.mark.parametrize(
    ("vendor", "ours"),
    [
        ("Opened", "read"),
        ("Clicked", "clicked"),
        ("AbuseReport", "complained"),
        ("Unsubscribed", "unsubscribed"),
        ("Queued", "queued"),
        ("SomethingNew", "somethingnew"),
    ],
)
def test_status_words_map_to_roomkit_statuses(vendor: str, ours: str) -> None:
    meta = parse_elasticemail_notification({"Status": vendor, "MessageID": "m-1"})

    assert meta.status == ours


def test_inbound_route_email() -> None:
    meta = parse_elasticemail_inbound(fixture_json("elasticemail", "inbound_email.json"))

    assert meta.provider == "elasticemail"
    assert meta.body == "Thanks, that works for me.\n\nJane"
    assert meta.thread_id == "<root-1@example.com>"


MALFORMED: list[Any] = [
    {},
    {"status": "Sent"},
    {"messageid": "m-1"},
    {"status": "", "messageid": "m-1"},
    {"status": "Sent", "messageid": ["m-1"]},
    {"status": {"x": 1}, "messageid": "m-1"},
    ["status", "Sent"],
    b"%%%=&=",
    b"\xff\xfe",
]


@pytest.mark.parametrize("payload", MALFORMED)
def test_malformed_notifications_are_invalid_payloads(payload: Any) -> None:
    with pytest.raises(InvalidPayloadError):
        parse_elasticemail_notification(payload)
