"""SendGrid Event Webhook and Inbound Parse parsing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from roomkit.errors import InvalidPayloadError
from roomkit.providers.sendgrid import (
    parse_sendgrid_events,
    parse_sendgrid_inbound,
    sendgrid_message_id,
)
from tests.providers.transport_recorder import fixture_bytes, fixture_json


def test_events_map_to_statuses() -> None:
    metas = parse_sendgrid_events(fixture_bytes("sendgrid", "events.json"))

    summary = [(m.kind, m.message_id, m.status, m.error_code) for m in metas]
    assert summary == [
        ("status", "14c5d75ce93.dfd.64b469", "accepted", None),
        ("status", "14c5d75ce93.dfd.64b469", "delivered", None),
        ("status", "LRzXl_NHStOGhQ4kofSm_A", "failed", "bounce"),
        ("status", "14c5d75ce93.dfd.64b469", "read", None),
        ("status", "AbCdEfGhIjKlMnOpQrStUv", "failed", "dropped"),
        ("other", None, "unsubscribed", None),
    ]
    bounce = metas[2]
    assert bounce.recipient == "nobody@example.org"
    assert bounce.error_message == "500 unknown recipient"
    assert bounce.timestamp == "2024-05-02T10:15:20+00:00"
    assert bounce.raw["smtp_status"] == "5.0.0"
    assert metas[4].error_message == "Bounced Address"
    assert metas[1].to_status().status == "delivered"


def test_a_decoded_list_is_accepted() -> None:
    events = fixture_json("sendgrid", "events.json")

    assert len(parse_sendgrid_events(events)) == len(events)
    (meta,) = parse_sendgrid_events([{"event": "delivered", "sg_message_id": "x.filter1"}])
    assert (meta.message_id, meta.timestamp) == ("x", None)


@pytest.mark.parametrize(
    ("sg_id", "x_id"),
    [
        ("abc.filter0001.1.2.0", "abc"),
        ("LRzX.recvd-5f-1-2-3.0", "LRzX"),
        ("plain-id", "plain-id"),
    ],
)
def test_sendgrid_message_id(sg_id: str, x_id: str) -> None:
    assert sendgrid_message_id(sg_id) == x_id


def test_inbound_parse_post() -> None:
    meta = parse_sendgrid_inbound(fixture_json("sendgrid", "inbound_parse.json"))

    assert meta.provider == "sendgrid"
    assert meta.sender == "jane.doe@example.org"
    assert meta.thread_id == "<root-1@example.com>"


MALFORMED: list[Any] = [
    b"{not json",
    "{}",
    {"event": "delivered"},
    [1],
    [{"email": "a@x.com"}],
    [{"event": ["delivered"]}],
    [{"event": "delivered", "sg_message_id": 5.5, "timestamp": "yesterday"}],
    [{"event": "delivered", "sg_message_id": "x", "timestamp": 1e30}],
    [{"event": "bounce", "sg_message_id": "x", "reason": {"why": 1}}],
]


@pytest.mark.parametrize("payload", MALFORMED)
def test_malformed_event_posts_are_invalid_payloads(payload: Any) -> None:
    with pytest.raises(InvalidPayloadError):
        parse_sendgrid_events(payload)


def test_malformed_inbound_parse_is_an_invalid_payload() -> None:
    with pytest.raises(InvalidPayloadError):
        parse_sendgrid_inbound({"from": "", "text": json.dumps({"x": 1})})
