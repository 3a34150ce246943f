"""One data-driven channel class for every message transport (SMS, email, chat apps...).

A :class:`TransportChannel` is configured rather than subclassed: its channel type,
capabilities, the binding-metadata key holding the recipient address and the default
options passed to the provider are all constructor arguments.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from roomkit.channels._inbound import inbound_event
from roomkit.channels.base import Channel
from roomkit.errors import ConfigurationError, ErrorCode, ProviderError
from roomkit.models.channel import ChannelBinding, ChannelCapabilities, ChannelOutput
from roomkit.models.content import CompositeContent, EventContent, MediaContent
from roomkit.models.context import RoomContext
from roomkit.models.delivery import InboundMessage
from roomkit.models.enums import ChannelDirection, ChannelType
from roomkit.models.event import RoomEvent
from roomkit.providers.base import TransportProvider

__all__ = ["DELIVERY_FAILED", "TransportChannel"]

logger = logging.getLogger("roomkit.channels.transport")

DELIVERY_FAILED = ErrorCode.DELIVERY_FAILED
"""``ProviderError.code`` raised when a provider reports an unsuccessful send."""


class TransportChannel(Channel):
    """A transport channel whose behaviour comes from its configuration.

    ``recipient_key`` names the binding-metadata field holding the delivery address.
    ``defaults`` are extra keyword options for ``provider.send``; a default whose value
    is ``None`` is read from the binding metadata under the same key at delivery time
    and left out if the binding does not have it either.
    """

    def __init__(
        self,
        channel_id: str,
        channel_type: ChannelType,
        *,
        provider: TransportProvider | None = None,
        capabilities: ChannelCapabilities | None = None,
        recipient_key: str = "recipient_id",
        defaults: Mapping[str, Any] | None = None,
        direction: ChannelDirection = ChannelDirection.BIDIRECTIONAL,
    ) -> None:
        super().__init__(channel_id)
        self.channel_type = channel_type
        self.direction = direction
        self.provider = provider
        self.recipient_key = recipient_key
        self.defaults: dict[str, Any] = dict(defaults or {})
        self._capabilities = (capabilities or ChannelCapabilities()).model_copy(deep=True)

    def capabilities(self) -> ChannelCapabilities:
        """Return a copy of the capabilities this channel was configured with."""
        return self._capabilities.model_copy(deep=True)

    async def handle_inbound(self, message: InboundMessage, context: RoomContext) -> RoomEvent:
        """Build the room event for a message received on this channel."""
        channel_type = self.channel_type
        if channel_type is ChannelType.SMS and _carries_media(message.content):
            channel_type = ChannelType.MMS
        return inbound_event(
            message,
            context,
            channel_id=self.channel_id,
            channel_type=channel_type,
            provider=self.provider.name if self.provider is not None else None,
        )

    async def deliver(
        self, event: RoomEvent, binding: ChannelBinding, context: RoomContext
    ) -> ChannelOutput:
        """Send ``event`` to the recipient named in the binding metadata."""
        provider = self._require_provider()
        recipient = self.resolve_recipient(binding)
        options = self.resolve_options(binding)
        result = await provider.send(event, to=recipient, **options)
        if not result.success:
            logger.warning(
                "Delivery of event %s on channel %s failed: %s",
                event.id,
                self.channel_id,
                result.error,
            )
            raise ProviderError(
                result.error or f"{provider.name} reported an unsuccessful send",
                code=DELIVERY_FAILED,
                retryable=bool(result.metadata.get("retryable", False)),
                provider=provider.name,
            )
        return ChannelOutput(provider_result=result)

    def resolve_recipient(self, binding: ChannelBinding) -> str:
        """Return the delivery address stored in the binding under ``recipient_key``."""
        recipient = binding.metadata.get(self.recipient_key)
        if recipient is None or recipient == "":
            raise ConfigurationError(
                f"Channel {self.channel_id!r} cannot deliver in room {binding.room_id!r}: "
                f"binding metadata has no {self.recipient_key!r}"
            )
        return str(recipient)

    def resolve_options(self, binding: ChannelBinding) -> dict[str, Any]:
        """Return the provider options: configured defaults, ``None`` ones from the binding."""
        options: dict[str, Any] = {}
        for key, value in self.defaults.items():
            resolved = binding.metadata.get(key) if value is None else value
            if resolved is not None:
                options[key] = resolved
        return options

    def binding_metadata_for(self, message: InboundMessage) -> dict[str, Any]:
        """Remember the sender as the recipient of replies in an auto-created room."""
        return {self.recipient_key: message.sender_id}

    async def close(self) -> None:
        """Close the provider, if any."""
        if self.provider is not None:
            await self.provider.close()

    def _require_provider(self) -> TransportProvider:
        if self.provider is None:
            raise ConfigurationError(
                f"Channel {self.channel_id!r} has no provider: pass provider=... to deliver"
            )
        return self.provider


def _carries_media(content: EventContent) -> bool:
    if isinstance(content, MediaContent):
        return True
    if isinstance(content, CompositeContent):
        return any(_carries_media(part) for part in content.parts)
    return False
