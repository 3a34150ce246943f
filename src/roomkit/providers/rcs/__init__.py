"""RCS providers: the RCSProvider contract and an in-memory mock."""

from __future__ import annotations

from roomkit.providers.rcs.base import RCSProvider
from roomkit.providers.rcs.mock import RCS_UNAVAILABLE, MockRCSProvider

__all__ = ["RCS_UNAVAILABLE", "MockRCSProvider", "RCSProvider"]
