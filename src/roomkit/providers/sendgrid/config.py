"""Configuration of the SendGrid provider."""

from __future__ import annotations

from pydantic import BaseModel, SecretStr

__all__ = ["SendGridConfig"]


class SendGridConfig(BaseModel):
    """SendGrid account settings: API key, default sender and optional Reply-To."""

    api_key: SecretStr
    from_email: str
    from_name: str | None = None
    reply_to: str | None = None
