"""Mapping RichContent onto Twilio Content API types (cards, carousels, actions)."""

from __future__ import annotations

import httpx

from roomkit.models import RichContent
from roomkit.providers._http import VendorHTTP
from roomkit.providers.twilio import TwilioContentBuilder, twilio_content_types
from roomkit.providers.twilio.content import wants_twilio_content
from tests.providers.sms_vendor_support import FakeVendor


def test_several_cards_make_a_carousel() -> None:
    content = RichContent(
        body="Our plans",
        cards=[
            {
                "title": "Basic",
                "description": "$5",
                "image_url": "https://cdn.example.com/basic.png",
                "buttons": [{"title": "Choose", "payload": "plan_basic"}],
            },
            {
                "title": "Pro",
                "subtitle": "$15",
                "actions": [{"title": "Site", "url": "https://x"}],
            },
        ],
    )

    types = twilio_content_types(content)

    assert types["twilio/carousel"] == {
        "body": "Our plans",
        "cards": [
            {
                "title": "Basic",
                "body": "$5",
                "media": "https://cdn.example.com/basic.png",
                "actions": [{"type": "QUICK_REPLY", "title": "Choose", "id": "plan_basic"}],
            },
            {
                "title": "Pro",
                "body": "$15",
                "actions": [{"type": "URL", "title": "Site", "url": "https://x"}],
            },
        ],
    }
    assert types["twilio/text"] == {"body": "Our plans"}


def test_one_card_with_message_buttons_makes_a_card() -> None:
    content = RichContent(
        body="**Order shipped**",
        plain_text="Order shipped",
        cards=[{"title": "Order #1042", "body": "On its way", "media_url": "https://x/box.jpg"}],
        buttons=[{"text": "Call us", "phone_number": "+18005550100"}],
        quick_replies=["Thanks"],
    )

    types = twilio_content_types(content)

    assert types["twilio/card"] == {
        "title": "Order #1042",
        "subtitle": "On its way",
        "media": ["https://x/box.jpg"],
        "actions": [
            {"type": "PHONE_NUMBER", "title": "Call us", "phone": "+18005550100"},
            {"type": "QUICK_REPLY", "title": "Thanks", "id": "Thanks"},
        ],
    }
    assert types["twilio/text"] == {"body": "Order shipped"}


def test_link_buttons_without_cards_make_a_card_titled_with_the_text() -> None:
    content = RichContent(body="Track it", buttons=[{"label": "Open", "url": "https://t"}])

    types = twilio_content_types(content)

    assert types["twilio/card"] == {
        "title": "Track it",
        "actions": [{"type": "URL", "title": "Open", "url": "https://t"}],
    }


def test_reply_buttons_only_make_quick_replies() -> None:
    content = RichContent(body="Rate us", buttons=[{"title": "Good", "id": "r5"}])

    types = twilio_content_types(content)

    assert types["twilio/quick-reply"] == {
        "body": "Rate us",
        "actions": [{"type": "QUICK_REPLY", "title": "Good", "id": "r5"}],
    }


def test_only_content_with_suggestions_or_cards_needs_the_content_api() -> None:
    assert not wants_twilio_content(RichContent(body="plain"))
    assert wants_twilio_content(RichContent(body="x", quick_replies=["a"]))


async def test_the_sid_cache_forgets_the_oldest_content(fake_vendor: FakeVendor) -> None:
    fake_vendor.answer(*(httpx.Response(201, json={"sid": f"HX{i}"}) for i in range(3)))
    http = VendorHTTP("twilio", "https://content.twilio.com", http_client=fake_vendor.client)
    builder = TwilioContentBuilder(http, cache_size=1)
    first, second = (RichContent(body=b, quick_replies=["ok"]) for b in ("one", "two"))

    sids = [await builder.sid_for(c) for c in (first, second, second, first)]

    assert sids == ["HX0", "HX1", "HX1", "HX2"]
    assert len(fake_vendor.requests) == 3
