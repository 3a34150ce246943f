"""Calling a list of registered async callbacks without letting one failure stop the rest."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

__all__ = ["call_each"]


async def call_each(
    logger: logging.Logger,
    kind: str,
    callbacks: Sequence[Callable[..., Awaitable[None]]],
    *args: Any,
) -> None:
    """Await each callback in turn; log a failing one and go on with the rest."""
    for callback in list(callbacks):
        try:
            await callback(*args)
        except Exception:
            logger.exception("%s callback %r failed", kind, callback)
