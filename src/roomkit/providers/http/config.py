"""Configuration of the generic HTTP webhook provider."""

from __future__ import annotations

from pydantic import BaseModel, Field, SecretStr

__all__ = ["HTTPProviderConfig"]


class HTTPProviderConfig(BaseModel):
    """Where to post events, the signing secret, the timeout and extra headers.

    ``headers`` often carry credentials (an ``Authorization`` header), so they are left
    out of the config's repr.
    """

    webhook_url: str
    secret: SecretStr | None = None
    timeout: float = Field(default=10.0, gt=0)
    headers: dict[str, str] = Field(default_factory=dict, repr=False)
