"""Configuration of the Facebook Messenger provider."""

from __future__ import annotations

from pydantic import BaseModel, SecretStr

__all__ = ["MessengerConfig"]


class MessengerConfig(BaseModel):
    """A Facebook page's Messenger settings.

    ``app_secret`` checks ``X-Hub-Signature-256`` on webhooks and ``verify_token``
    answers the subscription handshake; both are optional for send-only use.
    """

    page_access_token: SecretStr
    app_secret: SecretStr | None = None
    verify_token: SecretStr | None = None
    api_version: str = "v19.0"
