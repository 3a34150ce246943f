"""Identity resolution: finding out who sent an inbound message."""

from __future__ import annotations

from roomkit.identity.base import IdentityResolver
from roomkit.identity.mock import MockIdentityResolver

__all__ = ["IdentityResolver", "MockIdentityResolver"]
