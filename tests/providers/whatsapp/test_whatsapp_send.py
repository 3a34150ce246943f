"""WhatsAppCloudProvider: exact Cloud API requests, results and failures."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from roomkit.errors import ProviderError
from roomkit.models import (
    AudioContent,
    ChannelData,
    CompositeContent,
    EventContent,
    LocationContent,
    MediaContent,
    RichContent,
    TemplateContent,
    VideoContent,
)
from roomkit.providers.whatsapp import WhatsAppCloudConfig, WhatsAppCloudProvider
from tests.providers.transport_recorder import Recorder, fixture_json, make_event

TOKEN = "EAAwa-access-token-secret"
CONFIG = WhatsAppCloudConfig(access_token=SecretStr(TOKEN), phone_number_id="106540352242922")
URL = "https://graph.facebook.com/v19.0/106540352242922/messages"
ENVELOPE = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": "15551234567"}


def accepted(wamid: str) -> httpx.Response:
    return httpx.Response(200, json={"messaging_product": "whatsapp", "messages": [{"id": wamid}]})


def provider_for(recorder: Recorder) -> WhatsAppCloudProvider:
    return WhatsAppCloudProvider(CONFIG, http_client=recorder.client())


async def test_text_message_request_is_exact() -> None:
    recorder = Recorder(httpx.Response(200, json=fixture_json("whatsapp", "send_response.json")))

    result = await provider_for(recorder).send(make_event(), "+1 (555) 123-4567")

    request = recorder.last
    assert (request.method, str(request.url)) == ("POST", URL)
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert recorder.body() == {
        **ENVELOPE,
        "type": "text",
        "text": {"body": "hello there", "preview_url": False},
    }
    assert result.success
    assert (
        result.provider_message_id == "wamid.HBgLMTU1NTEyMzQ1NjcVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA"
    )
    assert result.metadata["recipient"] == "15551234567"


async def sent_messages(content: EventContent, **options: Any) -> list[dict[str, Any]]:
    recorder = Recorder(*(accepted(f"wamid.{i}") for i in range(10)))
    result = await provider_for(recorder).send(make_event(content), "+15551234567", **options)
    assert result.success, result.error
    bodies = [recorder.body(i) for i in range(len(recorder.requests))]
    assert all(b.items() >= ENVELOPE.items() for b in bodies)
    return [{k: v for k, v in b.items() if k not in ENVELOPE} for b in bodies]


async def test_media_and_location_messages() -> None:
    content = CompositeContent(
        parts=[
            MediaContent(url="https://x.io/a.jpg", mime_type="image/jpeg", caption="Look"),
            MediaContent(
                url="https://x.io/i.pdf",
                mime_type="application/pdf",
                filename="i.pdf",
                caption="Bill",
            ),
            AudioContent(url="https://x.io/n.ogg", mime_type="audio/ogg"),
            MediaContent(url="https://x.io/s.mp3", mime_type="audio/mpeg", caption="dropped"),
            VideoContent(url="https://x.io/v.mp4"),
            LocationContent(latitude=45.5, longitude=-73.5, label="Store", address="1 Main St"),
        ]
    )

    assert await sent_messages(content) == [
        {"type": "image", "image": {"link": "https://x.io/a.jpg", "caption": "Look"}},
        {
            "type": "document",
            "document": {"link": "https://x.io/i.pdf", "caption": "Bill", "filename": "i.pdf"},
        },
        {"type": "audio", "audio": {"link": "https://x.io/n.ogg"}},
        {"type": "audio", "audio": {"link": "https://x.io/s.mp3"}},
        {"type": "video", "video": {"link": "https://x.io/v.mp4"}},
        {
            "type": "location",
            "location": {
                "latitude": 45.5,
                "longitude": -73.5,
                "name": "Store",
                "address": "1 Main St",
            },
        },
    ]


async def test_template_with_positional_and_named_parameters() -> None:
    content = TemplateContent(
        template_id="order_update",
        language="en_US",
        parameters={"2": "shipped", "1": "#1042", "name": "Jane"},
    )

    assert await sent_messages(content) == [
        {
            "type": "template",
            "template": {
                "name": "order_update",
                "language": {"code": "en_US"},
                "components": [
                    {
                        "type": "body",
                        "parameters": [
                            {"type": "text", "text": "#1042"},
                            {"type": "text", "text": "shipped"},
                            {"type": "text", "parameter_name": "name", "text": "Jane"},
                        ],
                    }
                ],
            },
        }
    ]


async def test_template_without_parameters_has_no_components() -> None:
    (message,) = await sent_messages(TemplateContent(template_id="hello_world"))

    assert message["template"] == {"name": "hello_world", "language": {"code": "en"}}


async def test_up_to_three_choices_are_reply_buttons() -> None:
    content = RichContent(
        body="Color?", buttons=[{"title": "Blue", "payload": "B"}], quick_replies=["Red"]
    )

    assert await sent_messages(content) == [
        {
            "type": "interactive",
            "interactive": {
                "type": "button",
                "body": {"text": "Color?"},
                "action": {
                    "buttons": [
                        {"type": "reply", "reply": {"id": "B", "title": "Blue"}},
                        {"type": "reply", "reply": {"id": "Red", "title": "Red"}},
                    ]
                },
            },
        }
    ]


async def test_more_choices_become_a_list() -> None:
    content = RichContent(body="Size?", quick_replies=["S", "M", "L", "XL"])

    (message,) = await sent_messages(content, list_button="Sizes")

    assert message["interactive"] == {
        "type": "list",
        "body": {"text": "Size?"},
        "action": {
            "button": "Sizes",
            "sections": [
                {"title": "Sizes", "rows": [{"id": s, "title": s} for s in ("S", "M", "L", "XL")]}
            ],
        },
    }


async def test_one_link_button_is_a_cta_url_message() -> None:
    content = RichContent(
        body="<p>Track it</p>", format="html", buttons=[{"text": "Open", "url": "https://t.io"}]
    )

    (message,) = await sent_messages(content)

    assert message["interactive"] == {
        "type": "cta_url",
        "body": {"text": "Track it"},
        "action": {
            "name": "cta_url",
            "parameters": {"display_text": "Open", "url": "https://t.io"},
        },
    }


async def test_cards_become_image_or_text_messages() -> None:
    content = RichContent(
        body="Our picks",
        cards=[
            {"title": "Blue", "subtitle": "$20", "image_url": "https://x.io/b.jpg"},
            {"image_url": "https://x.io/plain.jpg"},
            {"title": "Gift card", "url": "https://x.io/g"},
        ],
    )

    assert await sent_messages(content, preview_url=True) == [
        {"type": "text", "text": {"body": "Our picks", "preview_url": True}},
        {"type": "image", "image": {"link": "https://x.io/b.jpg", "caption": "Blue\n$20"}},
        {"type": "image", "image": {"link": "https://x.io/plain.jpg"}},
        {"type": "text", "text": {"body": "Gift card\nhttps://x.io/g", "preview_url": False}},
    ]


async def test_a_reply_quotes_the_whatsapp_message_it_answers() -> None:
    recorder = Recorder(accepted("wamid.a"))
    event = make_event(channel_data=ChannelData(reply_to_id="wamid.INBOUND1"))

    await provider_for(recorder).send(event, "15551234567")

    assert recorder.body()["context"] == {"message_id": "wamid.INBOUND1"}


async def test_a_non_whatsapp_reply_id_is_not_quoted() -> None:
    recorder = Recorder(accepted("wamid.a"))
    event = make_event(channel_data=ChannelData(reply_to_id="evt-123"))

    await provider_for(recorder).send(event, "15551234567")

    assert "context" not in recorder.body()


@pytest.mark.parametrize(
    ("content", "to", "message"),
    [
        (None, "no digits", "not a phone number"),
        (RichContent(body="x", quick_replies=[str(i) for i in range(11)]), "1", "at most 10"),
        (
            RichContent(body="x", buttons=[{"title": "a", "url": "u"}, {"title": "b"}]),
            "1",
            "alone",
        ),
        (RichContent(body=" ", quick_replies=["a"]), "1", "need a body text"),
        (RichContent(body="x", cards=[{"subtitle": 3}]), "1", "neither text nor image"),
        (RichContent(body=""), "1", "nothing WhatsApp can send"),
    ],
)
async def test_unsendable_content_fails_before_any_request(
    content: RichContent | None, to: str, message: str
) -> None:
    recorder = Recorder()

    result = await provider_for(recorder).send(make_event(content), to)

    assert not result.success
    assert message in (result.error or "")
    assert recorder.requests == []


@pytest.mark.parametrize(
    ("fixture", "code", "retryable"),
    [("error_window.json", "131047", False), ("error_throughput.json", "130429", True)],
)
async def test_graph_errors_carry_meta_codes(fixture: str, code: str, retryable: bool) -> None:
    reply = httpx.Response(400, json=fixture_json("whatsapp", fixture))

    result = await provider_for(Recorder(reply)).send(make_event(), "15551234567")

    assert not result.success
    assert (result.metadata["code"], result.metadata["retryable"]) == (code, retryable)
    assert result.metadata["sent_message_ids"] == []
    assert TOKEN not in (result.error or "")


async def test_an_answer_without_messages_is_a_success_without_id() -> None:
    result = await provider_for(Recorder(httpx.Response(200, json={"messages": "?"}))).send(
        make_event(), "15551234567"
    )

    assert result.success
    assert result.provider_message_id is None


async def test_media_url_resolves_a_media_id() -> None:
    recorder = Recorder(httpx.Response(200, json=fixture_json("whatsapp", "media_info.json")))

    url, mime = await provider_for(recorder).media_url("whatsapp-media:1037543291543636")

    assert str(recorder.last.url) == "https://graph.facebook.com/v19.0/1037543291543636"
    assert recorder.last.method == "GET"
    assert url.startswith("https://lookaside.fbsbx.com/")
    assert mime == "image/jpeg"


@pytest.mark.parametrize(
    "reply", [httpx.Response(200, json={"id": "1"}), httpx.Response(404, json={})]
)
async def test_media_url_failures_raise_provider_errors(reply: httpx.Response) -> None:
    with pytest.raises(ProviderError):
        await provider_for(Recorder(reply)).media_url("1")


def test_repr_and_config_hide_the_token() -> None:
    provider = provider_for(Recorder())

    assert TOKEN not in repr(provider)
    assert TOKEN not in repr(CONFIG)
    assert provider.name == "whatsapp"
