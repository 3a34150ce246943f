"""Facebook Messenger providers: the MessengerProvider contract and an in-memory mock."""

from __future__ import annotations

from roomkit.providers.messenger.base import MessengerProvider
from roomkit.providers.messenger.mock import MockMessengerProvider

__all__ = ["MockMessengerProvider", "MessengerProvider"]
