"""What an SMS/MMS vendor sends for a room event: its text and its media URLs."""

from __future__ import annotations

from roomkit.channels.base import content_text
from roomkit.models.content import (
    AudioContent,
    CompositeContent,
    EventContent,
    MediaContent,
    VideoContent,
)

__all__ = ["media_urls", "sms_parts"]


def media_urls(content: EventContent) -> list[str]:
    """Return the URLs of the media, audio and video parts of ``content``, in order."""
    if isinstance(content, MediaContent | AudioContent | VideoContent):
        return [content.url]
    if isinstance(content, CompositeContent):
        return [url for part in content.parts for url in media_urls(part)]
    return []


def sms_parts(content: EventContent) -> tuple[str, list[str]]:
    """Return the text and the media URLs to send for ``content``."""
    return content_text(content), media_urls(content)
