"""SendGrid: the email provider, its config and webhook parsers.

``SendGridProvider`` needs httpx and is imported on first access. The signed Event
Webhook check lives in :mod:`roomkit.providers.sendgrid.signature`, which needs the
``cryptography`` package and is therefore not imported here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from roomkit.providers.sendgrid.config import SendGridConfig
from roomkit.providers.sendgrid.webhook import (
    parse_sendgrid_events,
    parse_sendgrid_inbound,
    sendgrid_message_id,
)

if TYPE_CHECKING:
    from roomkit.providers.sendgrid.email import SendGridProvider

__all__ = [
    "SendGridConfig",
    "SendGridProvider",
    "parse_sendgrid_events",
    "parse_sendgrid_inbound",
    "sendgrid_message_id",
]


def __getattr__(name: str) -> Any:
    """Import the httpx-based provider on first access."""
    if name == "SendGridProvider":
        from roomkit.providers.sendgrid.email import SendGridProvider

        return SendGridProvider
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
