"""AIChannel with providers that understand images."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from roomkit.channels import AIChannel
from roomkit.models import (
    AIImagePart,
    AITextPart,
    ChannelBinding,
    ChannelMediaType,
    CompositeContent,
    MediaContent,
    RoomContext,
    TextContent,
)
from roomkit.providers.ai import MockAIProvider

Build = Callable[..., Any]

AI_ID = "ai-1"
PHOTO = MediaContent(url="https://example.com/cat.png", mime_type="image/png")


@pytest.mark.parametrize(
    ("vision", "media_types"),
    [
        (False, [ChannelMediaType.TEXT]),
        (True, [ChannelMediaType.TEXT, ChannelMediaType.MEDIA]),
    ],
)
def test_capabilities_follow_provider_vision(
    vision: bool, media_types: list[ChannelMediaType]
) -> None:
    channel = AIChannel(AI_ID, provider=MockAIProvider(supports_vision=vision))

    assert channel.capabilities().media_types == media_types
    assert channel.capabilities().supports_media is vision


async def test_vision_provider_receives_images_as_parts(
    make_event: Build, make_context: Build, ai_binding: ChannelBinding
) -> None:
    provider = MockAIProvider(supports_vision=True)
    channel = AIChannel(AI_ID, provider=provider)
    captioned = PHOTO.model_copy(update={"caption": "my cat"})
    history = [make_event(content=PHOTO)]
    trigger = make_event(content=CompositeContent(parts=[TextContent(body="and"), captioned]))

    await channel.on_event(trigger, ai_binding, make_context([*history, trigger]))

    first, second = provider.calls[0].messages
    assert first.content == [AIImagePart(url=PHOTO.url, mime_type="image/png")]
    assert second.content == [
        AITextPart(text="and\nmy cat"),
        AIImagePart(url=PHOTO.url, mime_type="image/png"),
    ]


async def test_non_image_media_stays_text_for_vision_providers(
    make_event: Build, context: RoomContext, ai_binding: ChannelBinding
) -> None:
    provider = MockAIProvider(supports_vision=True)
    pdf = MediaContent(url="https://example.com/a.pdf", mime_type="application/pdf", caption="doc")

    await AIChannel(AI_ID, provider=provider).on_event(
        make_event(content=pdf), ai_binding, context
    )

    assert provider.calls[0].messages[0].content == "doc"
