"""Every SMS/RCS webhook parser refuses broken payloads with InvalidPayloadError only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from roomkit.errors import InvalidPayloadError
from roomkit.providers.sinch import parse_sinch_webhook
from roomkit.providers.sms import extract_sms_meta
from roomkit.providers.telnyx import parse_telnyx_rcs_webhook, parse_telnyx_webhook
from roomkit.providers.twilio import parse_twilio_rcs_webhook, parse_twilio_webhook
from roomkit.providers.voicemeup import MMSAggregator, parse_voicemeup_webhook
from tests.providers.sms_vendor_support import fixture_form, fixture_json

NOT_OBJECTS: list[Any] = [None, [], "text", 42, 3.5, True, b"bytes", ["MessageSid"]]


def replaced(base: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """Copy ``base`` with the value at the dotted ``path`` replaced (``...`` deletes it)."""
    data = dict(base)
    *parents, last = [int(k) if k.isdigit() else k for k in path.split(".")]
    node: Any = data
    for key in parents:
        child = node[key]
        node[key] = dict(child) if isinstance(child, dict) else list(child)
        node = node[key]
    if value is ...:
        del node[last]
    else:
        node[last] = value
    return data


def twilio_cases() -> list[dict[str, Any]]:
    sms = fixture_form("twilio", "inbound_sms.form")
    mms = fixture_form("twilio", "inbound_mms.form")
    return [
        replaced(sms, "MessageSid", ...) | {"SmsSid": ""},
        {k: v for k, v in sms.items() if k not in ("MessageSid", "SmsSid")},
        replaced(sms, "From", ...),
        replaced(sms, "From", ""),
        replaced(sms, "Body", ["list"]),
        replaced(sms, "Body", {"nested": "object"}),
        replaced(sms, "From", True),
        replaced(sms, "NumMedia", "two"),
        replaced(sms, "NumMedia", "-1"),
        replaced(mms, "MediaUrl1", ...),
        replaced(mms, "MediaUrl0", None),
        replaced(mms, "NumMedia", "3"),
        replaced(fixture_form("twilio", "status_delivered.form"), "ErrorCode", [1]),
    ]


def telnyx_cases() -> list[dict[str, Any]]:
    sms = fixture_json("telnyx", "inbound_sms.json")
    rcs = fixture_json("telnyx", "rcs_inbound_suggestion.json")
    status = fixture_json("telnyx", "status_failed.json")
    return [
        {},
        {"data": None},
        {"data": []},
        {"data": "message.received"},
        replaced(sms, "data.event_type", ...),
        replaced(sms, "data.event_type", ["message.received"]),
        replaced(sms, "data.payload", ...),
        replaced(sms, "data.payload", "text"),
        replaced(sms, "data.payload.from", ...),
        replaced(sms, "data.payload.from", "+13125550001"),
        replaced(sms, "data.payload.from.phone_number", ...),
        replaced(sms, "data.payload.to", "+17735550002"),
        replaced(sms, "data.payload.to", ["+17735550002"]),
        replaced(sms, "data.payload.text", {"body": "x"}),
        replaced(sms, "data.payload.media", {"url": "x"}),
        replaced(sms, "data.payload.media", [{"content_type": "image/png"}]),
        replaced(sms, "data.payload.media", ["https://x"]),
        replaced(rcs, "data.payload.body", "Track my order"),
        replaced(rcs, "data.payload.body.suggestion_response", ["x"]),
        replaced(
            fixture_json("telnyx", "rcs_inbound_file.json"),
            "data.payload.body.user_file",
            {"payload": {"mime_type": "image/png"}},
        ),
        replaced(
            fixture_json("telnyx", "rcs_inbound_location.json"),
            "data.payload.body.location",
            {"latitude": 1},
        ),
        replaced(status, "data.payload.id", ...),
        replaced(status, "data.payload.errors", [{"code": {"x": 1}}]),
        replaced(status, "data.payload.errors", "40300"),
    ]


def sinch_cases() -> list[dict[str, Any]]:
    sms = fixture_json("sinch", "inbound_sms.json")
    mms = fixture_json("sinch", "inbound_mms.json")
    report = fixture_json("sinch", "recipient_failed.json")
    batch = fixture_json("sinch", "batch_report.json")
    return [
        {},
        replaced(sms, "type", ...),
        replaced(sms, "type", True),
        replaced(sms, "type", ["mo_text"]),
        replaced(sms, "from", ...),
        replaced(sms, "from", {"number": "+1"}),
        replaced(sms, "body", ["hi"]),
        replaced(mms, "body", "Here is the receipt"),
        replaced(mms, "body", ...),
        replaced(mms, "body.media", {"url": "x"}),
        replaced(mms, "body.media", [{"content_type": "image/jpeg"}]),
        replaced(mms, "body.media", ["https://x"]),
        replaced(report, "batch_id", ...),
        replaced(report, "status", ...),
        replaced(report, "code", [402]),
        replaced(batch, "statuses", []),
        replaced(batch, "statuses", {"status": "Delivered"}),
        replaced(batch, "statuses", ["Delivered"]),
        replaced(batch, "statuses.0.recipients", "+1"),
        replaced(batch, "statuses.0.recipients", [1]),
    ]


def voicemeup_cases() -> list[dict[str, Any]]:
    sms = fixture_json("voicemeup", "inbound_sms.json")
    media = fixture_json("voicemeup", "mms_media_part.json")
    status = fixture_json("voicemeup", "status_failed.json")
    return [
        {},
        replaced(sms, "source_number", ...),
        replaced(sms, "source_number", ""),
        replaced(sms, "source_number", ["+1"]),
        replaced(sms, "message", {"text": "x"}),
        replaced(media, "attachment", ["https://x"]),
        replaced(media, "attachment_mime_type", {"type": "image"}),
        replaced(status, "message_uid", ...),
        replaced(status, "delivery_status", ["failed"]),
        replaced(status, "error_code", {"code": 1}),
    ]


VENDORS: dict[str, tuple[list[Callable[[Any], object]], Callable[[], list[dict[str, Any]]]]] = {
    "twilio": (
        [
            lambda p: parse_twilio_webhook(p, "c"),
            lambda p: parse_twilio_rcs_webhook(p, "c"),
            lambda p: extract_sms_meta("twilio", p),
        ],
        twilio_cases,
    ),
    "telnyx": (
        [
            lambda p: parse_telnyx_webhook(p, "c"),
            lambda p: parse_telnyx_rcs_webhook(p, "c"),
            lambda p: extract_sms_meta("telnyx", p),
        ],
        telnyx_cases,
    ),
    "sinch": (
        [lambda p: parse_sinch_webhook(p, "c"), lambda p: extract_sms_meta("sinch", p)],
        sinch_cases,
    ),
    "voicemeup": (
        [
            lambda p: parse_voicemeup_webhook(p, "c", aggregator=MMSAggregator(scheduler=_never)),
            lambda p: extract_sms_meta("voicemeup", p),
        ],
        voicemeup_cases,
    ),
}


class _Handle:
    def cancel(self) -> None:
        """Nothing to cancel."""


def _never(delay: float, callback: Callable[[], None]) -> _Handle:
    return _Handle()


def _params() -> list[Any]:
    params = []
    for vendor, (parsers, cases) in VENDORS.items():
        shapes = [*NOT_OBJECTS, *cases()]
        for p_index, parser in enumerate(parsers):
            for s_index, shape in enumerate(shapes):
                params.append(pytest.param(parser, shape, id=f"{vendor}-p{p_index}-s{s_index}"))
    return params


@pytest.mark.parametrize(("parse", "payload"), _params())
def test_broken_payloads_raise_invalid_payload_error(
    parse: Callable[[Any], object], payload: Any
) -> None:
    with pytest.raises(InvalidPayloadError):
        parse(payload)


@pytest.mark.parametrize("vendor", sorted(VENDORS))
def test_the_error_text_does_not_quote_the_payload(vendor: str) -> None:
    secret_text = "+15550001111 private words"
    payload: dict[str, Any] = {
        "data": {"event_type": [secret_text]},
        "type": [secret_text],
        "From": [secret_text],
        "MessageSid": "SM1",
        "source_number": [secret_text],
    }

    with pytest.raises(InvalidPayloadError) as caught:
        extract_sms_meta(vendor, payload)
    assert secret_text not in str(caught.value)
