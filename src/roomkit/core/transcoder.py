"""Fitting event content to what a target channel can carry."""

from __future__ import annotations

import html
import re
from abc import ABC, abstractmethod

from roomkit.models.channel import ChannelCapabilities
from roomkit.models.content import (
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
from roomkit.models.enums import ChannelMediaType

__all__ = ["ContentTranscoder", "DefaultContentTranscoder", "truncate_text"]

_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"<\s*(br|/p|/div|/li|/h[1-6])\s*/?>", re.IGNORECASE)
_MARKDOWN = re.compile(r"(\*\*|__|\*|_|`|~~)")
_ELLIPSIS = "…"


def truncate_text(text: str, max_length: int | None) -> str:
    """Cut ``text`` to ``max_length`` characters, marking the cut with an ellipsis."""
    if max_length is None or len(text) <= max_length:
        return text
    if max_length <= 1:
        return text[:max_length]
    return text[: max_length - 1] + _ELLIPSIS


class ContentTranscoder(ABC):
    """Converts content so a channel with given capabilities can carry it."""

    @abstractmethod
    def transcode(
        self, content: EventContent, capabilities: ChannelCapabilities
    ) -> EventContent | None:
        """Return content the target can carry, or ``None`` when nothing sensible fits."""


class DefaultContentTranscoder(ContentTranscoder):
    """Keeps what the target supports and degrades the rest to readable text."""

    def transcode(
        self, content: EventContent, capabilities: ChannelCapabilities
    ) -> EventContent | None:
        """Fit ``content`` to ``capabilities``, then enforce ``max_length`` on text."""
        fitted = self._fit(content, set(capabilities.media_types))
        if fitted is None:
            return None
        return self._limit(fitted, capabilities.max_length)

    def _fit(self, content: EventContent, supported: set[ChannelMediaType]) -> EventContent | None:
        match content:
            case TextContent() | SystemContent():
                return content
            case RichContent():
                if ChannelMediaType.RICH in supported:
                    return content
                return TextContent(body=rich_to_text(content))
            case MediaContent():
                if ChannelMediaType.MEDIA in supported:
                    return content
                return TextContent(body=_join(content.caption, content.url))
            case LocationContent():
                if ChannelMediaType.LOCATION in supported:
                    return content
                return TextContent(body=location_to_text(content))
            case AudioContent():
                if ChannelMediaType.AUDIO in supported:
                    return content
                return TextContent(body=content.transcript or "[Voice message]")
            case VideoContent():
                if ChannelMediaType.VIDEO in supported:
                    return content
                return TextContent(body=f"[Video: {content.url}]")
            case TemplateContent():
                if ChannelMediaType.TEMPLATE in supported:
                    return content
                return TextContent(body=content.body) if content.body else None
            case CompositeContent():
                return self._fit_composite(content, supported)
        return None  # pragma: no cover - the union is exhaustive

    def _fit_composite(
        self, content: CompositeContent, supported: set[ChannelMediaType]
    ) -> EventContent | None:
        parts = [self._fit(part, supported) for part in content.parts]
        if all(new is old for new, old in zip(parts, content.parts, strict=True)):
            return content
        texts = [_text_of(p) for p in parts if p is not None]
        body = "\n".join(t for t in texts if t)
        return TextContent(body=body) if body else None

    @staticmethod
    def _limit(content: EventContent, max_length: int | None) -> EventContent:
        if max_length is None:
            return content
        if isinstance(content, TextContent) and len(content.body) > max_length:
            return content.model_copy(update={"body": truncate_text(content.body, max_length)})
        if isinstance(content, RichContent) and len(content.body) > max_length:
            return content.model_copy(update={"body": truncate_text(content.body, max_length)})
        return content


def rich_to_text(content: RichContent) -> str:
    """Return a plain-text rendering of rich content."""
    if content.plain_text is not None:
        return content.plain_text
    if content.format == "html":
        text = _TAG.sub("", _BREAK.sub("\n", content.body))
        return html.unescape(text).strip()
    return _MARKDOWN.sub("", content.body).strip()


def location_to_text(content: LocationContent) -> str:
    """Return ``[Location: label (lat, lon)]``."""
    label = f"{content.label} " if content.label else ""
    return f"[Location: {label}({content.latitude}, {content.longitude})]"


def _join(*values: str | None) -> str:
    return "\n".join(v for v in values if v)


def _text_of(content: EventContent) -> str:
    if isinstance(content, TextContent | SystemContent):
        return content.body
    if isinstance(content, RichContent):
        return rich_to_text(content)
    if isinstance(content, CompositeContent):
        return "\n".join(_text_of(p) for p in content.parts)
    if isinstance(content, MediaContent):
        return _join(content.caption, content.url)
    # Parts the target could carry on their own still need their text once flattened.
    if isinstance(content, LocationContent):
        return location_to_text(content)
    if isinstance(content, AudioContent):
        return content.transcript or "[Voice message]"
    if isinstance(content, VideoContent):
        return f"[Video: {content.url}]"
    if isinstance(content, TemplateContent):
        return content.body or ""
    return ""  # pragma: no cover - the union is exhaustive
