"""Channel bindings and what a channel can carry, produce, and how fast."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, model_validator

from roomkit.models._unvalidated import unvalidated
from roomkit.models._util import UTCDateTime, utcnow
from roomkit.models.enums import (
    Access,
    ChannelCategory,
    ChannelDirection,
    ChannelMediaType,
    ChannelType,
    DeliveryMode,
)

if TYPE_CHECKING:
    from roomkit.models.delivery import ProviderResult
    from roomkit.models.event import RoomEvent
    from roomkit.models.task import Observation, Task

__all__ = [
    "ChannelBinding",
    "ChannelCapabilities",
    "ChannelOutput",
    "RateLimit",
    "RetryPolicy",
]


class ChannelCapabilities(BaseModel):
    """What a channel can carry; the transcoder fits content to it."""

    media_types: list[ChannelMediaType] = Field(default_factory=lambda: [ChannelMediaType.TEXT])
    max_length: int | None = Field(default=None, gt=0)
    supports_threading: bool = False
    supports_reactions: bool = False
    supports_read_receipts: bool = False
    supports_typing: bool = False
    supports_templates: bool = False
    supports_rich_text: bool = False
    supports_buttons: bool = False
    max_buttons: int | None = None
    supports_cards: bool = False
    supports_quick_replies: bool = False
    supports_media: bool = False
    supported_media_types: list[str] = Field(default_factory=list)
    max_media_size_bytes: int | None = None
    supports_audio: bool = False
    supports_video: bool = False
    delivery_mode: DeliveryMode = DeliveryMode.BROADCAST


class RateLimit(BaseModel):
    """Outbound delivery limits for one binding; every limit set applies."""

    max_per_second: float | None = Field(default=None, gt=0)
    max_per_minute: float | None = Field(default=None, gt=0)
    max_per_hour: float | None = Field(default=None, gt=0)


class RetryPolicy(BaseModel):
    """Exponential backoff for transient delivery failures."""

    max_retries: int = Field(default=3, ge=0)
    base_delay_seconds: float = Field(default=1.0, ge=0)
    max_delay_seconds: float = Field(default=60.0, ge=0)
    exponential_base: float = Field(default=2.0, ge=1)
    jitter: float = Field(default=0.0, ge=0, le=1)
    """Fraction of each delay added at random (0 disables jitter)."""


class ChannelBinding(BaseModel):
    """How one channel takes part in one room: permissions, filters and metadata."""

    channel_id: str
    room_id: str
    channel_type: ChannelType
    category: ChannelCategory = ChannelCategory.TRANSPORT
    direction: ChannelDirection = ChannelDirection.BIDIRECTIONAL
    access: Access = Access.READ_WRITE
    muted: bool = False
    visibility: str = "all"
    participant_id: str | None = None
    last_read_index: int | None = None
    attached_at: UTCDateTime = Field(default_factory=utcnow)
    capabilities: ChannelCapabilities = Field(default_factory=ChannelCapabilities)
    rate_limit: RateLimit | None = None
    retry_policy: RetryPolicy | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class ChannelOutput(BaseModel):
    """What a channel produced while reacting to an event."""

    responded: bool = False
    response_events: list[RoomEvent] = Field(default_factory=list)
    tasks: list[Task] = Field(default_factory=list)
    observations: list[Observation] = Field(default_factory=list)
    metadata_updates: dict[str, Any] = Field(default_factory=dict)
    provider_result: ProviderResult | None = None
    """For transport deliveries: what the vendor answered."""

    @model_validator(mode="after")
    def _mark_responded(self) -> ChannelOutput:
        if self.response_events:
            self.responded = True
        return self

    @classmethod
    def empty(cls) -> ChannelOutput:
        """Return an output that carries nothing."""
        return unvalidated(cls)()
