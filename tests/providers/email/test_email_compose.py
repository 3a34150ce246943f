"""Composing email bodies, attachments and the outgoing email from room events."""

from __future__ import annotations

import base64

import pytest

from roomkit.errors import ProviderError
from roomkit.models import (
    AudioContent,
    CompositeContent,
    EventContent,
    LocationContent,
    MediaContent,
    RichContent,
    SystemContent,
    TemplateContent,
    TextContent,
    VideoContent,
)
from roomkit.providers._text import html_to_text
from roomkit.providers.email.compose import compose_body, decode_data_url, prepare_email
from tests.providers.transport_recorder import make_event

PNG = base64.b64encode(b"\x89PNG fake").decode()


def test_text_content_is_plain_text_only() -> None:
    body = compose_body(TextContent(body="Hello\nworld"))

    assert body.text == "Hello\nworld"
    assert body.html is None
    assert body.attachments == ()


def test_html_rich_content_gets_an_html_part_and_a_text_fallback() -> None:
    body = compose_body(RichContent(body="<p>Hi <b>Jane</b></p><p>Bye</p>", format="html"))

    assert body.html == "<p>Hi <b>Jane</b></p><p>Bye</p>"
    assert body.text == "Hi Jane\nBye"


def test_html_rich_content_prefers_its_own_plain_text() -> None:
    body = compose_body(RichContent(body="<p>Hi</p>", format="html", plain_text="Hi there"))

    assert body.text == "Hi there"


def test_markdown_rich_content_is_sent_as_plain_text() -> None:
    body = compose_body(RichContent(body="**Hi**", format="markdown"))

    assert (body.text, body.html) == ("**Hi**", None)


def test_data_url_media_is_attached_and_its_caption_becomes_text() -> None:
    media = MediaContent(
        url=f"data:image/png;base64,{PNG}", mime_type="image/png", caption="A shot"
    )

    body = compose_body(media)

    assert body.text == "A shot"
    (attachment,) = body.attachments
    assert attachment.filename == "attachment-1.png"
    assert attachment.mime_type == "image/png"
    assert attachment.data == b"\x89PNG fake"
    assert attachment.base64() == PNG


def test_remote_media_is_linked_not_attached() -> None:
    body = compose_body(
        CompositeContent(
            parts=[
                RichContent(body="<p>See</p>", format="html"),
                MediaContent(
                    url="https://cdn.example.com/a/report.pdf",
                    mime_type="application/pdf",
                    filename="Q1 report.pdf",
                ),
            ]
        )
    )

    assert body.attachments == ()
    assert body.text == "See\n\nQ1 report.pdf: https://cdn.example.com/a/report.pdf"
    assert body.html == (
        '<p>See</p>\n<ul><li><a href="https://cdn.example.com/a/report.pdf">'
        "Q1 report.pdf</a></li></ul>"
    )


def test_text_parts_are_escaped_into_the_html_part() -> None:
    body = compose_body(
        CompositeContent(
            parts=[TextContent(body="a < b\nc"), RichContent(body="<i>x</i>", format="html")]
        )
    )

    assert body.html == "<p>a &lt; b<br>c</p>\n<i>x</i>"
    assert body.text == "a < b\nc\n\nx"


def test_attachment_only_email_lists_the_files_as_text() -> None:
    media = MediaContent(
        url="data:text/plain,hello%20there", mime_type="text/plain", filename="note.txt"
    )

    body = compose_body(media)

    assert body.text == "Attached: note.txt"
    assert body.attachments[0].data == b"hello there"


@pytest.mark.parametrize(
    ("content", "text"),
    [
        (SystemContent(body="Room closed"), "Room closed"),
        (TemplateContent(template_id="t", body="Your code is 1"), "Your code is 1"),
        (
            AudioContent(url="https://x.example/a.wav", transcript="hi"),
            "hi\n\na.wav: https://x.example/a.wav",
        ),
        (VideoContent(url="https://x.example/v.mp4"), "v.mp4: https://x.example/v.mp4"),
        (
            LocationContent(latitude=1.5, longitude=2.5, label="Shop"),
            "Shop (1.5, 2.5)\n\nShop: https://maps.google.com/?q=1.5,2.5",
        ),
    ],
)
def test_other_content_types_become_text(content: EventContent, text: str) -> None:
    assert compose_body(content).text == text


@pytest.mark.parametrize(
    "url",
    ["data:image/png;base64", "data:image/png;base64,@@@not base64@@@"],
)
def test_malformed_data_urls_are_refused(url: str) -> None:
    with pytest.raises(ProviderError) as caught:
        decode_data_url(url)

    assert caught.value.code == "invalid_request"


def test_html_to_text_drops_scripts_and_styles() -> None:
    markup = "<html><head><style>p{}</style></head><body><script>x()</script><p>Hi</p></body>"

    assert html_to_text(markup) == "Hi"


def test_prepare_email_reads_the_sender_name_from_the_from_address() -> None:
    email = prepare_email(
        make_event(),
        "jane@example.org",
        from_="Support Team <support@example.com>",
        from_name="Ignored",
        subject="Hello",
        options={},
    )

    assert email.from_email == "support@example.com"
    assert email.from_header == "Support Team <support@example.com>"
    assert email.subject == "Hello"
    assert email.thread.message_id.endswith("@example.com>")
    assert not email.thread.is_reply


def test_prepare_email_takes_reply_to_from_the_options() -> None:
    email = prepare_email(
        make_event(),
        "jane@example.org",
        from_="support@example.com",
        from_name=None,
        subject=None,
        options={"reply_to": "desk@example.com"},
        reply_to="config@example.com",
    )

    assert email.reply_to == "desk@example.com"
    assert email.from_header == "support@example.com"


@pytest.mark.parametrize(
    ("from_", "to"), [("not-an-address", "jane@example.org"), ("a@example.com", "nobody")]
)
def test_prepare_email_refuses_addresses_without_at(from_: str, to: str) -> None:
    with pytest.raises(ProviderError):
        prepare_email(make_event(), to, from_=from_, from_name=None, subject=None, options={})
