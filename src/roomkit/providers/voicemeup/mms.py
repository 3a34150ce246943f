"""Joining the two webhooks VoiceMeUp sends for one MMS into one inbound message.

:class:`MMSAggregator` holds the first part of an MMS (text or media) until its sibling
arrives from the same sender to the same number on the same channel, then answers the
merged message. A part whose sibling does not come within ``timeout_seconds`` is still
delivered, alone, to the ``on_timeout`` callback (sync or async), with
``metadata["mms_incomplete"] = True``. Timers come from an injectable ``scheduler``
(by default the running event loop's ``call_later``), so tests drive time themselves.

The module-level :func:`parse_voicemeup_webhook` uses one shared aggregator, set up
with :func:`configure_voicemeup_mms`.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from roomkit.errors import InvalidPayloadError
from roomkit.models.delivery import InboundMessage
from roomkit.models.webhook import WebhookMeta
from roomkit.providers.voicemeup.webhook import is_voicemeup_mms_part, voicemeup_webhook_meta

__all__ = [
    "MMSAggregator",
    "MMSTimeoutCallback",
    "Scheduler",
    "TimerHandle",
    "configure_voicemeup_mms",
    "loop_scheduler",
    "merge_parts",
    "parse_voicemeup_webhook",
    "voicemeup_mms_aggregator",
]

logger = logging.getLogger("roomkit.providers.voicemeup")

MMSTimeoutCallback = Callable[[InboundMessage], Awaitable[Any] | None]
"""Receives an MMS part whose sibling never came."""


class TimerHandle(Protocol):
    """A scheduled call that can be cancelled."""

    def cancel(self) -> None:
        """Cancel the call if it has not run yet."""


Scheduler = Callable[[float, Callable[[], None]], TimerHandle]
"""Runs a callback after a delay in seconds, like ``loop.call_later``."""


def loop_scheduler(delay: float, callback: Callable[[], None]) -> TimerHandle:
    """Schedule ``callback`` on the running event loop (call from async code)."""
    return asyncio.get_running_loop().call_later(delay, callback)


@dataclass
class _Part:
    meta: WebhookMeta
    channel_id: str
    timer: TimerHandle


def merge_parts(first: WebhookMeta, second: WebhookMeta) -> WebhookMeta:
    """Join the text part and the media part of one MMS (in either order)."""
    text, media = (second, first) if first.media_urls else (first, second)
    return text.model_copy(
        update={
            "body": text.body or media.body,
            "message_id": text.message_id or media.message_id,
            "media_urls": [*text.media_urls, *media.media_urls],
            "media_types": [*text.media_types, *media.media_types],
            "raw": {"parts": [first.raw, second.raw]},
        }
    )


class MMSAggregator:
    """Buffers split MMS parts and merges siblings within a time window."""

    def __init__(
        self,
        timeout_seconds: float = 5.0,
        on_timeout: MMSTimeoutCallback | None = None,
        *,
        scheduler: Scheduler | None = None,
    ) -> None:
        self._pending: dict[tuple[str, str, str], _Part] = {}
        self._tasks: set[asyncio.Future[Any]] = set()
        self.timeout_seconds = timeout_seconds
        self.on_timeout = on_timeout
        self._scheduler: Scheduler = scheduler or loop_scheduler

    def configure(
        self,
        timeout_seconds: float = 5.0,
        on_timeout: MMSTimeoutCallback | None = None,
        *,
        scheduler: Scheduler | None = None,
    ) -> None:
        """Change the window, the callback and the scheduler (pending parts keep theirs)."""
        self.timeout_seconds = timeout_seconds
        self.on_timeout = on_timeout
        self._scheduler = scheduler or loop_scheduler

    @property
    def pending(self) -> int:
        """How many parts are waiting for their sibling."""
        return len(self._pending)

    def add(self, meta: WebhookMeta, channel_id: str) -> InboundMessage | None:
        """Take one MMS part; return the merged message, or ``None`` while waiting."""
        key = (channel_id, meta.sender, meta.recipient)
        waiting = self._pending.pop(key, None)
        if waiting is not None:
            waiting.timer.cancel()
            if bool(waiting.meta.media_urls) != bool(meta.media_urls):
                return merge_parts(waiting.meta, meta).to_inbound(channel_id)
            # Two parts of the same kind: the older one will never be completed.
            self._release(waiting)
        timer = self._scheduler(self.timeout_seconds, lambda: self._expire(key))
        self._pending[key] = _Part(meta, channel_id, timer)
        return None

    def flush(self) -> None:
        """Deliver every waiting part to ``on_timeout`` now (e.g. before shutting down)."""
        parts = list(self._pending.values())
        self._pending.clear()
        for part in parts:
            part.timer.cancel()
            self._release(part)

    def clear(self) -> None:
        """Forget every waiting part without delivering it."""
        for part in self._pending.values():
            part.timer.cancel()
        self._pending.clear()

    async def drain(self) -> None:
        """Wait for the async ``on_timeout`` calls still running."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def _expire(self, key: tuple[str, str, str]) -> None:
        part = self._pending.pop(key, None)
        if part is not None:
            self._release(part)

    def _release(self, part: _Part) -> None:
        message = part.meta.to_inbound(part.channel_id)
        message.metadata["mms_incomplete"] = True
        callback = self.on_timeout
        if callback is None:
            logger.warning("dropping an MMS part without sibling: no on_timeout callback set")
            return
        try:
            outcome = callback(message)
        except Exception:
            logger.exception("the MMS on_timeout callback failed")
            return
        if inspect.isawaitable(outcome):
            task = asyncio.ensure_future(outcome)
            self._tasks.add(task)
            task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Future[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("the MMS on_timeout callback failed", exc_info=task.exception())


_shared = MMSAggregator()


def voicemeup_mms_aggregator() -> MMSAggregator:
    """Return the aggregator :func:`parse_voicemeup_webhook` uses by default."""
    return _shared


def configure_voicemeup_mms(
    timeout_seconds: float = 5.0,
    on_timeout: MMSTimeoutCallback | None = None,
    *,
    scheduler: Scheduler | None = None,
) -> MMSAggregator:
    """Set the MMS window and the orphan callback of the shared aggregator."""
    _shared.configure(timeout_seconds, on_timeout, scheduler=scheduler)
    return _shared


def parse_voicemeup_webhook(
    payload: Mapping[str, Any], channel_id: str, *, aggregator: MMSAggregator | None = None
) -> InboundMessage | None:
    """Return the inbound message of a VoiceMeUp webhook, or ``None`` while an MMS waits.

    Refuses delivery reports (InvalidPayloadError): use ``extract_sms_meta`` and
    ``kit.process_webhook`` for those.
    """
    meta = voicemeup_webhook_meta(payload)
    if not meta.is_inbound:
        raise InvalidPayloadError(f"voicemeup webhook is a {meta.kind} report, not a message")
    if not is_voicemeup_mms_part(payload):
        return meta.to_inbound(channel_id)
    return (aggregator or _shared).add(meta, channel_id)
