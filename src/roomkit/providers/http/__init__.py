"""HTTP webhook providers: the HTTPProvider contract and an in-memory mock."""

from __future__ import annotations

from roomkit.providers.http.base import HTTPProvider
from roomkit.providers.http.mock import MockHTTPProvider

__all__ = ["MockHTTPProvider", "HTTPProvider"]
