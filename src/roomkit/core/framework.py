"""The RoomKit orchestrator: a thin facade over the pipeline mixins and injected services."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from types import TracebackType
from typing import Any, Self, TypeVar

from roomkit.core._channel_ops import ChannelOpsMixin
from roomkit.core._helpers import HelpersMixin
from roomkit.core._identity import IdentityHookFn
from roomkit.core._inbound import InboundMixin
from roomkit.core._recent import RecentEvents
from roomkit.core._room_lifecycle import RoomLifecycleMixin
from roomkit.core.circuit_breaker import CircuitBreaker
from roomkit.core.event_router import EventRouter
from roomkit.core.hooks import HookEngine, HookFn
from roomkit.core.inbound_router import DefaultInboundRoomRouter, InboundRoomRouter
from roomkit.core.locks import InMemoryLockManager, RoomLockManager
from roomkit.core.rate_limiter import TokenBucketRateLimiter
from roomkit.core.transcoder import ContentTranscoder, DefaultContentTranscoder
from roomkit.identity.base import IdentityResolver
from roomkit.models._util import utcnow
from roomkit.models.enums import ChannelDirection, ChannelType, HookExecution, HookTrigger
from roomkit.realtime.base import RealtimeBackend
from roomkit.realtime.memory import InMemoryRealtime
from roomkit.store.base import ConversationStore
from roomkit.store.memory import InMemoryStore
from roomkit.telemetry import Telemetry
from roomkit.voice.backends.base import VoiceBackend
from roomkit.voice.stt.base import STTProvider
from roomkit.voice.tts.base import TTSProvider

__all__ = ["RoomKit"]

logger = logging.getLogger("roomkit.framework")

F = TypeVar("F", bound=Callable[..., Any])


class RoomKit(InboundMixin, ChannelOpsMixin, RoomLifecycleMixin, HelpersMixin):
    """Central orchestrator tying rooms, channels, hooks and storage together.

    Use it as ``async with RoomKit() as kit:`` so channels, providers and backends are
    closed on exit. Every collaborator is injectable; the defaults keep everything in
    memory in one process. ``clock`` drives room timers (and the default store);
    ``breaker_factory`` builds each channel's circuit breaker and ``rate_limiter``
    enforces binding rate limits, so tests can give both a fake clock. ``telemetry``
    records spans and metrics (``OpenTelemetryTelemetry``); the default records nothing.
    """

    def __init__(
        self,
        store: ConversationStore | None = None,
        identity_resolver: IdentityResolver | None = None,
        identity_channel_types: Iterable[ChannelType] | None = None,
        inbound_router: InboundRoomRouter | None = None,
        lock_manager: RoomLockManager | None = None,
        realtime: RealtimeBackend | None = None,
        max_chain_depth: int = 5,
        identity_timeout: float = 10.0,
        process_timeout: float = 30.0,
        *,
        stt: STTProvider | None = None,
        tts: TTSProvider | None = None,
        voice: VoiceBackend | None = None,
        transcoder: ContentTranscoder | None = None,
        context_window: int = 50,
        clock: Callable[[], datetime] = utcnow,
        breaker_factory: Callable[[], CircuitBreaker] | None = None,
        rate_limiter: TokenBucketRateLimiter | None = None,
        telemetry: Telemetry | None = None,
    ) -> None:
        if max_chain_depth < 0:
            raise ValueError("max_chain_depth must be >= 0")
        if identity_timeout <= 0 or process_timeout <= 0:
            raise ValueError("timeouts must be positive")
        self._store = store if store is not None else InMemoryStore(clock=clock)
        self._telemetry = telemetry if telemetry is not None else Telemetry()
        self._hook_engine = HookEngine(self._telemetry)
        self._channels = {}
        self._inbound_router = inbound_router or DefaultInboundRoomRouter(self._store)
        self._lock_manager = lock_manager or InMemoryLockManager()
        self._realtime = realtime or InMemoryRealtime()
        self._identity_resolver = identity_resolver
        self._identity_channel_types = (
            frozenset(identity_channel_types) if identity_channel_types is not None else None
        )
        self._identity_hooks = []
        self._max_chain_depth = max_chain_depth
        self._identity_timeout = identity_timeout
        self._process_timeout = process_timeout
        self._framework_handlers = {}
        self._delivery_handlers = []
        self._clock = clock
        self._recent = RecentEvents(window=context_window)
        self._stt, self._tts, self._voice = stt, tts, voice
        self._event_router = EventRouter(
            self._channels,
            transcoder or DefaultContentTranscoder(),
            max_chain_depth=max_chain_depth,
            rate_limiter=rate_limiter,
            breaker_factory=breaker_factory or CircuitBreaker,
            emit=self._emit,
            telemetry=self._telemetry,
        )
        self._closed = False

    # --- properties -----------------------------------------------------------------

    @property
    def store(self) -> ConversationStore:
        """The conversation store."""
        return self._store

    @property
    def hook_engine(self) -> HookEngine:
        """The hook engine holding global and per-room hooks."""
        return self._hook_engine

    @property
    def realtime(self) -> RealtimeBackend:
        """The backend carrying ephemeral events (typing, presence, read receipts)."""
        return self._realtime

    @property
    def telemetry(self) -> Telemetry:
        """The recorder of spans and metrics (disabled unless one was given)."""
        return self._telemetry

    @property
    def event_router(self) -> EventRouter:
        """The router broadcasting events (and holding per-channel circuit breakers)."""
        return self._event_router

    # --- hook registration ------------------------------------------------------------

    def hook(
        self,
        trigger: HookTrigger,
        execution: HookExecution = HookExecution.SYNC,
        priority: int = 0,
        name: str = "",
        timeout: float = 30.0,
        channel_types: Iterable[ChannelType] | None = None,
        channel_ids: Iterable[str] | None = None,
        directions: Iterable[ChannelDirection] | None = None,
    ) -> Callable[[F], F]:
        """Decorator registering a global hook for ``trigger`` (lower priority runs first)."""

        def register(fn: F) -> F:
            self._hook_engine.register(
                HookEngine.make(
                    trigger,
                    fn,
                    execution=execution,
                    priority=priority,
                    name=name,
                    timeout=timeout,
                    channel_types=channel_types,
                    channel_ids=channel_ids,
                    directions=directions,
                )
            )
            return fn

        return register

    def add_room_hook(
        self,
        room_id: str,
        trigger: HookTrigger,
        execution: HookExecution,
        fn: HookFn,
        priority: int = 0,
        name: str = "",
    ) -> None:
        """Register a hook that runs for one room only."""
        self._hook_engine.add_room_hook(
            room_id,
            HookEngine.make(trigger, fn, execution=execution, priority=priority, name=name),
        )

    def remove_room_hook(self, room_id: str, name: str) -> bool:
        """Remove a room hook by name; return whether one was removed."""
        return self._hook_engine.remove_room_hook(room_id, name)

    def on(self, event_type: str) -> Callable[[F], F]:
        """Decorator subscribing to framework events of a type (``"*"`` for all)."""

        def register(fn: F) -> F:
            self._framework_handlers.setdefault(event_type, []).append(fn)
            return fn

        return register

    def identity_hook(
        self,
        trigger: HookTrigger,
        channel_types: Iterable[ChannelType] | None = None,
        channel_ids: Iterable[str] | None = None,
        directions: Iterable[ChannelDirection] | None = None,
    ) -> Callable[[F], F]:
        """Decorator for ON_IDENTITY_AMBIGUOUS / ON_IDENTITY_UNKNOWN hooks."""
        if trigger not in (HookTrigger.ON_IDENTITY_AMBIGUOUS, HookTrigger.ON_IDENTITY_UNKNOWN):
            raise ValueError("identity hooks take ON_IDENTITY_AMBIGUOUS or ON_IDENTITY_UNKNOWN")

        def register(fn: F) -> F:
            hook_fn: IdentityHookFn = fn
            self._identity_hooks.append(
                HookEngine.make(
                    trigger,
                    hook_fn,
                    channel_types=channel_types,
                    channel_ids=channel_ids,
                    directions=directions,
                )
            )
            return fn

        return register

    def on_delivery_status(self, fn: F) -> F:
        """Decorator registering a handler for provider delivery-status reports."""
        self._delivery_handlers.append(fn)
        return fn

    # --- lifecycle ----------------------------------------------------------------------

    async def close(self) -> None:
        """Close channels, providers, the realtime backend, locks and the store."""
        if self._closed:
            return
        self._closed = True
        closers = [ch.close for ch in self._channels.values()]
        closers += [self._realtime.close, self._lock_manager.close, self._store.close]
        closers += [c.close for c in (self._stt, self._tts, self._voice) if c is not None]
        for close in closers:
            try:
                await close()
            except Exception:
                logger.exception("error while closing %r", close)

    async def __aenter__(self) -> Self:
        """Enter ``async with``: the kit is ready to use."""
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Leave ``async with``: close everything the kit holds."""
        await self.close()
