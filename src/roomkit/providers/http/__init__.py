"""HTTP webhook providers: the contract, the signed webhook provider, the parser and a mock.

``WebhookHTTPProvider`` needs httpx and is imported on first access, so importing this
package works without the ``httpx`` extra.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from roomkit.providers.http.base import HTTPProvider
from roomkit.providers.http.config import HTTPProviderConfig
from roomkit.providers.http.inbound import parse_http_webhook
from roomkit.providers.http.mock import MockHTTPProvider
from roomkit.providers.http.signature import (
    HTTP_SIGNATURE_HEADER,
    HTTP_TIMESTAMP_HEADER,
    sign_http_body,
    signed_headers,
    verify_http_signature,
)

if TYPE_CHECKING:
    from roomkit.providers.http.webhook import WebhookHTTPProvider

__all__ = [
    "HTTP_SIGNATURE_HEADER",
    "HTTP_TIMESTAMP_HEADER",
    "HTTPProvider",
    "HTTPProviderConfig",
    "MockHTTPProvider",
    "WebhookHTTPProvider",
    "parse_http_webhook",
    "sign_http_body",
    "signed_headers",
    "verify_http_signature",
]


def __getattr__(name: str) -> Any:
    """Import the httpx-based provider on first access."""
    if name == "WebhookHTTPProvider":
        from roomkit.providers.http.webhook import WebhookHTTPProvider

        return WebhookHTTPProvider
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
