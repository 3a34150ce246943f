"""VoiceMeUp split-MMS aggregation, driven by a fake scheduler (no sleeping)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest

from roomkit.errors import InvalidPayloadError
from roomkit.models import CompositeContent, InboundMessage, MediaContent, TextContent
from roomkit.providers.voicemeup import (
    MMSAggregator,
    configure_voicemeup_mms,
    parse_voicemeup_webhook,
    voicemeup_mms_aggregator,
)
from tests.providers.sms_vendor_support import fixture_json


@dataclass
class Timer:
    delay: float
    callback: Callable[[], None]
    cancelled: bool = False

    def cancel(self) -> None:
        self.cancelled = True


@dataclass
class FakeScheduler:
    """Records scheduled calls; ``fire()`` runs the ones not cancelled."""

    timers: list[Timer] = field(default_factory=list)

    def __call__(self, delay: float, callback: Callable[[], None]) -> Timer:
        timer = Timer(delay, callback)
        self.timers.append(timer)
        return timer

    def fire(self) -> None:
        for timer in [t for t in self.timers if not t.cancelled]:
            timer.cancelled = True
            timer.callback()


TEXT = fixture_json("voicemeup", "mms_text_part.json")
MEDIA = fixture_json("voicemeup", "mms_media_part.json")
PHOTO = MediaContent(
    url="https://media.voicemeup.com/mms/4b7a9c1d3e/photo.jpg", mime_type="image/jpeg"
)


def aggregator(
    scheduler: FakeScheduler, orphans: list[InboundMessage] | None = None
) -> MMSAggregator:
    callback = orphans.append if orphans is not None else None
    return MMSAggregator(timeout_seconds=5.0, on_timeout=callback, scheduler=scheduler)


@pytest.mark.parametrize("order", [(TEXT, MEDIA), (MEDIA, TEXT)])
def test_two_parts_merge_into_one_message_in_either_order(order: tuple[dict, dict]) -> None:
    scheduler = FakeScheduler()
    mms = aggregator(scheduler)

    first = parse_voicemeup_webhook(order[0], "sms", aggregator=mms)
    merged = parse_voicemeup_webhook(order[1], "sms", aggregator=mms)

    assert first is None
    assert merged is not None
    assert merged.content == CompositeContent(
        parts=[TextContent(body="Here is a photo of the damage"), PHOTO]
    )
    assert merged.sender_id == "+14185550111"
    assert merged.external_id == "vmu-5f1c2a9e-0002"
    assert merged.idempotency_key == "voicemeup:vmu-5f1c2a9e-0002"
    assert mms.pending == 0
    assert [t.delay for t in scheduler.timers] == [5.0]
    assert scheduler.timers[0].cancelled


def test_a_plain_sms_is_not_buffered() -> None:
    scheduler = FakeScheduler()

    message = parse_voicemeup_webhook(
        fixture_json("voicemeup", "inbound_sms.json"), "sms", aggregator=aggregator(scheduler)
    )

    assert message is not None
    assert message.content == TextContent(body="Bonjour, is the shop open today?")
    assert scheduler.timers == []


def test_a_part_without_sibling_is_delivered_when_the_window_closes() -> None:
    scheduler = FakeScheduler()
    orphans: list[InboundMessage] = []
    mms = aggregator(scheduler, orphans)

    assert parse_voicemeup_webhook(MEDIA, "sms", aggregator=mms) is None
    scheduler.fire()

    assert [o.content for o in orphans] == [PHOTO]
    assert orphans[0].metadata["mms_incomplete"] is True
    assert mms.pending == 0


async def test_an_async_timeout_callback_is_awaited_through_drain() -> None:
    scheduler = FakeScheduler()
    received: list[InboundMessage] = []

    async def handle(message: InboundMessage) -> None:
        await asyncio.sleep(0)
        received.append(message)

    mms = MMSAggregator(on_timeout=handle, scheduler=scheduler)
    parse_voicemeup_webhook(TEXT, "sms", aggregator=mms)
    scheduler.fire()
    await mms.drain()

    assert [m.content for m in received] == [TextContent(body="Here is a photo of the damage")]


async def test_failing_callbacks_are_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    scheduler = FakeScheduler()

    def broken(message: InboundMessage) -> None:
        raise RuntimeError("boom")

    async def broken_async(message: InboundMessage) -> None:
        raise RuntimeError("async boom")

    for callback in (broken, broken_async):
        mms = MMSAggregator(on_timeout=callback, scheduler=scheduler)
        parse_voicemeup_webhook(MEDIA, "sms", aggregator=mms)
        scheduler.fire()
        await mms.drain()

    assert caplog.text.count("on_timeout callback failed") == 2


def test_without_callback_an_orphan_is_dropped_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    scheduler = FakeScheduler()
    mms = aggregator(scheduler)

    parse_voicemeup_webhook(MEDIA, "sms", aggregator=mms)
    scheduler.fire()

    assert "dropping an MMS part" in caplog.text


def test_a_second_part_of_the_same_kind_releases_the_first() -> None:
    scheduler = FakeScheduler()
    orphans: list[InboundMessage] = []
    mms = aggregator(scheduler, orphans)
    later_text = {**TEXT, "message_uid": "vmu-later", "message": "second text"}

    parse_voicemeup_webhook(TEXT, "sms", aggregator=mms)
    parse_voicemeup_webhook(later_text, "sms", aggregator=mms)
    merged = parse_voicemeup_webhook(MEDIA, "sms", aggregator=mms)

    assert [o.external_id for o in orphans] == ["vmu-5f1c2a9e-0002"]
    assert merged is not None and merged.external_id == "vmu-later"


def test_parts_from_different_senders_or_channels_do_not_merge() -> None:
    scheduler = FakeScheduler()
    mms = aggregator(scheduler)

    parse_voicemeup_webhook(TEXT, "sms", aggregator=mms)
    assert (
        parse_voicemeup_webhook({**MEDIA, "source_number": "+1999"}, "sms", aggregator=mms) is None
    )
    assert parse_voicemeup_webhook(MEDIA, "other-channel", aggregator=mms) is None

    assert mms.pending == 3


def test_a_timer_firing_after_the_merge_does_nothing() -> None:
    scheduler = FakeScheduler()
    orphans: list[InboundMessage] = []
    mms = aggregator(scheduler, orphans)
    parse_voicemeup_webhook(TEXT, "sms", aggregator=mms)
    parse_voicemeup_webhook(MEDIA, "sms", aggregator=mms)

    scheduler.timers[0].callback()

    assert orphans == []


def test_flush_delivers_and_clear_forgets() -> None:
    scheduler = FakeScheduler()
    orphans: list[InboundMessage] = []
    mms = aggregator(scheduler, orphans)

    parse_voicemeup_webhook(TEXT, "sms", aggregator=mms)
    mms.flush()
    parse_voicemeup_webhook(MEDIA, "sms", aggregator=mms)
    mms.clear()
    scheduler.fire()

    assert [o.external_id for o in orphans] == ["vmu-5f1c2a9e-0002"]
    assert mms.pending == 0
    assert all(t.cancelled for t in scheduler.timers)


def test_a_malformed_mms_marker_is_refused() -> None:
    with pytest.raises(InvalidPayloadError, match="message_type"):
        parse_voicemeup_webhook({**TEXT, "attachment_mime_type": None, "message_type": [1]}, "s")


def test_a_delivery_report_is_refused() -> None:
    with pytest.raises(InvalidPayloadError, match="status report"):
        parse_voicemeup_webhook(fixture_json("voicemeup", "status_delivered.json"), "sms")


@pytest.fixture
def shared() -> Iterator[MMSAggregator]:
    """The module-level aggregator, restored afterwards."""
    mms = voicemeup_mms_aggregator()
    yield mms
    mms.clear()
    configure_voicemeup_mms()


def test_configure_sets_up_the_shared_aggregator(shared: MMSAggregator) -> None:
    scheduler = FakeScheduler()
    orphans: list[InboundMessage] = []

    configured = configure_voicemeup_mms(
        timeout_seconds=2.5, on_timeout=orphans.append, scheduler=scheduler
    )
    parse_voicemeup_webhook(TEXT, "sms")
    scheduler.fire()

    assert configured is shared
    assert [t.delay for t in scheduler.timers] == [2.5]
    assert len(orphans) == 1


async def test_the_default_scheduler_uses_the_running_loop(shared: MMSAggregator) -> None:
    received: list[InboundMessage] = []
    configure_voicemeup_mms(timeout_seconds=0.001, on_timeout=received.append)

    parse_voicemeup_webhook(MEDIA, "sms")
    while not received:
        await asyncio.sleep(0.001)

    assert received[0].content == PHOTO
