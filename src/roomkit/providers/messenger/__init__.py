"""Facebook Messenger providers: the contract, the Graph API provider, webhooks and a mock.

``FacebookMessengerProvider`` needs httpx and is imported on first access, so importing
this package works without the ``httpx`` extra.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from roomkit.providers.messenger.base import MessengerProvider
from roomkit.providers.messenger.config import MessengerConfig
from roomkit.providers.messenger.mock import MockMessengerProvider
from roomkit.providers.messenger.webhook import (
    parse_messenger_webhook,
    verify_messenger_challenge,
    verify_messenger_signature,
)

if TYPE_CHECKING:
    from roomkit.providers.messenger.facebook import FacebookMessengerProvider

__all__ = [
    "FacebookMessengerProvider",
    "MessengerConfig",
    "MessengerProvider",
    "MockMessengerProvider",
    "parse_messenger_webhook",
    "verify_messenger_challenge",
    "verify_messenger_signature",
]


def __getattr__(name: str) -> Any:
    """Import the httpx-based provider on first access."""
    if name == "FacebookMessengerProvider":
        from roomkit.providers.messenger.facebook import FacebookMessengerProvider

        return FacebookMessengerProvider
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
