"""The RCS send policy shared by vendor providers: check, send over RCS, or fall back to SMS.

A recipient without RCS gets the message through ``fallback_provider`` (an
:class:`SMSProvider`) when the send allows fallback; the result then says
``metadata["fallback"] = True``. Without fallback (or without an SMS provider) the send
fails with ``code`` :attr:`~roomkit.errors.ErrorCode.RCS_UNAVAILABLE`, not retryable.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from roomkit.errors import ErrorCode, ProviderError
from roomkit.models.delivery import ProviderResult
from roomkit.models.event import RoomEvent
from roomkit.providers._send_results import failure_from_error, vendor_failure
from roomkit.providers.sms.base import SMSProvider

__all__ = ["send_with_fallback"]

logger = logging.getLogger("roomkit.providers.rcs")


async def send_with_fallback(
    *,
    vendor: str,
    event: RoomEvent,
    to: str,
    fallback: bool,
    fallback_provider: SMSProvider | None,
    check: Callable[[str], Awaitable[bool]],
    send_rcs: Callable[[], Awaitable[ProviderResult]],
) -> ProviderResult:
    """Send over RCS when ``to`` supports it; otherwise fall back to SMS or refuse."""
    try:
        capable = await check(to)
    except ProviderError as error:
        return failure_from_error(error)
    if capable:
        result = await send_rcs()
        result.metadata.setdefault("fallback", False)
        return result
    if fallback and fallback_provider is not None:
        logger.info("%s: recipient has no RCS, sending event %s by SMS", vendor, event.id)
        sms = await fallback_provider.send(event, to)
        return sms.model_copy(
            update={
                "metadata": {
                    **sms.metadata,
                    "fallback": True,
                    "fallback_provider": fallback_provider.name,
                }
            }
        )
    why = "fallback was not allowed" if not fallback else "no SMS fallback provider is set"
    return vendor_failure(
        f"{vendor}: the recipient cannot receive RCS and {why}",
        code=None,
        reason=ErrorCode.RCS_UNAVAILABLE,
        fallback=False,
    )
