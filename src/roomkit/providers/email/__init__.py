"""Email providers: the EmailProvider contract and an in-memory mock."""

from __future__ import annotations

from roomkit.providers.email.base import EmailProvider
from roomkit.providers.email.mock import MockEmailProvider

__all__ = ["EmailProvider", "MockEmailProvider"]
