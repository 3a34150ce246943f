"""Settings of the VoiceMeUp SMS provider."""

from __future__ import annotations

from pydantic import BaseModel, SecretStr

__all__ = ["VOICEMEUP_SEND_PATH", "VoiceMeUpConfig"]

VOICEMEUP_SEND_PATH = "api/v1.1/sms/send"
"""Path, under ``base_url``, of VoiceMeUp's send-SMS/MMS endpoint."""


class VoiceMeUpConfig(BaseModel):
    """Account, token and sender of the VoiceMeUp SMS provider.

    VoiceMeUp does not sign its webhooks: ``webhook_secret`` is an optional shared
    secret you put in the webhook URL you register (e.g. ``?token=...``) and check with
    ``VoiceMeUpSMSProvider.verify_shared_secret``.
    """

    username: str
    auth_token: SecretStr
    from_number: str
    base_url: str = "https://api.voicemeup.com/"
    timeout: float = 10.0
    send_path: str = VOICEMEUP_SEND_PATH
    webhook_secret: SecretStr | None = None
