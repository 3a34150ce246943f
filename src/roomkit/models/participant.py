"""Participants: the people and bots taking part in a room."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from roomkit.models._util import UTCDateTime, utcnow
from roomkit.models.enums import IdentificationStatus, ParticipantRole, ParticipantStatus

__all__ = ["Participant"]


class Participant(BaseModel):
    """A sender or recipient in one room, possibly linked to a resolved identity."""

    id: str
    room_id: str
    channel_id: str
    display_name: str | None = None
    role: ParticipantRole = ParticipantRole.MEMBER
    status: ParticipantStatus = ParticipantStatus.ACTIVE
    identification: IdentificationStatus = IdentificationStatus.UNKNOWN
    identity_id: str | None = None
    candidates: list[str] = Field(default_factory=list)
    """Identity ids the sender might be, while identification is ambiguous or pending."""
    connected_via: list[str] = Field(default_factory=list)
    external_id: str | None = None
    resolved_at: UTCDateTime | None = None
    resolved_by: str | None = None
    joined_at: UTCDateTime = Field(default_factory=utcnow)
    metadata: dict[str, Any] = Field(default_factory=dict)
