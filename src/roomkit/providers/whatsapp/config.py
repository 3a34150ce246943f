"""Configuration of the WhatsApp Cloud API provider."""

from __future__ import annotations

from pydantic import BaseModel, SecretStr

__all__ = ["WhatsAppCloudConfig"]


class WhatsAppCloudConfig(BaseModel):
    """A WhatsApp Business phone number on Meta's Cloud API.

    ``app_secret`` checks ``X-Hub-Signature-256`` on webhooks and ``verify_token``
    answers the subscription handshake; both are optional for send-only use.
    """

    access_token: SecretStr
    phone_number_id: str
    app_secret: SecretStr | None = None
    verify_token: SecretStr | None = None
    api_version: str = "v19.0"
