"""TelnyxRCSProvider: capability check, agent messages, rich cards and SMS fallback."""

from __future__ import annotations

import httpx
import pytest

from roomkit.errors import ErrorCode, ProviderError
from roomkit.models import (
    AudioContent,
    LocationContent,
    MediaContent,
    RichContent,
    TextContent,
)
from roomkit.providers.sms import MockSMSProvider
from roomkit.providers.telnyx import TelnyxRCSConfig, TelnyxRCSProvider, telnyx_content_message
from tests.providers.sms_vendor_support import FakeVendor, fixture_json, json_body, make_event

API_KEY = "KEYRCS0123456789SECRET"
AGENT = "acme_support_agent"
CAPABILITY_URL = f"https://api.telnyx.com/v2/messaging/rcs/capabilities/{AGENT}/+13125550001"


def provider(
    fake: FakeVendor, fallback: MockSMSProvider | None = None, **config: object
) -> TelnyxRCSProvider:
    settings: dict[str, object] = {"api_key": API_KEY, "agent_id": AGENT}
    return TelnyxRCSProvider(
        TelnyxRCSConfig(**{**settings, **config}),
        fallback_provider=fallback,
        http_client=fake.client,
    )


def capable_then_sent(fake: FakeVendor) -> None:
    fake.answer(
        httpx.Response(200, json=fixture_json("telnyx", "capability_response.json")),
        httpx.Response(200, json=fixture_json("telnyx", "rcs_send_response.json")),
    )


async def test_capability_is_asked_then_the_agent_message_is_posted(
    fake_vendor: FakeVendor,
) -> None:
    capable_then_sent(fake_vendor)
    telnyx = provider(fake_vendor, messaging_profile_id="prof-1", webhook_url="https://e/s")

    result = await telnyx.send(make_event(), to="+13125550001")

    check, send = fake_vendor.requests
    assert (check.method, str(check.url)) == ("GET", CAPABILITY_URL)
    assert check.headers["authorization"] == f"Bearer {API_KEY}"
    assert (send.method, str(send.url)) == ("POST", "https://api.telnyx.com/v2/messages/rcs")
    assert send.headers["authorization"] == f"Bearer {API_KEY}"
    assert json_body(send) == {
        "agent_id": AGENT,
        "to": "+13125550001",
        "agent_message": {"content_message": {"text": "hello there"}},
        "messaging_profile_id": "prof-1",
        "webhook_url": "https://e/s",
    }
    assert result.success
    assert result.provider_message_id == "rcs-out-0001"
    assert result.metadata == {"status": "queued", "fallback": False}


@pytest.mark.parametrize(
    ("answer", "capable"),
    [
        (httpx.Response(200, json={"data": {"features": ["RICHCARD_STANDALONE"]}}), True),
        (httpx.Response(200, json={"data": {"features": []}}), False),
        (httpx.Response(200, json={"data": {"phone_number": "+1"}}), True),
        (httpx.Response(404, json={"errors": [{"code": "10005"}]}), False),
    ],
)
async def test_capability_answers(
    fake_vendor: FakeVendor, answer: httpx.Response, capable: bool
) -> None:
    fake_vendor.answer(answer)

    assert await provider(fake_vendor).check_capability("+13125550001") is capable


async def test_a_capability_server_error_is_raised(fake_vendor: FakeVendor) -> None:
    fake_vendor.answer_json(500, {})

    with pytest.raises(ProviderError) as caught:
        await provider(fake_vendor).check_capability("+13125550001")
    assert caught.value.retryable


async def test_a_failed_capability_check_fails_the_send_retryably(
    fake_vendor: FakeVendor,
) -> None:
    fake_vendor.answer_json(503, {})

    result = await provider(fake_vendor).send(make_event(), to="+13125550001")

    assert not result.success
    assert result.metadata["retryable"] is True
    assert len(fake_vendor.requests) == 1


async def test_no_rcs_falls_back_to_the_sms_provider(fake_vendor: FakeVendor) -> None:
    fake_vendor.answer_json(404, {"errors": [{"code": "10005"}]})
    sms = MockSMSProvider()

    result = await provider(fake_vendor, fallback=sms).send(make_event(), to="+13125550001")

    assert len(fake_vendor.requests) == 1
    assert [(c.to, c.event.content) for c in sms.calls] == [
        ("+13125550001", TextContent(body="hello there"))
    ]
    assert result.success
    assert result.provider_message_id == "mock-sms-1"
    assert result.metadata["fallback"] is True


@pytest.mark.parametrize(("fallback", "with_sms"), [(False, True), (True, False)])
async def test_no_rcs_without_fallback_fails(
    fake_vendor: FakeVendor, fallback: bool, with_sms: bool
) -> None:
    fake_vendor.answer_json(404, {})
    sms = MockSMSProvider()
    telnyx = provider(fake_vendor, fallback=sms if with_sms else None)

    result = await telnyx.send(make_event(), to="+13125550001", fallback=fallback)

    assert not result.success
    assert result.metadata["code"] == ErrorCode.RCS_UNAVAILABLE
    assert result.metadata["fallback"] is False
    assert sms.calls == []


async def test_a_refused_rcs_send_keeps_the_vendor_code(fake_vendor: FakeVendor) -> None:
    fake_vendor.answer(
        httpx.Response(200, json=fixture_json("telnyx", "capability_response.json")),
        httpx.Response(422, json=fixture_json("telnyx", "error_response.json")),
    )

    result = await provider(fake_vendor).send(make_event(), to="+13125550001")

    assert not result.success
    assert result.metadata["code"] == "40310"
    assert result.metadata["retryable"] is False


async def test_an_empty_event_is_refused_after_the_check(fake_vendor: FakeVendor) -> None:
    capable_then_sent(fake_vendor)

    result = await provider(fake_vendor).send(make_event(TextContent(body="")), to="+1")

    assert result.metadata["reason"] == ErrorCode.INVALID_REQUEST
    assert len(fake_vendor.requests) == 1


def test_one_card_is_a_standalone_card_with_suggestions() -> None:
    content = RichContent(
        body="ignored beside cards",
        cards=[
            {
                "title": "Order #1042",
                "description": "Shipped today",
                "image_url": "https://cdn.example.com/box.jpg",
                "buttons": [{"title": "Track", "url": "https://t.example/1042"}, "skipped"],
            }
        ],
        quick_replies=["Thanks"],
    )

    assert telnyx_content_message(content) == {
        "rich_card": {
            "standalone_card": {
                "card_orientation": "VERTICAL",
                "card_content": {
                    "title": "Order #1042",
                    "description": "Shipped today",
                    "media": {
                        "height": "MEDIUM",
                        "content_info": {"file_url": "https://cdn.example.com/box.jpg"},
                    },
                    "suggestions": [
                        {
                            "action": {
                                "text": "Track",
                                "postback_data": "Track",
                                "open_url_action": {"url": "https://t.example/1042"},
                            }
                        }
                    ],
                },
            }
        },
        "suggestions": [{"reply": {"text": "Thanks", "postback_data": "Thanks"}}],
    }


def test_several_cards_are_a_carousel() -> None:
    content = RichContent(body="Plans", cards=[{"title": "Basic"}, {"title": "Pro", "text": "$"}])

    assert telnyx_content_message(content) == {
        "rich_card": {
            "carousel_card": {
                "card_width": "MEDIUM",
                "card_contents": [{"title": "Basic"}, {"title": "Pro", "description": "$"}],
            }
        }
    }


def test_buttons_without_cards_are_suggestions_under_the_text() -> None:
    content = RichContent(
        body="**Help**",
        plain_text="Help",
        buttons=[{"label": "Call", "phone": "+18005550100", "payload": "call"}],
    )

    assert telnyx_content_message(content) == {
        "text": "Help",
        "suggestions": [
            {
                "action": {
                    "text": "Call",
                    "postback_data": "call",
                    "dial_action": {"phone_number": "+18005550100"},
                }
            }
        ],
    }


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            MediaContent(url="https://x/a.png", mime_type="image/png", caption="dropped"),
            {"content_info": {"file_url": "https://x/a.png"}},
        ),
        (AudioContent(url="https://x/a.wav"), {"content_info": {"file_url": "https://x/a.wav"}}),
        (RichContent(body="plain"), {"text": "plain"}),
    ],
)
def test_media_and_plain_content(content: object, expected: dict[str, object]) -> None:
    assert telnyx_content_message(content) == expected  # type: ignore[arg-type]


def test_a_location_is_its_label_with_a_view_location_action() -> None:
    content = LocationContent(latitude=45.5, longitude=-73.6, label="Our shop")

    assert telnyx_content_message(content) == {
        "text": "Our shop",
        "suggestions": [
            {
                "action": {
                    "text": "View location",
                    "postback_data": "view_location",
                    "view_location_action": {
                        "lat_long": {"latitude": 45.5, "longitude": -73.6},
                        "label": "Our shop",
                    },
                }
            }
        ],
    }


async def test_secrets_stay_out_and_injected_client_stays_open(fake_vendor: FakeVendor) -> None:
    telnyx = provider(fake_vendor)

    assert API_KEY not in repr(telnyx)
    assert API_KEY not in str(TelnyxRCSConfig(api_key=API_KEY, agent_id=AGENT))
    assert telnyx.parse_webhook(fixture_json("telnyx", "rcs_inbound_text.json")).is_inbound
    await telnyx.close()
    assert not fake_vendor.client.is_closed
