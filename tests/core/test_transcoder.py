"""Transcoding: DefaultContentTranscoder rules, and what a text-only channel is sent."""

from __future__ import annotations

import pytest
from pipeline_support import FrameworkLog, add_sms, body_of, message

from roomkit import (
    AudioContent,
    ChannelCapabilities,
    ChannelMediaType,
    CompositeContent,
    DefaultContentTranscoder,
    EventContent,
    LocationContent,
    MediaContent,
    MockSMSProvider,
    RichContent,
    RoomKit,
    SystemContent,
    TemplateContent,
    TextContent,
    VideoContent,
    WebSocketChannel,
)
from roomkit.core.transcoder import location_to_text, rich_to_text, truncate_text

TEXT_ONLY = ChannelCapabilities()
EVERYTHING = ChannelCapabilities(media_types=list(ChannelMediaType))
IMAGE = MediaContent(url="https://x.test/cat.png", mime_type="image/png", caption="A cat")


def fit(content: EventContent, caps: ChannelCapabilities = TEXT_ONLY) -> EventContent | None:
    """Transcode with the default transcoder."""
    return DefaultContentTranscoder().transcode(content, caps)


def text(content: EventContent, caps: ChannelCapabilities = TEXT_ONLY) -> str | None:
    """Transcode and return the resulting plain text (None if not plain text)."""
    result = fit(content, caps)
    return result.body if isinstance(result, TextContent) else None


# --- unit rules ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        TextContent(body="hi"),
        SystemContent(body="joined", code="join"),
        RichContent(body="**b**"),
        IMAGE,
        LocationContent(latitude=1, longitude=2),
        AudioContent(url="https://x.test/a.wav"),
        VideoContent(url="https://x.test/v.mp4"),
        TemplateContent(template_id="t1"),
        CompositeContent(parts=[TextContent(body="a"), IMAGE]),
    ],
)
def test_supported_content_is_passed_through_unchanged(content: EventContent) -> None:
    assert fit(content, EVERYTHING) is content


def test_html_rich_text_becomes_plain_text() -> None:
    rich = RichContent(
        body="<p>Hello <b>world</b></p><p>Bye &amp; thanks<br/>!</p>", format="html"
    )

    assert text(rich) == "Hello world\nBye & thanks\n!"


def test_markdown_rich_text_loses_its_markup() -> None:
    assert text(RichContent(body="**Bold** and _italic_ and `code`")) == "Bold and italic and code"


def test_rich_text_prefers_its_plain_text_version() -> None:
    rich = RichContent(body="<b>x</b>", format="html", plain_text="the plain one")

    assert text(rich) == "the plain one"
    assert rich_to_text(rich) == "the plain one"


def test_media_becomes_caption_and_url() -> None:
    assert text(IMAGE) == "A cat\nhttps://x.test/cat.png"
    assert text(MediaContent(url="https://x.test/f.pdf", mime_type="application/pdf")) == (
        "https://x.test/f.pdf"
    )


def test_location_becomes_a_readable_line() -> None:
    office = LocationContent(latitude=45.5, longitude=-73.6, label="Office")

    assert text(office) == "[Location: Office (45.5, -73.6)]"
    assert text(LocationContent(latitude=1, longitude=2)) == "[Location: (1.0, 2.0)]"
    assert location_to_text(office) == "[Location: Office (45.5, -73.6)]"


def test_audio_becomes_its_transcript_or_a_placeholder() -> None:
    assert text(AudioContent(url="https://x.test/a.wav", transcript="call me")) == "call me"
    assert text(AudioContent(url="https://x.test/a.wav")) == "[Voice message]"


def test_video_becomes_a_link() -> None:
    assert text(VideoContent(url="https://x.test/v.mp4")) == "[Video: https://x.test/v.mp4]"


def test_template_becomes_its_body_or_nothing() -> None:
    assert text(TemplateContent(template_id="t1", body="Your code is 1234")) == (
        "Your code is 1234"
    )
    assert fit(TemplateContent(template_id="t1")) is None


def test_composite_is_flattened_to_text_when_a_part_does_not_fit() -> None:
    nested = CompositeContent(parts=[TextContent(body="a"), TextContent(body="b")])
    mixed = CompositeContent(
        parts=[nested, IMAGE, RichContent(body="**c**"), TemplateContent(template_id="t")]
    )

    assert text(mixed) == "a\nb\nA cat\nhttps://x.test/cat.png\nc"


def test_composite_keeps_the_text_of_parts_the_target_carries() -> None:
    caps = ChannelCapabilities(
        media_types=[
            ChannelMediaType.TEXT,
            ChannelMediaType.MEDIA,
            ChannelMediaType.LOCATION,
            ChannelMediaType.AUDIO,
            ChannelMediaType.TEMPLATE,
        ]
    )
    mixed = CompositeContent(
        parts=[
            IMAGE,
            LocationContent(latitude=1, longitude=2, label="Here"),
            AudioContent(url="https://x.test/a.wav", transcript="listen"),
            TemplateContent(template_id="t", body="Template text"),
            VideoContent(url="https://x.test/v.mp4"),
        ]
    )

    assert text(mixed, caps) == (
        "A cat\nhttps://x.test/cat.png\n[Location: Here (1.0, 2.0)]\nlisten\n"
        "Template text\n[Video: https://x.test/v.mp4]"
    )


def test_composite_flattening_renders_kept_rich_text_as_plain_text() -> None:
    caps = ChannelCapabilities(media_types=[ChannelMediaType.TEXT, ChannelMediaType.RICH])
    mixed = CompositeContent(parts=[RichContent(body="**Sale**"), IMAGE])

    assert text(mixed, caps) == "Sale\nA cat\nhttps://x.test/cat.png"


def test_composite_flattening_keeps_a_video_the_target_could_carry() -> None:
    caps = ChannelCapabilities(media_types=[ChannelMediaType.TEXT, ChannelMediaType.VIDEO])
    mixed = CompositeContent(
        parts=[VideoContent(url="https://x.test/v.mp4"), RichContent(body="_watch_")]
    )

    assert text(mixed, caps) == "[Video: https://x.test/v.mp4]\nwatch"


def test_composite_of_nothing_readable_cannot_be_transcoded() -> None:
    empty = CompositeContent(parts=[TemplateContent(template_id="t")])

    assert fit(empty) is None


def test_all_text_composite_fits_a_text_channel_unchanged() -> None:
    both = CompositeContent(parts=[TextContent(body="a"), SystemContent(body="b")])

    assert fit(both) is both


def test_max_length_truncates_text_with_an_ellipsis() -> None:
    caps = ChannelCapabilities(max_length=10)

    assert text(TextContent(body="Hello wonderful world"), caps) == "Hello won…"
    assert text(TextContent(body="short"), caps) == "short"
    assert text(RichContent(body="**Bold** move, very long"), caps) == "Bold move…"


def test_max_length_applies_to_rich_text_kept_as_rich() -> None:
    caps = ChannelCapabilities(media_types=[ChannelMediaType.RICH], max_length=5)

    result = fit(RichContent(body="abcdefgh"), caps)

    assert isinstance(result, RichContent) and result.body == "abcd…"
    assert fit(RichContent(body="abc"), caps) == RichContent(body="abc")


def test_max_length_leaves_non_text_content_alone() -> None:
    caps = ChannelCapabilities(media_types=[ChannelMediaType.MEDIA], max_length=3)

    assert fit(IMAGE, caps) is IMAGE


@pytest.mark.parametrize(
    ("value", "limit", "expected"),
    [("abcdef", None, "abcdef"), ("abcdef", 6, "abcdef"), ("abcdef", 4, "abc…"), ("ab", 1, "a")],
)
def test_truncate_text(value: str, limit: int | None, expected: str) -> None:
    assert truncate_text(value, limit) == expected


# --- through the pipeline --------------------------------------------------------------


async def _text_only_room(kit: RoomKit, max_length: int | None = None) -> MockSMSProvider:
    kit.register_channel(WebSocketChannel("ws-user"))
    await kit.create_room(room_id="room-t")
    await kit.attach_channel("room-t", "ws-user")
    return await add_sms(kit, "room-t", capabilities=ChannelCapabilities(max_length=max_length))


async def _sent_for(kit: RoomKit, provider: MockSMSProvider, content: EventContent) -> str | None:
    await kit.process_inbound(message("ws-user", content=content))
    return body_of(provider.calls[-1].event)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (RichContent(body="<p>Hi <i>there</i></p>", format="html"), "Hi there"),
        (IMAGE, "A cat\nhttps://x.test/cat.png"),
        (LocationContent(latitude=3, longitude=4, label="Dock"), "[Location: Dock (3.0, 4.0)]"),
        (AudioContent(url="https://x.test/a.wav", transcript="voice note"), "voice note"),
        (VideoContent(url="https://x.test/v.mp4"), "[Video: https://x.test/v.mp4]"),
        (TemplateContent(template_id="otp", body="Code 42"), "Code 42"),
        (
            CompositeContent(parts=[TextContent(body="See:"), IMAGE]),
            "See:\nA cat\nhttps://x.test/cat.png",
        ),
    ],
)
async def test_text_only_channel_is_sent_plain_text(
    kit: RoomKit, content: EventContent, expected: str
) -> None:
    provider = await _text_only_room(kit)

    assert await _sent_for(kit, provider, content) == expected


async def test_stored_event_keeps_the_original_content(kit: RoomKit) -> None:
    provider = await _text_only_room(kit)
    rich = RichContent(body="<b>bold</b>", format="html")

    result = await kit.process_inbound(message("ws-user", content=rich))

    assert result.event is not None and result.event.content == rich
    assert body_of(provider.calls[0].event) == "bold"
    assert provider.calls[0].event.id == result.event.id


async def test_long_text_is_truncated_for_the_channel(kit: RoomKit) -> None:
    provider = await _text_only_room(kit, max_length=10)

    assert await _sent_for(kit, provider, TextContent(body="Hello wonderful world")) == (
        "Hello won…"
    )


async def test_untranscodable_content_fails_delivery_without_calling_the_provider(
    kit: RoomKit, framework_log: FrameworkLog
) -> None:
    provider = await _text_only_room(kit)

    result = await kit.process_inbound(
        message("ws-user", content=TemplateContent(template_id="promo"))
    )

    assert result.event is not None
    stored = await kit.store.get_event(result.event.id)
    assert stored is not None
    delivery = stored.delivery_results["sms-1"]
    assert (delivery["status"], delivery["error"], delivery["attempts"]) == (
        "failed",
        "transcoding_failed",
        0,
    )
    assert provider.calls == []
    [report] = framework_log.of("transcoding_failed")
    assert report.channel_id == "sms-1" and report.event_id == stored.id


async def test_sms_channel_keeps_media_it_can_carry(kit: RoomKit) -> None:
    kit.register_channel(WebSocketChannel("ws-user"))
    await kit.create_room(room_id="room-t")
    await kit.attach_channel("room-t", "ws-user")
    provider = await add_sms(kit, "room-t")

    await kit.process_inbound(message("ws-user", content=IMAGE))
    await kit.process_inbound(message("ws-user", content=RichContent(body="**hey**")))

    assert provider.calls[0].event.content == IMAGE
    assert provider.calls[1].event.content == TextContent(body="hey")
