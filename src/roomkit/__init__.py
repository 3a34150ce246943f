"""RoomKit: one room for conversations across SMS, email, chat apps, WebSocket, AI and voice.

Everything a user needs is importable from here; sub-modules hold the same names.
Providers that need an optional dependency are imported on first use, so
``import roomkit`` works with nothing but pydantic installed.
"""

from __future__ import annotations

import importlib as _importlib
from typing import Any as _Any

from roomkit._lazy_exports import LAZY_EXPORTS as _LAZY
from roomkit._version import __version__
from roomkit.ai_docs import (
    get_agents_md,
    get_ai_context,
    get_llms_txt,
)
from roomkit.channels import (
    EMAIL_CAPABILITIES,
    HTTP_CAPABILITIES,
    MESSENGER_CAPABILITIES,
    RCS_CAPABILITIES,
    SMS_CAPABILITIES,
    WEBSOCKET_CAPABILITIES,
    WHATSAPP_CAPABILITIES,
    AIChannel,
    Channel,
    EmailChannel,
    HTTPChannel,
    MessengerChannel,
    MMSChannel,
    RCSChannel,
    SendFn,
    SMSChannel,
    TransportChannel,
    WebSocketChannel,
    WhatsAppChannel,
)
from roomkit.channels.realtime_voice import (
    RealtimeToolHandler,
    RealtimeVoiceChannel,
)
from roomkit.channels.voice import (
    VoiceChannel,
)
from roomkit.core.circuit_breaker import (
    CircuitBreaker,
    CircuitState,
)
from roomkit.core.event_router import (
    BroadcastResult,
    EventRouter,
)
from roomkit.core.framework import (
    RoomKit,
)
from roomkit.core.hooks import (
    HookEngine,
    HookError,
    HookRegistration,
)
from roomkit.core.inbound_router import (
    DefaultInboundRoomRouter,
    InboundRoomRouter,
)
from roomkit.core.locks import (
    InMemoryLockManager,
    RoomLockManager,
)
from roomkit.core.rate_limiter import (
    TokenBucketRateLimiter,
)
from roomkit.core.retry import (
    retry_with_backoff,
)
from roomkit.core.transcoder import (
    ContentTranscoder,
    DefaultContentTranscoder,
)
from roomkit.errors import (
    ChannelNotFoundError,
    ChannelNotRegisteredError,
    CircuitOpenError,
    ConfigurationError,
    DuplicateEventError,
    ErrorCode,
    EventNotFoundError,
    IdentityNotFoundError,
    InvalidPayloadError,
    InvalidSignatureError,
    LockTimeoutError,
    NotFoundError,
    ParticipantNotFoundError,
    ProcessTimeoutError,
    ProviderError,
    RoomClosedError,
    RoomKitError,
    RoomNotFoundError,
    TaskNotFoundError,
    UnstorableValueError,
    VoiceNotConfiguredError,
    WebhookError,
)
from roomkit.identity import (
    IdentityResolver,
    MockIdentityResolver,
)
from roomkit.models import (
    Access,
    AIContext,
    AIImagePart,
    AIMessage,
    AIResponse,
    AITextPart,
    AITool,
    AIToolCall,
    AudioContent,
    ChannelBinding,
    ChannelCapabilities,
    ChannelCategory,
    ChannelData,
    ChannelDirection,
    ChannelMediaType,
    ChannelOutput,
    ChannelType,
    CompositeContent,
    DeliveryMode,
    DeliveryResult,
    DeliveryStatus,
    EventContent,
    EventSource,
    EventStatus,
    EventType,
    FrameworkEvent,
    HookExecution,
    HookResult,
    HookTrigger,
    IdentificationStatus,
    Identity,
    IdentityHookResult,
    IdentityResult,
    InboundMessage,
    InboundResult,
    InjectedEvent,
    LocationContent,
    MediaContent,
    Observation,
    Participant,
    ParticipantRole,
    ParticipantStatus,
    ProviderResult,
    RateLimit,
    RetryPolicy,
    RichContent,
    Room,
    RoomContext,
    RoomEvent,
    RoomStatus,
    RoomTimers,
    SystemContent,
    Task,
    TaskStatus,
    TemplateContent,
    TextContent,
    VideoContent,
    VoiceSessionState,
    WebhookKind,
    WebhookMeta,
)
from roomkit.providers._mock import (
    RecordedSend,
)
from roomkit.providers.ai import (
    AIProvider,
    MockAIProvider,
)
from roomkit.providers.anthropic import (
    AnthropicConfig,
)
from roomkit.providers.base import (
    TransportProvider,
)
from roomkit.providers.elasticemail import (
    ElasticEmailConfig,
)
from roomkit.providers.email import (
    EmailProvider,
    MockEmailProvider,
    parse_inbound_email,
)
from roomkit.providers.gemini import (
    GeminiConfig,
    GeminiLiveConfig,
)
from roomkit.providers.http import (
    HTTPProvider,
    HTTPProviderConfig,
    MockHTTPProvider,
    parse_http_webhook,
)
from roomkit.providers.messenger import (
    MessengerConfig,
    MessengerProvider,
    MockMessengerProvider,
    parse_messenger_webhook,
)
from roomkit.providers.mistral import (
    MistralConfig,
)
from roomkit.providers.openai import (
    OpenAIConfig,
    OpenAIRealtimeConfig,
)
from roomkit.providers.rcs import (
    MockRCSProvider,
    RCSProvider,
)
from roomkit.providers.sendgrid import (
    SendGridConfig,
)
from roomkit.providers.sinch import (
    SinchConfig,
    parse_sinch_webhook,
)
from roomkit.providers.sms import (
    MockSMSProvider,
    SegmentInfo,
    SMSProvider,
    count_segments,
    extract_sms_meta,
    normalize_phone,
)
from roomkit.providers.telnyx import (
    TelnyxConfig,
    TelnyxRCSConfig,
    parse_telnyx_webhook,
)
from roomkit.providers.twilio import (
    TwilioConfig,
    TwilioRCSConfig,
    parse_twilio_webhook,
)
from roomkit.providers.voicemeup import (
    MMSAggregator,
    MMSTimeoutCallback,
    Scheduler,
    TimerHandle,
    VoiceMeUpConfig,
    configure_voicemeup_mms,
    parse_voicemeup_webhook,
)
from roomkit.providers.whatsapp import (
    MockWhatsAppProvider,
    WhatsAppCloudConfig,
    WhatsAppProvider,
    parse_whatsapp_webhook,
)
from roomkit.realtime import (
    EphemeralCallback,
    EphemeralEvent,
    EphemeralEventType,
    InMemoryRealtime,
    RealtimeBackend,
)
from roomkit.store import (
    ConversationStore,
    InMemoryStore,
)
from roomkit.telemetry import (
    NOOP_SPAN,
    OpenTelemetryTelemetry,
    SpanHandle,
    Telemetry,
)
from roomkit.voice import (
    AudioChunk,
    BargeInCallback,
    BargeInEvent,
    MockSTTProvider,
    MockTTSCall,
    MockTTSProvider,
    MockVoiceBackend,
    MockVoiceCall,
    PartialTranscriptionCallback,
    PartialTranscriptionEvent,
    SpeechEndCallback,
    SpeechEndEvent,
    SpeechStartCallback,
    SpeechStartEvent,
    STTProvider,
    TranscriptionResult,
    TTSCancelledEvent,
    TTSCancelReason,
    TTSProvider,
    VADAudioLevelCallback,
    VADAudioLevelEvent,
    VADSilenceCallback,
    VADSilenceEvent,
    VoiceBackend,
    VoiceCapability,
    VoiceSession,
)
from roomkit.voice.realtime import (
    MockRealtimeCall,
    MockRealtimeProvider,
    MockRealtimeTransport,
    RealtimeAudioTransport,
    RealtimeSession,
    RealtimeSessionState,
    RealtimeVoiceProvider,
)
from roomkit.voice.sentences import (
    SentenceSplitter,
    split_sentences,
)
from roomkit.voice.streaming import (
    ReplyStream,
    SentenceFilter,
    VoiceStreamingProvider,
)


def __getattr__(name: str) -> _Any:
    """Import an optional-dependency provider the first time it is asked for."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """List the eager names and the optional-dependency providers alike."""
    return sorted({*globals(), *_LAZY})


# fmt: off
__all__ = [
    "AIChannel", "AIContext", "AIImagePart", "AIMessage", "AIProvider", "AIResponse",
    "AITextPart", "AITool", "AIToolCall", "Access", "AnthropicConfig", "AudioChunk",
    "AudioContent", "BargeInCallback", "BargeInEvent", "BroadcastResult", "Channel",
    "ChannelBinding", "ChannelCapabilities", "ChannelCategory", "ChannelData",
    "ChannelDirection", "ChannelMediaType", "ChannelNotFoundError",
    "ChannelNotRegisteredError", "ChannelOutput", "ChannelType", "CircuitBreaker",
    "CircuitOpenError", "CircuitState", "CompositeContent", "ConfigurationError",
    "ContentTranscoder", "ConversationStore", "DefaultContentTranscoder",
    "DefaultInboundRoomRouter", "DeliveryMode", "DeliveryResult", "DeliveryStatus",
    "DuplicateEventError", "EMAIL_CAPABILITIES", "ElasticEmailConfig", "EmailChannel",
    "EmailProvider", "EphemeralCallback", "EphemeralEvent", "EphemeralEventType", "ErrorCode",
    "EventContent", "EventNotFoundError", "EventRouter", "EventSource", "EventStatus",
    "EventType", "FrameworkEvent", "GeminiConfig", "GeminiLiveConfig", "HTTPChannel",
    "HTTPProvider", "HTTPProviderConfig", "HTTP_CAPABILITIES", "HookEngine", "HookError",
    "HookExecution", "HookRegistration", "HookResult", "HookTrigger", "IdentificationStatus",
    "Identity", "IdentityHookResult", "IdentityNotFoundError", "IdentityResolver",
    "IdentityResult", "InMemoryLockManager", "InMemoryRealtime", "InMemoryStore",
    "InboundMessage", "InboundResult", "InboundRoomRouter", "InjectedEvent",
    "InvalidPayloadError", "InvalidSignatureError", "LocationContent", "LockTimeoutError",
    "MESSENGER_CAPABILITIES", "MMSAggregator", "MMSChannel", "MMSTimeoutCallback",
    "MediaContent", "MessengerChannel", "MessengerConfig", "MessengerProvider",
    "MistralConfig", "MockAIProvider", "MockEmailProvider", "MockHTTPProvider",
    "MockIdentityResolver", "MockMessengerProvider", "MockRCSProvider", "MockRealtimeCall",
    "MockRealtimeProvider", "MockRealtimeTransport", "MockSMSProvider", "MockSTTProvider",
    "MockTTSCall", "MockTTSProvider", "MockVoiceBackend", "MockVoiceCall",
    "MockWhatsAppProvider", "NOOP_SPAN", "NotFoundError", "Observation", "OpenAIConfig",
    "OpenAIRealtimeConfig", "OpenTelemetryTelemetry", "PartialTranscriptionCallback",
    "PartialTranscriptionEvent", "Participant", "ParticipantNotFoundError", "ParticipantRole",
    "ParticipantStatus", "ProcessTimeoutError", "ProviderError", "ProviderResult",
    "RCSChannel", "RCSProvider", "RCS_CAPABILITIES", "RateLimit", "RealtimeAudioTransport",
    "RealtimeBackend", "RealtimeSession", "RealtimeSessionState", "RealtimeToolHandler",
    "RealtimeVoiceChannel", "RealtimeVoiceProvider", "RecordedSend", "ReplyStream",
    "RetryPolicy", "RichContent", "Room", "RoomClosedError", "RoomContext", "RoomEvent",
    "RoomKit", "RoomKitError", "RoomLockManager", "RoomNotFoundError", "RoomStatus",
    "RoomTimers", "SMSChannel", "SMSProvider", "SMS_CAPABILITIES", "STTProvider", "Scheduler",
    "SegmentInfo", "SendFn", "SendGridConfig", "SentenceFilter", "SentenceSplitter",
    "SinchConfig", "SpanHandle", "SpeechEndCallback", "SpeechEndEvent", "SpeechStartCallback",
    "SpeechStartEvent", "SystemContent", "TTSCancelReason", "TTSCancelledEvent", "TTSProvider",
    "Task", "TaskNotFoundError", "TaskStatus", "Telemetry", "TelnyxConfig", "TelnyxRCSConfig",
    "TemplateContent", "TextContent", "TimerHandle", "TokenBucketRateLimiter",
    "TranscriptionResult", "TransportChannel", "TransportProvider", "TwilioConfig",
    "TwilioRCSConfig", "UnstorableValueError", "VADAudioLevelCallback",
    "VADAudioLevelEvent", "VADSilenceCallback", "VADSilenceEvent", "VideoContent",
    "VoiceBackend", "VoiceCapability", "VoiceChannel",
    "VoiceMeUpConfig", "VoiceNotConfiguredError", "VoiceSession", "VoiceSessionState",
    "VoiceStreamingProvider", "WEBSOCKET_CAPABILITIES", "WHATSAPP_CAPABILITIES",
    "WebSocketChannel", "WebhookError", "WebhookKind", "WebhookMeta", "WhatsAppChannel",
    "WhatsAppCloudConfig", "WhatsAppProvider", "__version__", "configure_voicemeup_mms",
    "count_segments", "extract_sms_meta", "get_agents_md", "get_ai_context", "get_llms_txt",
    "normalize_phone", "parse_http_webhook", "parse_inbound_email", "parse_messenger_webhook",
    "parse_sinch_webhook", "parse_telnyx_webhook", "parse_twilio_webhook",
    "parse_voicemeup_webhook", "parse_whatsapp_webhook", "retry_with_backoff",
    "split_sentences",
]
# fmt: on
