"""The ``EventContent`` discriminated union and the CompositeContent depth limit."""

from __future__ import annotations

from typing import Any, get_args

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from roomkit.models.content import (
    MAX_COMPOSITE_DEPTH,
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
from roomkit.models.enums import ChannelType
from roomkit.models.event import EventSource, RoomEvent

CONTENT: TypeAdapter[Any] = TypeAdapter(EventContent)

# One payload per member of the union, keyed by the ``type`` tag, with a field to check.
PAYLOADS: list[tuple[dict[str, Any], type[BaseModel], str, Any]] = [
    ({"type": "text", "body": "hi", "language": "fr"}, TextContent, "language", "fr"),
    ({"type": "rich", "body": "**hi**", "format": "markdown"}, RichContent, "body", "**hi**"),
    (
        {"type": "media", "url": "https://x/a.png", "mime_type": "image/png"},
        MediaContent,
        "mime_type",
        "image/png",
    ),
    (
        {"type": "location", "latitude": 45.5, "longitude": -73.6, "label": "MTL"},
        LocationContent,
        "longitude",
        -73.6,
    ),
    (
        {"type": "audio", "url": "https://x/a.wav", "transcript": "hello"},
        AudioContent,
        "transcript",
        "hello",
    ),
    (
        {"type": "video", "url": "https://x/v.mp4", "thumbnail_url": "https://x/t.jpg"},
        VideoContent,
        "thumbnail_url",
        "https://x/t.jpg",
    ),
    (
        {"type": "composite", "parts": [{"type": "text", "body": "a"}]},
        CompositeContent,
        "parts",
        [TextContent(body="a")],
    ),
    (
        {"type": "system", "body": "closed", "code": "room_closed", "data": {"k": 1}},
        SystemContent,
        "code",
        "room_closed",
    ),
    (
        {"type": "template", "template_id": "welcome", "parameters": {"name": "Ana"}},
        TemplateContent,
        "parameters",
        {"name": "Ana"},
    ),
]
PAYLOAD_IDS = [str(payload["type"]) for payload, *_ in PAYLOADS]


def _nested(levels: int) -> dict[str, Any]:
    """Return a content dict of ``levels`` composites, one inside the other, around a text."""
    content: dict[str, Any] = {"type": "text", "body": "leaf"}
    for _ in range(levels):
        content = {"type": "composite", "parts": [content]}
    return content


def _event_with(content: dict[str, Any]) -> RoomEvent:
    """Validate a RoomEvent whose content is given as a plain dict."""
    source = EventSource(channel_id="ws-1", channel_type=ChannelType.WEBSOCKET)
    return RoomEvent.model_validate({"room_id": "r", "source": source, "content": content})


def test_event_content_union_has_the_nine_spec_members() -> None:
    """The union holds exactly the nine content types the spec lists."""
    union, _discriminator = get_args(EventContent)
    assert set(get_args(union)) == {
        TextContent,
        RichContent,
        MediaContent,
        LocationContent,
        AudioContent,
        VideoContent,
        CompositeContent,
        SystemContent,
        TemplateContent,
    }


@pytest.mark.parametrize(("payload", "cls", "field", "expected"), PAYLOADS, ids=PAYLOAD_IDS)
def test_content_dict_parses_to_the_type_its_tag_names(
    payload: dict[str, Any], cls: type[BaseModel], field: str, expected: Any
) -> None:
    """A dict is parsed into the member whose ``type`` literal matches its tag."""
    content = CONTENT.validate_python(payload)
    assert type(content) is cls
    assert getattr(content, field) == expected


@pytest.mark.parametrize(("payload", "cls", "field", "expected"), PAYLOADS, ids=PAYLOAD_IDS)
def test_room_event_content_is_parsed_by_its_tag(
    payload: dict[str, Any], cls: type[BaseModel], field: str, expected: Any
) -> None:
    """RoomEvent.content uses the same discriminator, from a dict and from JSON."""
    event = _event_with(payload)
    assert type(event.content) is cls
    assert getattr(event.content, field) == expected
    again = RoomEvent.model_validate_json(event.model_dump_json())
    assert type(again.content) is cls
    assert again.content == event.content


@pytest.mark.parametrize(("payload", "cls", "field", "expected"), PAYLOADS, ids=PAYLOAD_IDS)
def test_content_type_tag_defaults_to_its_literal(
    payload: dict[str, Any], cls: type[BaseModel], field: str, expected: Any
) -> None:
    """Each content class fills its own ``type`` tag when built without it."""
    fields = {k: v for k, v in payload.items() if k != "type"}
    assert cls.model_validate(fields).model_dump()["type"] == payload["type"]


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "sticker", "body": "x"},
        {"type": "TEXT", "body": "x"},
        {"body": "no tag"},
    ],
    ids=["unknown", "wrong-case", "missing"],
)
def test_unknown_or_missing_content_type_is_a_validation_error(payload: dict[str, Any]) -> None:
    """A tag outside the union (or none) is refused, directly and inside a RoomEvent."""
    with pytest.raises(ValidationError):
        CONTENT.validate_python(payload)
    with pytest.raises(ValidationError):
        _event_with(payload)


def test_max_composite_depth_is_five() -> None:
    """The spec's limit: CompositeContent nests at most five levels."""
    assert MAX_COMPOSITE_DEPTH == 5


@pytest.mark.parametrize("levels", range(1, MAX_COMPOSITE_DEPTH + 1))
def test_composite_up_to_depth_five_is_accepted(levels: int) -> None:
    """One to five composite levels (the top composite counts as one) parse."""
    content = CONTENT.validate_python(_nested(levels))
    depth = 0
    while isinstance(content, CompositeContent):
        depth += 1
        content = content.parts[0]
    assert depth == levels
    assert content == TextContent(body="leaf")


@pytest.mark.parametrize("levels", [MAX_COMPOSITE_DEPTH + 1, MAX_COMPOSITE_DEPTH + 3])
def test_composite_deeper_than_five_is_a_validation_error(levels: int) -> None:
    """Six composite levels or more are refused, from a dict and inside a RoomEvent."""
    with pytest.raises(ValidationError, match="nests deeper than 5"):
        CONTENT.validate_python(_nested(levels))
    with pytest.raises(ValidationError):
        _event_with(_nested(levels))


def test_composite_depth_limit_applies_when_built_in_python() -> None:
    """Wrapping a depth-5 composite object in one more composite is refused."""
    five = CONTENT.validate_python(_nested(5))
    assert isinstance(five, CompositeContent)
    with pytest.raises(ValidationError):
        CompositeContent(parts=[five])


def test_composite_depth_counts_the_deepest_branch() -> None:
    """Depth is the deepest part, not the number of parts: siblings do not add up."""
    wide = {"type": "composite", "parts": [_nested(4), _nested(4), {"type": "text", "body": "x"}]}
    assert isinstance(CONTENT.validate_python(wide), CompositeContent)
    lopsided = {"type": "composite", "parts": [{"type": "text", "body": "x"}, _nested(5)]}
    with pytest.raises(ValidationError):
        CONTENT.validate_python(lopsided)
