"""The HTTPProvider contract every HTTP webhook vendor implements."""

from __future__ import annotations

from roomkit.providers.base import TransportProvider

__all__ = ["HTTPProvider"]


class HTTPProvider(TransportProvider):
    """A vendor posting room events to an HTTP endpoint, addressed by recipient id."""
