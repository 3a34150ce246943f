"""Who a sender is: identities, resolver results and identity-hook verdicts."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from roomkit.models.enums import IdentificationStatus
from roomkit.models.hook import InjectedEvent

__all__ = ["Identity", "IdentityHookResult", "IdentityResult"]


class Identity(BaseModel):
    """A known person or system, with the channel addresses that reach it."""

    id: str
    organization_id: str | None = None
    display_name: str | None = None
    email: str | None = None
    phone: str | None = None
    channel_addresses: dict[str, list[str]] = Field(default_factory=dict)
    external_id: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class IdentityResult(BaseModel):
    """What an identity resolver concluded about an inbound sender."""

    status: IdentificationStatus
    identity: Identity | None = None
    candidates: list[Identity] = Field(default_factory=list)
    address: str | None = None
    channel_type: str | None = None
    challenge_type: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class IdentityHookResult(BaseModel):
    """An identity hook's decision for an ambiguous or unknown sender."""

    status: IdentificationStatus
    identity: Identity | None = None
    display_name: str | None = None
    candidates: list[Identity] = Field(default_factory=list)
    injected_events: list[InjectedEvent] = Field(default_factory=list)
    reason: str | None = None

    @classmethod
    def resolved(cls, identity: Identity) -> IdentityHookResult:
        """The sender is ``identity``: continue as identified."""
        return cls(status=IdentificationStatus.IDENTIFIED, identity=identity)

    @classmethod
    def pending(
        cls, display_name: str | None = None, candidates: list[Identity] | None = None
    ) -> IdentityHookResult:
        """Continue, leaving the participant to be resolved later."""
        return cls(
            status=IdentificationStatus.PENDING,
            display_name=display_name,
            candidates=candidates or [],
        )

    @classmethod
    def challenge(
        cls, injected_events: list[InjectedEvent], reason: str | None = None
    ) -> IdentityHookResult:
        """Ask the sender to identify themselves; the original message is held back."""
        return cls(
            status=IdentificationStatus.CHALLENGE_SENT,
            injected_events=injected_events,
            reason=reason,
        )

    @classmethod
    def reject(cls, reason: str | None = None) -> IdentityHookResult:
        """Refuse the sender; the message is stored as blocked."""
        return cls(status=IdentificationStatus.REJECTED, reason=reason)
