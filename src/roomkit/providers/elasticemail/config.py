"""Configuration of the Elastic Email provider."""

from __future__ import annotations

from pydantic import BaseModel, SecretStr

__all__ = ["ElasticEmailConfig"]


class ElasticEmailConfig(BaseModel):
    """Elastic Email account settings: API key and the default sender."""

    api_key: SecretStr
    from_email: str
    from_name: str | None = None
