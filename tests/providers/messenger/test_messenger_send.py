"""FacebookMessengerProvider: exact Send API requests, results and failures."""

from __future__ import annotations

import httpx
import pytest
from pydantic import SecretStr

from roomkit.models import (
    CompositeContent,
    LocationContent,
    MediaContent,
    RichContent,
    TemplateContent,
    VideoContent,
)
from roomkit.providers.messenger import FacebookMessengerProvider, MessengerConfig
from tests.providers.transport_recorder import Recorder, fixture_json, make_event

TOKEN = "EAAG-page-token-secret"
CONFIG = MessengerConfig(page_access_token=SecretStr(TOKEN))
URL = "https://graph.facebook.com/v19.0/me/messages"
PSID = "6854215141321"


def sent(mid: str) -> httpx.Response:
    return httpx.Response(200, json={"recipient_id": PSID, "message_id": mid})


def provider_for(recorder: Recorder) -> FacebookMessengerProvider:
    return FacebookMessengerProvider(CONFIG, http_client=recorder.client())


async def test_text_message_request_is_exact() -> None:
    recorder = Recorder(httpx.Response(200, json=fixture_json("messenger", "send_response.json")))

    result = await provider_for(recorder).send(make_event(), PSID)

    request = recorder.last
    assert request.method == "POST"
    assert str(request.url) == URL
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in str(request.url)
    assert recorder.body() == {
        "recipient": {"id": PSID},
        "messaging_type": "RESPONSE",
        "message": {"text": "hello there"},
    }
    assert result.success
    assert (result.provider_message_id or "").startswith("m_AG5Hz2Uq7tuwNEhXfYYKj8mJEM")
    assert result.metadata["recipient_id"] == PSID


async def test_buttons_cards_and_quick_replies() -> None:
    recorder = Recorder(sent("m_1"), sent("m_2"))
    rich = RichContent(
        body="Pick one",
        buttons=[{"title": "Track", "payload": "TRACK"}, {"title": "Site", "url": "https://x.io"}],
        cards=[
            {
                "title": "Blue shirt",
                "subtitle": "$20",
                "image_url": "https://x.io/b.jpg",
                "url": "https://x.io/b",
                "buttons": [{"title": "Buy", "id": "BUY_B"}],
            }
        ],
        quick_replies=["Yes", "No"],
    )

    result = await provider_for(recorder).send(make_event(rich), PSID)

    button_template = {
        "attachment": {
            "type": "template",
            "payload": {
                "template_type": "button",
                "text": "Pick one",
                "buttons": [
                    {"type": "postback", "title": "Track", "payload": "TRACK"},
                    {"type": "web_url", "url": "https://x.io", "title": "Site"},
                ],
            },
        }
    }
    generic = {
        "attachment": {
            "type": "template",
            "payload": {
                "template_type": "generic",
                "elements": [
                    {
                        "title": "Blue shirt",
                        "subtitle": "$20",
                        "image_url": "https://x.io/b.jpg",
                        "default_action": {"type": "web_url", "url": "https://x.io/b"},
                        "buttons": [{"type": "postback", "title": "Buy", "payload": "BUY_B"}],
                    }
                ],
            },
        },
        "quick_replies": [
            {"content_type": "text", "title": "Yes", "payload": "Yes"},
            {"content_type": "text", "title": "No", "payload": "No"},
        ],
    }
    assert [recorder.body(0)["message"], recorder.body(1)["message"]] == [button_template, generic]
    assert result.provider_message_id == "m_1"
    assert result.metadata["message_ids"] == ["m_1", "m_2"]


async def test_media_location_template_and_html_become_messages() -> None:
    recorder = Recorder(*(sent(f"m_{i}") for i in range(6)))
    content = CompositeContent(
        parts=[
            MediaContent(url="https://x.io/a.png", mime_type="image/png", caption="Look"),
            VideoContent(url="https://x.io/v.mp4"),
            MediaContent(url="https://x.io/doc", mime_type="application/pdf"),
            LocationContent(latitude=45.5, longitude=-73.5, label="Store"),
            TemplateContent(template_id="promo", body="Sale today"),
            RichContent(body="<p>Bold <b>move</b></p>", format="html"),
        ]
    )

    await provider_for(recorder).send(make_event(content), PSID, messaging_type="UPDATE")

    messages = [recorder.body(i)["message"] for i in range(len(recorder.requests))]
    assert messages == [
        {"text": "Look"},
        {
            "attachment": {
                "type": "image",
                "payload": {"url": "https://x.io/a.png", "is_reusable": True},
            }
        },
        {
            "attachment": {
                "type": "video",
                "payload": {"url": "https://x.io/v.mp4", "is_reusable": True},
            }
        },
        {
            "attachment": {
                "type": "file",
                "payload": {"url": "https://x.io/doc", "is_reusable": True},
            }
        },
        {"text": "Store\nhttps://maps.google.com/?q=45.5,-73.5"},
        {"text": "Sale today"},
        {"text": "Bold move"},
    ]
    assert {recorder.body(i)["messaging_type"] for i in range(7)} == {"UPDATE"}


async def test_a_tag_sends_a_message_tag() -> None:
    recorder = Recorder(sent("m_1"))

    await provider_for(recorder).send(make_event(), PSID, tag="POST_PURCHASE_UPDATE")

    body = recorder.body()
    assert (body["messaging_type"], body["tag"]) == ("MESSAGE_TAG", "POST_PURCHASE_UPDATE")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (RichContent(body="x", buttons=[{"title": str(i)} for i in range(4)]), "at most 3"),
        (RichContent(body="x", quick_replies=[str(i) for i in range(14)]), "at most 13"),
        (RichContent(body="x", cards=[{"title": str(i)} for i in range(11)]), "at most 10"),
        (RichContent(body="x", cards=[{"subtitle": "no title"}]), "no title"),
        (
            RichContent(body="x", cards=[{"title": "t", "buttons": [{"title": "b"}] * 4}]),
            "at most 3",
        ),
        (RichContent(body="x", buttons=[{"payload": "P"}]), "no title"),
        (RichContent(body=" ", quick_replies=["a"]), "quick replies need"),
        (TemplateContent(template_id="t"), "no pre-approved templates"),
        (RichContent(body="   "), "nothing Messenger can send"),
    ],
)
async def test_content_messenger_cannot_send_fails_before_any_request(
    content: RichContent | TemplateContent, message: str
) -> None:
    recorder = Recorder()

    result = await provider_for(recorder).send(make_event(content), PSID)

    assert not result.success
    assert message in (result.error or "")
    assert result.metadata["retryable"] is False
    assert recorder.requests == []


@pytest.mark.parametrize(
    ("fixture", "code", "retryable", "subcode"),
    [("error_token.json", "190", False, "460"), ("error_rate_limit.json", "613", True, None)],
)
async def test_graph_errors_carry_meta_codes(
    fixture: str, code: str, retryable: bool, subcode: str | None
) -> None:
    reply = httpx.Response(400, json=fixture_json("messenger", fixture))

    result = await provider_for(Recorder(reply)).send(make_event(), PSID)

    assert not result.success
    assert result.metadata["code"] == code
    assert result.metadata["reason"] == "invalid_request"
    assert result.metadata["retryable"] is retryable
    assert result.metadata.get("subcode") == subcode
    assert TOKEN not in (result.error or "")


async def test_a_failure_midway_reports_what_was_sent() -> None:
    recorder = Recorder(sent("m_1"), httpx.Response(500, text="oops"))
    content = MediaContent(url="https://x.io/a.png", mime_type="image/png", caption="Look")

    result = await provider_for(recorder).send(make_event(content), PSID)

    assert not result.success
    assert result.metadata["retryable"] is True
    assert result.metadata["sent_message_ids"] == ["m_1"]


async def test_an_answer_without_message_id_is_still_a_success() -> None:
    result = await provider_for(Recorder(httpx.Response(200, json={}))).send(make_event(), PSID)

    assert result.success
    assert result.provider_message_id is None


def test_repr_and_config_hide_the_token() -> None:
    provider = provider_for(Recorder())

    assert TOKEN not in repr(provider)
    assert TOKEN not in str(CONFIG)
    assert provider.name == "messenger"
