"""Every enumeration of the RoomKit data model, as string enums."""

from __future__ import annotations

from enum import StrEnum, unique
from typing import Any, cast

from pydantic import GetCoreSchemaHandler
from pydantic_core import CoreSchema, core_schema

__all__ = [
    "Access",
    "ChannelCategory",
    "ChannelDirection",
    "ChannelMediaType",
    "ChannelType",
    "DeliveryMode",
    "EventStatus",
    "EventType",
    "HookExecution",
    "HookTrigger",
    "IdentificationStatus",
    "ParticipantRole",
    "ParticipantStatus",
    "RoomStatus",
    "TaskStatus",
    "VoiceSessionState",
]


@unique
class ChannelType(StrEnum):
    """Kind of medium a channel speaks."""

    SMS = "sms"
    MMS = "mms"
    RCS = "rcs"
    EMAIL = "email"
    WHATSAPP = "whatsapp"
    WEBSOCKET = "websocket"
    AI = "ai"
    VOICE = "voice"
    PUSH = "push"
    MESSENGER = "messenger"
    WEBHOOK = "webhook"
    SYSTEM = "system"


@unique
class ChannelCategory(StrEnum):
    """Whether a channel carries messages (transport) or produces them (intelligence)."""

    TRANSPORT = "transport"
    INTELLIGENCE = "intelligence"


@unique
class ChannelDirection(StrEnum):
    """Which way messages may flow through a channel."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"
    BIDIRECTIONAL = "bidirectional"


@unique
class ChannelMediaType(StrEnum):
    """Families of content a channel can carry."""

    TEXT = "text"
    RICH = "rich"
    MEDIA = "media"
    AUDIO = "audio"
    VIDEO = "video"
    LOCATION = "location"
    TEMPLATE = "template"


@unique
class EventType(StrEnum):
    """What a room event represents."""

    MESSAGE = "message"
    SYSTEM = "system"
    TYPING = "typing"
    READ_RECEIPT = "read_receipt"
    DELIVERY_RECEIPT = "delivery_receipt"
    PRESENCE = "presence"
    REACTION = "reaction"
    EDIT = "edit"
    DELETE = "delete"
    PARTICIPANT_JOINED = "participant_joined"
    PARTICIPANT_LEFT = "participant_left"
    PARTICIPANT_IDENTIFIED = "participant_identified"
    CHANNEL_ATTACHED = "channel_attached"
    CHANNEL_DETACHED = "channel_detached"
    CHANNEL_MUTED = "channel_muted"
    CHANNEL_UNMUTED = "channel_unmuted"
    CHANNEL_UPDATED = "channel_updated"
    TASK_CREATED = "task_created"
    OBSERVATION = "observation"


@unique
class EventStatus(StrEnum):
    """Processing state of a stored event."""

    PENDING = "pending"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"
    BLOCKED = "blocked"


@unique
class RoomStatus(StrEnum):
    """Lifecycle state of a room."""

    ACTIVE = "active"
    PAUSED = "paused"
    CLOSED = "closed"
    ARCHIVED = "archived"


@unique
class Access(StrEnum):
    """What a channel binding may do inside a room."""

    READ_WRITE = "read_write"
    READ_ONLY = "read_only"
    WRITE_ONLY = "write_only"
    NONE = "none"


@unique
class IdentificationStatus(StrEnum):
    """Outcome of resolving who sent an inbound message."""

    IDENTIFIED = "identified"
    PENDING = "pending"
    AMBIGUOUS = "ambiguous"
    UNKNOWN = "unknown"
    CHALLENGE_SENT = "challenge_sent"
    REJECTED = "rejected"


@unique
class ParticipantRole(StrEnum):
    """Role of a participant in a room."""

    OWNER = "owner"
    AGENT = "agent"
    MEMBER = "member"
    OBSERVER = "observer"
    BOT = "bot"


@unique
class ParticipantStatus(StrEnum):
    """Presence of a participant in a room."""

    ACTIVE = "active"
    INACTIVE = "inactive"
    LEFT = "left"
    BANNED = "banned"


@unique
class TaskStatus(StrEnum):
    """Progress of a follow-up task."""

    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


@unique
class DeliveryMode(StrEnum):
    """How a channel fans an event out to its recipients."""

    BROADCAST = "broadcast"
    DIRECT = "direct"
    ROUND_ROBIN = "round_robin"


@unique
class HookTrigger(StrEnum):
    """Points of the pipeline where hooks run."""

    BEFORE_BROADCAST = "before_broadcast"
    AFTER_BROADCAST = "after_broadcast"
    ON_CHANNEL_ATTACHED = "on_channel_attached"
    ON_CHANNEL_DETACHED = "on_channel_detached"
    ON_CHANNEL_MUTED = "on_channel_muted"
    ON_CHANNEL_UNMUTED = "on_channel_unmuted"
    ON_ROOM_CREATED = "on_room_created"
    ON_ROOM_PAUSED = "on_room_paused"
    ON_ROOM_CLOSED = "on_room_closed"
    ON_IDENTITY_AMBIGUOUS = "on_identity_ambiguous"
    ON_IDENTITY_UNKNOWN = "on_identity_unknown"
    ON_PARTICIPANT_IDENTIFIED = "on_participant_identified"
    ON_TASK_CREATED = "on_task_created"
    ON_ERROR = "on_error"
    ON_DELIVERY_STATUS = "on_delivery_status"
    ON_SPEECH_START = "on_speech_start"
    ON_SPEECH_END = "on_speech_end"
    ON_TRANSCRIPTION = "on_transcription"
    BEFORE_TTS = "before_tts"
    AFTER_TTS = "after_tts"
    ON_BARGE_IN = "on_barge_in"
    ON_TTS_CANCELLED = "on_tts_cancelled"
    ON_PARTIAL_TRANSCRIPTION = "on_partial_transcription"
    ON_VAD_SILENCE = "on_vad_silence"
    ON_VAD_AUDIO_LEVEL = "on_vad_audio_level"
    ON_REALTIME_TOOL_CALL = "on_realtime_tool_call"
    ON_REALTIME_TEXT_INJECTED = "on_realtime_text_injected"


@unique
class HookExecution(StrEnum):
    """Whether a hook gates the pipeline (sync) or runs beside it (async)."""

    SYNC = "sync"
    ASYNC = "async"


@unique
class VoiceSessionState(StrEnum):
    """Lifecycle state of a voice session."""

    CONNECTING = "connecting"
    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"


def _text_schema(cls: type[StrEnum], source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
    """pydantic's own schema for the enum, writing members to JSON with ``str()``.

    pydantic writes an enum member by reading its ``value`` property: two Python calls
    for every member, in every event a store writes. ``str()`` gives a string enum
    member's value without leaving C. Validation, JSON schemas and the text written are
    unchanged (the returned text is declared as one of the values).
    """
    schema = handler(source)
    cast(dict[str, Any], schema)["serialization"] = (
        core_schema.plain_serializer_function_ser_schema(
            str,
            when_used="json",
            return_schema=core_schema.literal_schema([member.value for member in cls]),
        )
    )
    return schema


for _name in __all__:
    type.__setattr__(globals()[_name], "__get_pydantic_core_schema__", classmethod(_text_schema))
