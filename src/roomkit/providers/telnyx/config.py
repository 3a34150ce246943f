"""Settings of the Telnyx SMS and RCS providers."""

from __future__ import annotations

from pydantic import BaseModel, SecretStr

__all__ = ["TELNYX_API_URL", "TelnyxConfig", "TelnyxRCSConfig"]

TELNYX_API_URL = "https://api.telnyx.com/v2"
"""Base URL of Telnyx's v2 REST API."""


class TelnyxConfig(BaseModel):
    """API key and sender of the Telnyx SMS provider."""

    api_key: SecretStr
    from_number: str
    messaging_profile_id: str | None = None
    timeout: float = 10.0
    webhook_url: str | None = None
    """Per-message URL for delivery-status webhooks (else the messaging profile's)."""
    base_url: str = TELNYX_API_URL


class TelnyxRCSConfig(BaseModel):
    """API key and RCS agent of the Telnyx RCS provider."""

    api_key: SecretStr
    agent_id: str
    messaging_profile_id: str | None = None
    timeout: float = 10.0
    webhook_url: str | None = None
    base_url: str = TELNYX_API_URL
