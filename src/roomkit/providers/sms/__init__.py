"""SMS providers: the SMSProvider contract and an in-memory mock."""

from __future__ import annotations

from roomkit.providers.sms.base import SMSProvider
from roomkit.providers.sms.mock import MockSMSProvider

__all__ = ["MockSMSProvider", "SMSProvider"]
