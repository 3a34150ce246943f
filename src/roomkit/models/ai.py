"""The AI request/response model shared by every AI provider."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from roomkit.models.channel import ChannelCapabilities
from roomkit.models.context import RoomContext
from roomkit.models.enums import ChannelMediaType
from roomkit.models.task import Observation, Task

__all__ = [
    "AIContext",
    "AIImagePart",
    "AIMessage",
    "AIMessagePart",
    "AIResponse",
    "AITextPart",
    "AITool",
    "AIToolCall",
]


class AITool(BaseModel):
    """A function the model may call, described by a JSON schema."""

    name: str
    description: str = ""
    parameters: dict[str, Any] = Field(default_factory=lambda: {"type": "object"})


class AIToolCall(BaseModel):
    """A call the model asked for, with its parsed arguments."""

    id: str
    name: str
    arguments: dict[str, Any] = Field(default_factory=dict)


class AITextPart(BaseModel):
    """A text part of a multimodal message."""

    type: Literal["text"] = "text"
    text: str


class AIImagePart(BaseModel):
    """An image part of a multimodal message, referenced by URL."""

    type: Literal["image"] = "image"
    url: str
    mime_type: str | None = None


AIMessagePart = Annotated[AITextPart | AIImagePart, Field(discriminator="type")]


class AIMessage(BaseModel):
    """One turn of the conversation as the model sees it."""

    role: Literal["system", "user", "assistant", "tool"]
    content: str | list[AIMessagePart]
    name: str | None = None
    tool_call_id: str | None = None
    """For ``role="tool"``: the call this message answers."""
    is_error: bool = False
    """For ``role="tool"``: the tool failed and ``content`` describes the failure."""
    tool_calls: list[AIToolCall] = Field(default_factory=list)
    """For ``role="assistant"``: the calls the model made in this turn."""


class AIContext(BaseModel):
    """Everything a provider needs to generate the next reply."""

    messages: list[AIMessage] = Field(default_factory=list)
    system_prompt: str | None = None
    temperature: float = Field(default=0.7, ge=0.0, le=2.0)
    max_tokens: int = Field(default=1024, gt=0)
    tools: list[AITool] = Field(default_factory=list)
    room: RoomContext | None = None
    target_capabilities: ChannelCapabilities | None = None
    target_media_types: list[ChannelMediaType] = Field(
        default_factory=lambda: [ChannelMediaType.TEXT]
    )


class AIResponse(BaseModel):
    """A provider's reply: text, token usage, tool calls and optional side effects."""

    content: str = ""
    finish_reason: str | None = None
    usage: dict[str, int] = Field(default_factory=dict)
    tool_calls: list[AIToolCall] = Field(default_factory=list)
    tasks: list[Task] = Field(default_factory=list)
    observations: list[Observation] = Field(default_factory=list)
