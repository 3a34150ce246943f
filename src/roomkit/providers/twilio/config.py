"""Settings of the Twilio SMS and RCS providers."""

from __future__ import annotations

from pydantic import BaseModel, SecretStr, model_validator

__all__ = ["TWILIO_API_URL", "TWILIO_CONTENT_URL", "TwilioConfig", "TwilioRCSConfig"]

TWILIO_API_URL = "https://api.twilio.com"
"""Base URL of Twilio's REST API (Messages resource)."""

TWILIO_CONTENT_URL = "https://content.twilio.com"
"""Base URL of Twilio's Content API (rich RCS content)."""


class TwilioConfig(BaseModel):
    """Credentials and sender of the Twilio SMS provider.

    ``messaging_service_sid``, when set, is sent instead of ``From`` so Twilio picks the
    sender from the service's pool.
    """

    account_sid: str
    auth_token: SecretStr
    from_number: str
    messaging_service_sid: str | None = None
    status_callback_url: str | None = None
    base_url: str = TWILIO_API_URL
    timeout: float = 10.0


class TwilioRCSConfig(BaseModel):
    """Credentials and RCS sender of the Twilio RCS provider.

    Messages go out from ``rcs_sender`` (``rcs:<sender id>``) or through the Messaging
    Service ``messaging_service_sid`` holding the RCS sender. ``fallback_from`` is the SMS
    sender Twilio itself falls back to (``FallbackFrom``, needs the Messaging Service)
    when a send allows fallback.
    """

    account_sid: str
    auth_token: SecretStr
    rcs_sender: str | None = None
    messaging_service_sid: str | None = None
    fallback_from: str | None = None
    status_callback_url: str | None = None
    base_url: str = TWILIO_API_URL
    content_base_url: str = TWILIO_CONTENT_URL
    timeout: float = 10.0

    @model_validator(mode="after")
    def _needs_a_sender(self) -> TwilioRCSConfig:
        if not self.rcs_sender and not self.messaging_service_sid:
            raise ValueError("TwilioRCSConfig needs rcs_sender or messaging_service_sid")
        if self.fallback_from and not self.messaging_service_sid:
            raise ValueError("fallback_from needs messaging_service_sid (a Twilio rule)")
        return self
