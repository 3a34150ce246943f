"""WebSocket channel: fans events out to the live connections registered with it.

The channel owns no sockets. The host application registers one ``send_fn`` per
connection; delivering an event calls every one of them concurrently.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from roomkit._concurrency import run_concurrently
from roomkit.channels._inbound import inbound_event
from roomkit.channels.base import Channel
from roomkit.channels.capabilities import WEBSOCKET_CAPABILITIES
from roomkit.errors import ErrorCode, ProviderError
from roomkit.models._unvalidated import unvalidated
from roomkit.models.channel import ChannelBinding, ChannelCapabilities, ChannelOutput
from roomkit.models.context import RoomContext
from roomkit.models.delivery import InboundMessage, ProviderResult
from roomkit.models.enums import ChannelType
from roomkit.models.event import RoomEvent

__all__ = ["WEBSOCKET_SEND_FAILED", "SendFn", "WebSocketChannel"]

logger = logging.getLogger("roomkit.channels.websocket")

_new_provider_result = unvalidated(ProviderResult)
_new_output = unvalidated(ChannelOutput)

SendFn = Callable[[str, RoomEvent], Awaitable[None]]
"""Pushes an event to one connection: called as ``send_fn(connection_id, event)``."""

WEBSOCKET_SEND_FAILED = ErrorCode.WEBSOCKET_SEND_FAILED
"""``ProviderError.code`` raised when no connection accepted an event."""


class WebSocketChannel(Channel):
    """A transport channel delivering events to every registered WebSocket connection."""

    channel_type = ChannelType.WEBSOCKET

    def __init__(self, channel_id: str) -> None:
        super().__init__(channel_id)
        self._connections: dict[str, SendFn] = {}

    def capabilities(self) -> ChannelCapabilities:
        """Return what WebSocket clients can receive (text, rich text, media...)."""
        return WEBSOCKET_CAPABILITIES.model_copy(deep=True)

    def register_connection(self, connection_id: str, send_fn: SendFn) -> None:
        """Register (or replace) the send function of ``connection_id``."""
        self._connections[connection_id] = send_fn
        logger.debug("Connection %s registered on %s", connection_id, self.channel_id)

    def unregister_connection(self, connection_id: str) -> bool:
        """Forget ``connection_id``; return whether it was registered."""
        removed = self._connections.pop(connection_id, None) is not None
        if removed:
            logger.debug("Connection %s unregistered from %s", connection_id, self.channel_id)
        return removed

    @property
    def connection_ids(self) -> list[str]:
        """Ids of the registered connections, in registration order."""
        return list(self._connections)

    @property
    def connection_count(self) -> int:
        """Number of registered connections."""
        return len(self._connections)

    async def handle_inbound(self, message: InboundMessage, context: RoomContext) -> RoomEvent:
        """Build the room event for a message sent by a WebSocket client."""
        return inbound_event(
            message, context, channel_id=self.channel_id, channel_type=self.channel_type
        )

    async def deliver(
        self, event: RoomEvent, binding: ChannelBinding, context: RoomContext
    ) -> ChannelOutput:
        """Send ``event`` to every connection; fail only if every connection failed."""
        targets = list(self._connections.items())
        if not targets:
            return _new_output(provider_result=_new_provider_result(success=True))
        results = await run_concurrently(
            [send_fn(connection_id, event) for connection_id, send_fn in targets]
        )
        failed: list[str] = []
        for (connection_id, _), outcome in zip(targets, results, strict=True):
            if isinstance(outcome, BaseException):
                if not isinstance(outcome, Exception):
                    raise outcome
                failed.append(connection_id)
                logger.warning(
                    "Sending event %s to connection %s on %s failed: %r",
                    event.id,
                    connection_id,
                    self.channel_id,
                    outcome,
                )
        if len(failed) == len(targets):
            raise ProviderError(
                f"Event {event.id} reached none of the {len(targets)} connections "
                f"of channel {self.channel_id!r}",
                code=WEBSOCKET_SEND_FAILED,
                retryable=False,
                provider="websocket",
            )
        result = _new_provider_result(
            success=True,
            metadata={"delivered": len(targets) - len(failed), "failed": failed},
        )
        return _new_output(provider_result=result)

    async def close(self) -> None:
        """Forget every connection."""
        self._connections.clear()
