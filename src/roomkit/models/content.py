"""Normalised event content: the nine members of the ``EventContent`` union."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, model_validator

__all__ = [
    "MAX_COMPOSITE_DEPTH",
    "AudioContent",
    "CompositeContent",
    "EventContent",
    "LocationContent",
    "MediaContent",
    "RichContent",
    "SystemContent",
    "TemplateContent",
    "TextContent",
    "VideoContent",
]

MAX_COMPOSITE_DEPTH = 5
"""How deeply ``CompositeContent`` may nest (a composite at the top is depth 1)."""


class TextContent(BaseModel):
    """Plain text, optionally tagged with a language code."""

    type: Literal["text"] = "text"
    body: str
    language: str | None = None


class RichContent(BaseModel):
    """Formatted text (HTML or Markdown) with optional buttons, cards and quick replies."""

    type: Literal["rich"] = "rich"
    body: str
    format: Literal["html", "markdown"] = "markdown"
    plain_text: str | None = None
    buttons: list[dict[str, Any]] = Field(default_factory=list)
    cards: list[dict[str, Any]] = Field(default_factory=list)
    quick_replies: list[str] = Field(default_factory=list)


class MediaContent(BaseModel):
    """A file attachment referenced by URL."""

    type: Literal["media"] = "media"
    url: str
    mime_type: str
    filename: str | None = None
    caption: str | None = None
    size_bytes: int | None = None


class LocationContent(BaseModel):
    """A geographic point with an optional label and address."""

    type: Literal["location"] = "location"
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    label: str | None = None
    address: str | None = None


class AudioContent(BaseModel):
    """An audio clip, optionally with its transcript."""

    type: Literal["audio"] = "audio"
    url: str
    mime_type: str = "audio/wav"
    duration_seconds: float | None = None
    transcript: str | None = None


class VideoContent(BaseModel):
    """A video clip, optionally with a thumbnail."""

    type: Literal["video"] = "video"
    url: str
    mime_type: str = "video/mp4"
    duration_seconds: float | None = None
    thumbnail_url: str | None = None


class SystemContent(BaseModel):
    """A message produced by the framework or the host application."""

    type: Literal["system"] = "system"
    body: str
    code: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)


class TemplateContent(BaseModel):
    """A pre-approved template (e.g. a WhatsApp Business template) and its parameters."""

    type: Literal["template"] = "template"
    template_id: str
    language: str = "en"
    parameters: dict[str, str] = Field(default_factory=dict)
    body: str | None = None


class CompositeContent(BaseModel):
    """Several content parts sent together; nesting is limited to five levels."""

    type: Literal["composite"] = "composite"
    parts: list[EventContent] = Field(min_length=1)

    @model_validator(mode="after")
    def _check_depth(self) -> CompositeContent:
        if composite_depth(self) > MAX_COMPOSITE_DEPTH:
            raise ValueError(f"CompositeContent nests deeper than {MAX_COMPOSITE_DEPTH} levels")
        return self


def composite_depth(content: CompositeContent) -> int:
    """Return how many composite levels ``content`` spans (itself included)."""
    deepest = 0
    for part in content.parts:
        if isinstance(part, CompositeContent):
            deepest = max(deepest, composite_depth(part))
    return deepest + 1


EventContent = Annotated[
    TextContent
    | RichContent
    | MediaContent
    | LocationContent
    | AudioContent
    | VideoContent
    | CompositeContent
    | SystemContent
    | TemplateContent,
    Field(discriminator="type"),
]
"""Any event content, discriminated by its ``type`` field."""

CompositeContent.model_rebuild()
