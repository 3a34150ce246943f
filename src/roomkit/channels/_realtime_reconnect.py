"""Reopening a provider session the vendor dropped while the participant is still there.

When a provider gives a session up (marks it ENDED and reports it through ``on_error``)
the realtime voice channel may ask a :class:`Reconnector` to open it again: the same
:class:`RealtimeSession` object, the same connect settings, up to ``attempts`` tries
with exponential backoff (``base_delay * 2 ** n`` seconds, capped at ``max_delay``,
computed by :func:`roomkit.core.retry.compute_delay`). Before each try the session is
CONNECTING, so the client's audio is dropped rather than buffered, the framework event
``realtime_reconnecting`` is emitted and the client is sent ``reconnecting``; once a try
succeeds the session is ACTIVE again, with ``realtime_reconnected`` and ``reconnected``.
An error that is not worth retrying (a refused key, a bad setting: see
:func:`roomkit.core.retry.default_is_retryable`) stops the tries early.

The tries are one budget until a reopened session has stayed up ``stable_seconds``: a
vendor that accepts the connection and drops it again at once uses the budget up
instead of being reconnected forever. The waits go through an injectable ``sleep`` and
the stability window is read from an injectable monotonic ``clock``, so tests need no
real time.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from roomkit.channels._realtime_media import EmitFn, RealtimeMedia, attempt
from roomkit.channels._realtime_session import SessionLink
from roomkit.core.retry import compute_delay, default_is_retryable
from roomkit.errors import ConfigurationError
from roomkit.models.channel import RetryPolicy
from roomkit.voice.realtime.base import RealtimeSessionState
from roomkit.voice.realtime.provider import RealtimeVoiceProvider

__all__ = [
    "STABLE_SECONDS",
    "MonotonicFn",
    "ReconnectFailure",
    "Reconnector",
    "SleepFn",
    "reconnect_policy",
]

logger = logging.getLogger("roomkit.channels.realtime_voice")

SleepFn = Callable[[float], Awaitable[object]]
"""Waits the given number of seconds (``asyncio.sleep``, or a fake one in tests)."""

MonotonicFn = Callable[[], float]
"""Reads a monotonic clock in seconds (``time.monotonic``, or a fake one in tests)."""

STABLE_SECONDS = 30.0
"""How long a reopened session must stay up before a new loss gets a fresh budget."""


def reconnect_policy(attempts: int, base_delay: float, max_delay: float) -> RetryPolicy:
    """The backoff of the channel's reconnect options; ConfigurationError when invalid."""
    if attempts < 0:
        raise ConfigurationError("reconnect_attempts must be 0 or more")
    if base_delay < 0 or max_delay < base_delay:
        raise ConfigurationError("reconnect delays need 0 <= reconnect_base_delay <= max_delay")
    return RetryPolicy(
        max_retries=attempts,
        base_delay_seconds=base_delay,
        max_delay_seconds=max_delay,
        exponential_base=2.0,
        jitter=0.0,
    )


@dataclass(frozen=True, slots=True)
class ReconnectFailure:
    """Why a session could not be reopened: the tries made and the last error."""

    attempts: int
    error: Exception

    def details(self) -> dict[str, Any]:
        """What the ``realtime_session_ended`` event records about the failure."""
        return {
            "reconnect_attempts": self.attempts,
            "error": f"{type(self.error).__name__}: {self.error}",
        }


class Reconnector:
    """Reopens the provider sessions of one realtime voice channel after a loss."""

    def __init__(
        self,
        provider: RealtimeVoiceProvider,
        media: RealtimeMedia,
        policy: RetryPolicy,
        *,
        emit: EmitFn,
        sleep: SleepFn = asyncio.sleep,
        clock: MonotonicFn = time.monotonic,
        stable_seconds: float = STABLE_SECONDS,
    ) -> None:
        self._provider = provider
        self._media = media
        self.policy = policy
        self._emit = emit
        self._sleep = sleep
        self._clock = clock
        self._stable_seconds = stable_seconds

    @property
    def enabled(self) -> bool:
        """Whether a lost session is reconnected at all (``attempts`` > 0)."""
        return self.policy.max_retries > 0

    async def run(self, link: SessionLink) -> ReconnectFailure | None:
        """Reopen ``link``'s provider session; ``None`` once it is live again.

        Cancelling the task running this (the session is being ended) stops it at once.
        """
        session = link.session
        session.state = RealtimeSessionState.CONNECTING
        await self._media.set_speaking(link, False)  # the answer in progress is gone
        release = self._provider.disconnect(session)
        await attempt(release, "releasing the lost provider session", session)
        failure: ReconnectFailure | None = None
        first = self._first_attempt(link)
        if first > self.policy.max_retries:
            link.reconnect_attempts_used = 0
            error = ConnectionError(
                "the vendor keeps dropping the session right after a reconnect"
            )
            return ReconnectFailure(self.policy.max_retries, error)
        for number in range(first, self.policy.max_retries + 1):
            delay = compute_delay(self.policy, number - 1)
            session.state = RealtimeSessionState.CONNECTING
            await self._emit("realtime_reconnecting", session, attempt=number, delay=delay)
            await self._media.tell(
                session, {"type": "reconnecting", "attempt": number, "delay": delay}
            )
            await self._sleep(delay)
            try:
                await link.options.connect(self._provider, session)
            except Exception as exc:
                failure = ReconnectFailure(number, exc)
                logger.warning(
                    "reconnect %d of realtime session %s failed: %s",
                    number,
                    session.id,
                    type(exc).__name__,
                )
                if not default_is_retryable(exc):
                    break
                continue
            link.reconnect_attempts_used = number
            link.reconnected_at = self._clock()
            await self._reconnected(link, number)
            return None
        return failure or ReconnectFailure(0, ConnectionError("reconnecting is turned off"))

    def _first_attempt(self, link: SessionLink) -> int:
        """Number of the next try: 1, or after the last one if the session never settled."""
        if link.reconnected_at is None:
            return 1
        if self._clock() - link.reconnected_at >= self._stable_seconds:
            return 1
        return link.reconnect_attempts_used + 1

    async def _reconnected(self, link: SessionLink, number: int) -> None:
        session = link.session
        session.state = RealtimeSessionState.ACTIVE
        link.audio_failed = False
        logger.info("realtime session %s reconnected (attempt %d)", session.id, number)
        await self._media.tell(session, {"type": "reconnected", "attempt": number})
        await self._emit("realtime_reconnected", session, attempt=number)
