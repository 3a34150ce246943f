"""The 16 string enums of ``roomkit.models.enums`` against the Enums table of technical.md."""

from __future__ import annotations

from enum import Enum, StrEnum

import pytest

from roomkit.models import enums
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

# The values column of the spec's Enums table, copied in the spec's order. Member names are
# the values upper-cased (the spec writes them that way wherever it names a member).
SPEC_VALUES: dict[type[StrEnum], str] = {
    ChannelType: (
        "sms, mms, rcs, email, whatsapp, websocket, ai, voice, push, messenger, webhook, system"
    ),
    ChannelCategory: "transport, intelligence",
    ChannelDirection: "inbound, outbound, bidirectional",
    ChannelMediaType: "text, rich, media, audio, video, location, template",
    EventType: (
        "message, system, typing, read_receipt, delivery_receipt, presence, reaction, edit, "
        "delete, participant_joined, participant_left, participant_identified, "
        "channel_attached, channel_detached, channel_muted, channel_unmuted, channel_updated, "
        "task_created, observation"
    ),
    EventStatus: "pending, delivered, read, failed, blocked",
    RoomStatus: "active, paused, closed, archived",
    Access: "read_write, read_only, write_only, none",
    IdentificationStatus: "identified, pending, ambiguous, unknown, challenge_sent, rejected",
    ParticipantRole: "owner, agent, member, observer, bot",
    ParticipantStatus: "active, inactive, left, banned",
    TaskStatus: "pending, in_progress, completed, failed, cancelled",
    DeliveryMode: "broadcast, direct, round_robin",
    HookTrigger: (
        "before_broadcast, after_broadcast, on_channel_attached, on_channel_detached, "
        "on_channel_muted, on_channel_unmuted, on_room_created, on_room_paused, "
        "on_room_closed, on_identity_ambiguous, on_identity_unknown, "
        "on_participant_identified, on_task_created, on_error, on_delivery_status, "
        "on_speech_start, on_speech_end, on_transcription, before_tts, after_tts, "
        "on_barge_in, on_tts_cancelled, on_partial_transcription, on_vad_silence, "
        "on_vad_audio_level"
    ),
    HookExecution: "sync, async",
    # Voice Models section: the spec names CONNECTING, ACTIVE, PAUSED, ENDED (no values given;
    # lower-case values follow every other enum of the table).
    VoiceSessionState: "connecting, active, paused, ended",
}

# Members the code has beyond the spec's table, appended after the spec's members. Listed
# here so that any other addition or removal still fails the exact comparison below.
BEYOND_SPEC: dict[type[StrEnum], list[str]] = {
    HookTrigger: ["on_realtime_tool_call", "on_realtime_text_injected"],
}


def _values(enum_cls: type[StrEnum]) -> list[str]:
    """Return the expected values of ``enum_cls``, spec members first, in order."""
    spec = [v.strip() for v in SPEC_VALUES[enum_cls].split(",")]
    return spec + BEYOND_SPEC.get(enum_cls, [])


ENUMS = pytest.mark.parametrize("enum_cls", list(SPEC_VALUES), ids=lambda e: e.__name__)


def test_models_enums_module_exports_exactly_the_sixteen_enums() -> None:
    """enums.py holds the 16 StrEnum types the layout section promises, no more."""
    exported = {getattr(enums, name) for name in enums.__all__}
    assert len(enums.__all__) == 16
    assert exported == set(SPEC_VALUES)


@ENUMS
def test_enum_is_a_string_enum(enum_cls: type[StrEnum]) -> None:
    """Every enum is a StrEnum, so members compare and serialise as their values."""
    assert issubclass(enum_cls, StrEnum)
    assert issubclass(enum_cls, str)
    assert issubclass(enum_cls, Enum)


@ENUMS
def test_enum_members_names_and_values_match_spec(enum_cls: type[StrEnum]) -> None:
    """Member names and values are exactly the spec's list, in the spec's order."""
    expected = [(value.upper(), value) for value in _values(enum_cls)]
    actual = [(member.name, member.value) for member in enum_cls]
    assert actual == expected


@ENUMS
def test_enum_every_spec_value_is_a_member(enum_cls: type[StrEnum]) -> None:
    """Each value in the spec's table parses to the member of the same upper-case name."""
    for value in (v.strip() for v in SPEC_VALUES[enum_cls].split(",")):
        member = enum_cls(value)
        assert member is enum_cls[value.upper()]
        assert member == value
        assert str(member) == value


@ENUMS
def test_enum_rejects_unknown_value(enum_cls: type[StrEnum]) -> None:
    """A value outside the enum is refused, not coerced."""
    with pytest.raises(ValueError):
        enum_cls("not-a-member")


@ENUMS
def test_enum_values_are_unique(enum_cls: type[StrEnum]) -> None:
    """No two names share a value (no aliases hide a member)."""
    assert len(enum_cls.__members__) == len({m.value for m in enum_cls})
