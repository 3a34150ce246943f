"""RoomKit's data model: rooms, events, channels, hooks, identities and side effects."""

from __future__ import annotations

from roomkit.models.ai import (
    AIContext,
    AIImagePart,
    AIMessage,
    AIMessagePart,
    AIResponse,
    AITextPart,
    AITool,
    AIToolCall,
)
from roomkit.models.channel import (
    ChannelBinding,
    ChannelCapabilities,
    ChannelOutput,
    RateLimit,
    RetryPolicy,
)
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
from roomkit.models.context import RoomContext
from roomkit.models.delivery import (
    DeliveryResult,
    DeliveryStatus,
    InboundMessage,
    InboundResult,
    ProviderResult,
)
from roomkit.models.enums import (
    Access,
    ChannelCategory,
    ChannelDirection,
    ChannelMediaType,
    ChannelType,
    DeliveryMode,
    EventStatus,
    EventType,
    HookExecution,
    HookTrigger,
    IdentificationStatus,
    ParticipantRole,
    ParticipantStatus,
    RoomStatus,
    TaskStatus,
    VoiceSessionState,
)
from roomkit.models.event import ChannelData, EventSource, RoomEvent
from roomkit.models.framework_event import FrameworkEvent
from roomkit.models.hook import HookAction, HookResult, InjectedEvent
from roomkit.models.identity import Identity, IdentityHookResult, IdentityResult
from roomkit.models.participant import Participant
from roomkit.models.room import Room, RoomTimers
from roomkit.models.task import Observation, Task
from roomkit.models.webhook import WebhookKind, WebhookMeta

ChannelOutput.model_rebuild()

__all__ = [
    "AIContext",
    "AIImagePart",
    "AIMessage",
    "AIMessagePart",
    "AIResponse",
    "AITextPart",
    "AITool",
    "AIToolCall",
    "Access",
    "AudioContent",
    "ChannelBinding",
    "ChannelCapabilities",
    "ChannelCategory",
    "ChannelData",
    "ChannelDirection",
    "ChannelMediaType",
    "ChannelOutput",
    "ChannelType",
    "CompositeContent",
    "DeliveryMode",
    "DeliveryResult",
    "DeliveryStatus",
    "EventContent",
    "EventSource",
    "EventStatus",
    "EventType",
    "FrameworkEvent",
    "HookAction",
    "HookExecution",
    "HookResult",
    "HookTrigger",
    "IdentificationStatus",
    "Identity",
    "IdentityHookResult",
    "IdentityResult",
    "InboundMessage",
    "InboundResult",
    "InjectedEvent",
    "LocationContent",
    "MediaContent",
    "Observation",
    "Participant",
    "ParticipantRole",
    "ParticipantStatus",
    "ProviderResult",
    "RateLimit",
    "RetryPolicy",
    "RichContent",
    "Room",
    "RoomContext",
    "RoomEvent",
    "RoomStatus",
    "RoomTimers",
    "SystemContent",
    "Task",
    "TaskStatus",
    "TemplateContent",
    "TextContent",
    "VideoContent",
    "VoiceSessionState",
    "WebhookKind",
    "WebhookMeta",
]
