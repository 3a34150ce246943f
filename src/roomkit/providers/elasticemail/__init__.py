"""Elastic Email: the email provider, its config and webhook parsers.

``ElasticEmailProvider`` needs httpx and is imported on first access, so importing this
package works without the ``httpx`` extra.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from roomkit.providers.elasticemail.config import ElasticEmailConfig
from roomkit.providers.elasticemail.webhook import (
    parse_elasticemail_inbound,
    parse_elasticemail_notification,
)

if TYPE_CHECKING:
    from roomkit.providers.elasticemail.email import ElasticEmailProvider

__all__ = [
    "ElasticEmailConfig",
    "ElasticEmailProvider",
    "parse_elasticemail_inbound",
    "parse_elasticemail_notification",
]


def __getattr__(name: str) -> Any:
    """Import the httpx-based provider on first access."""
    if name == "ElasticEmailProvider":
        from roomkit.providers.elasticemail.email import ElasticEmailProvider

        return ElasticEmailProvider
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
