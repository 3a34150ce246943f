"""Fuzzing the SMS webhook parsers: a malformed payload gives a typed error, never a crash.

Whatever the payload, ``extract_sms_meta`` and the per-vendor ``parse_*`` functions
return their documented type or raise :class:`~roomkit.errors.WebhookError`; and what
they return can be handed on (``to_inbound`` / ``to_status``) without failing either.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from roomkit.models import InboundMessage
from roomkit.models.webhook import WebhookMeta
from roomkit.providers.sinch.webhook import parse_sinch_webhook
from roomkit.providers.sms.utils import extract_sms_meta
from roomkit.providers.telnyx.webhook import parse_telnyx_rcs_webhook, parse_telnyx_webhook
from roomkit.providers.twilio.webhook import parse_twilio_rcs_webhook, parse_twilio_webhook
from roomkit.providers.voicemeup.mms import MMSAggregator, parse_voicemeup_webhook
from tests.providers.fuzz_support import (
    FUZZ_SETTINGS,
    ODD_TEXTS,
    expect_typed,
    fixture_inputs,
    hand_on,
    json_values,
    load_form,
    load_json,
)

TWILIO = [
    load_form("twilio", name)
    for name in (
        "inbound_sms.form",
        "inbound_mms.form",
        "rcs_inbound_button.form",
        "rcs_status_undelivered.form",
        "status_delivered.form",
        "status_undelivered.form",
    )
]
TELNYX = [
    load_json("telnyx", name)
    for name in (
        "inbound_sms.json",
        "inbound_mms.json",
        "message_sent.json",
        "other_event.json",
        "rcs_inbound_file.json",
        "rcs_inbound_location.json",
        "rcs_inbound_suggestion.json",
        "rcs_inbound_text.json",
        "rcs_status_delivered.json",
        "status_delivered.json",
        "status_failed.json",
    )
]
SINCH = [
    load_json("sinch", name)
    for name in (
        "inbound_sms.json",
        "inbound_mms.json",
        "batch_report.json",
        "recipient_delivered.json",
        "recipient_failed.json",
    )
]
VOICEMEUP = [
    load_json("voicemeup", name)
    for name in (
        "inbound_sms.json",
        "mms_media_part.json",
        "mms_text_part.json",
        "status_delivered.json",
        "status_failed.json",
    )
]
VENDORS: dict[str, list[Any]] = {
    "twilio": TWILIO,
    "telnyx": TELNYX,
    "sinch": SINCH,
    "voicemeup": VOICEMEUP,
}


class _Timer:
    def cancel(self) -> None:
        """Nothing is really scheduled."""


def _no_timer(delay: float, callback: Callable[[], None]) -> _Timer:
    return _Timer()


def _check_meta(vendor: str, payload: Any) -> None:
    meta = expect_typed(lambda: extract_sms_meta(vendor, payload), WebhookMeta)
    if meta is not None:
        hand_on(meta)


@FUZZ_SETTINGS
@given(payload=fixture_inputs(TWILIO))
def test_twilio_parsers_only_raise_webhook_errors(payload: Any) -> None:
    _check_meta("twilio", payload)
    expect_typed(lambda: parse_twilio_webhook(payload, "sms-1"), InboundMessage)
    expect_typed(lambda: parse_twilio_rcs_webhook(payload, "rcs-1"), InboundMessage)


@FUZZ_SETTINGS
@given(payload=fixture_inputs(TELNYX))
def test_telnyx_parsers_only_raise_webhook_errors(payload: Any) -> None:
    _check_meta("telnyx", payload)
    expect_typed(lambda: parse_telnyx_webhook(payload, "sms-1"), InboundMessage)
    expect_typed(lambda: parse_telnyx_rcs_webhook(payload, "rcs-1"), InboundMessage)


@FUZZ_SETTINGS
@given(payload=fixture_inputs(SINCH))
def test_sinch_parsers_only_raise_webhook_errors(payload: Any) -> None:
    _check_meta("sinch", payload)
    expect_typed(lambda: parse_sinch_webhook(payload, "sms-1"), InboundMessage)


@FUZZ_SETTINGS
@given(payloads=st.lists(fixture_inputs(VOICEMEUP), min_size=1, max_size=3))
def test_voicemeup_parsers_only_raise_webhook_errors(payloads: list[Any]) -> None:
    aggregator = MMSAggregator(scheduler=_no_timer)
    for payload in payloads:
        _check_meta("voicemeup", payload)
        expect_typed(
            partial(parse_voicemeup_webhook, payload, "sms-1", aggregator=aggregator),
            (InboundMessage, type(None)),
        )
    aggregator.clear()


MMS_PARTS = [
    load_json("voicemeup", "mms_text_part.json"),
    load_json("voicemeup", "mms_media_part.json"),
]
_MMS_KEYS = ["attachment", "attachment_mime_type", "message", "message_type", "message_uid"]


@st.composite
def mms_part(draw: st.DrawFn, fixture: dict[str, Any]) -> dict[str, Any]:
    """One MMS part with a content field damaged; sender and recipient stay, so it pairs."""
    part = dict(fixture)
    key = draw(st.sampled_from(_MMS_KEYS))
    change = draw(st.one_of(st.just("drop"), json_values(), st.sampled_from(ODD_TEXTS)))
    if change == "drop":
        part.pop(key, None)
    else:
        part[key] = change
    return part


@FUZZ_SETTINGS
@given(parts=st.permutations(MMS_PARTS).flatmap(lambda ps: st.tuples(*map(mms_part, ps))))
def test_voicemeup_mms_pairs_merge_or_raise_webhook_errors(parts: tuple[Any, ...]) -> None:
    aggregator = MMSAggregator(scheduler=_no_timer)
    for part in parts:
        message = expect_typed(
            partial(parse_voicemeup_webhook, part, "sms-1", aggregator=aggregator),
            (InboundMessage, type(None)),
        )
        if message is not None:
            message.content.model_dump()
    aggregator.flush()


@FUZZ_SETTINGS
@given(vendor=st.sampled_from(sorted(VENDORS)), data=st.data())
def test_any_vendor_fixture_through_any_parser(vendor: str, data: st.DataObject) -> None:
    # Another vendor's payload is just as malformed: it must be refused cleanly too.
    payload = data.draw(fixture_inputs([f for fixtures in VENDORS.values() for f in fixtures]))
    _check_meta(vendor, payload)


def test_the_fixtures_themselves_parse() -> None:
    # The mutations start from payloads every parser accepts.
    for vendor, fixtures in VENDORS.items():
        for fixture in fixtures:
            hand_on(extract_sms_meta(vendor, fixture))
