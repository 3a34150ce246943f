"""What the channels an AI reply will reach can carry, and how to tell the model.

The AI answers the whole room, so the reply has to suit the most limited transport in
it: the shortest ``max_length``, the media types every channel accepts, and a feature
only when every channel has it. Providers tell the model (see
``roomkit.providers.ai._wire.capability_note``); the transcoder still trims what slips
through.
"""

from __future__ import annotations

from typing import Any

from roomkit.models._clone import clone
from roomkit.models.channel import ChannelBinding, ChannelCapabilities
from roomkit.models.context import RoomContext
from roomkit.models.enums import Access, ChannelCategory, ChannelDirection

__all__ = ["merge_capabilities", "target_capabilities"]

_RECEIVING = (Access.READ_WRITE, Access.READ_ONLY)
_FLAGS = [
    name for name, info in ChannelCapabilities.model_fields.items() if info.annotation is bool
]
_LIMITS = ("max_length", "max_buttons", "max_media_size_bytes")


def _reached_by(binding: ChannelBinding, channel_id: str) -> bool:
    return (
        binding.channel_id != channel_id
        and binding.category == ChannelCategory.TRANSPORT
        and binding.access in _RECEIVING
        and binding.direction != ChannelDirection.INBOUND
    )


def target_capabilities(context: RoomContext, channel_id: str) -> ChannelCapabilities | None:
    """The capabilities every transport of the room shares, or None without transports."""
    targets = [b.capabilities for b in context.bindings if _reached_by(b, channel_id)]
    return merge_capabilities(targets) if targets else None


def merge_capabilities(capabilities: list[ChannelCapabilities]) -> ChannelCapabilities:
    """The most restrictive combination of ``capabilities`` (at least one)."""
    first = capabilities[0]
    # Channels of one kind (two WebSockets, say) have equal capabilities; merging equal
    # ones changes nothing, so only the distinct ones are merged, and a room whose
    # transports all agree gets a copy of theirs without the field-by-field work.
    rest = [c for c in capabilities[1:] if c.__dict__ != first.__dict__]
    if not rest and type(first) is ChannelCapabilities:
        return clone(first)
    capabilities = [first, *rest]
    merged: dict[str, Any] = {
        "media_types": [m for m in first.media_types if all(m in c.media_types for c in rest)],
        "supported_media_types": [
            m
            for m in first.supported_media_types
            if all(m in c.supported_media_types for c in rest)
        ],
        "delivery_mode": first.delivery_mode,
    }
    for name in _FLAGS:
        merged[name] = all(getattr(c, name) for c in capabilities)
    for name in _LIMITS:
        values = [getattr(c, name) for c in capabilities if getattr(c, name) is not None]
        merged[name] = min(values) if values else None
    return ChannelCapabilities(**merged)
