"""The MessengerProvider contract every Facebook Messenger vendor implements."""

from __future__ import annotations

from roomkit.providers.base import TransportProvider

__all__ = ["MessengerProvider"]


class MessengerProvider(TransportProvider):
    """A vendor sending room events to Messenger users, addressed by page-scoped user id."""
