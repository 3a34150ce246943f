"""Settings of the Sinch SMS provider."""

from __future__ import annotations

from pydantic import BaseModel, SecretStr

__all__ = ["SinchConfig"]


class SinchConfig(BaseModel):
    """Service plan, API token and sender of the Sinch SMS provider.

    ``region`` picks the regional endpoint (``us``, ``eu``, ``au``, ``br``, ``ca``);
    ``base_url`` overrides it entirely. ``webhook_secret`` is the secret Sinch signs
    callbacks with. ``callback_url`` receives per-recipient delivery reports.
    """

    service_plan_id: str
    api_token: SecretStr
    from_number: str
    region: str = "us"
    webhook_secret: SecretStr | None = None
    callback_url: str | None = None
    base_url: str | None = None
    timeout: float = 10.0

    @property
    def api_url(self) -> str:
        """The batches API root for this service plan."""
        root = self.base_url or f"https://{self.region}.sms.api.sinch.com"
        return f"{root.rstrip('/')}/xms/v1/{self.service_plan_id}"
