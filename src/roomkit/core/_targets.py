"""Who may receive an event: visibility rules and the fallback for a failed delivery."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from roomkit.channels.base import Channel
from roomkit.models.channel import ChannelBinding
from roomkit.models.context import RoomContext
from roomkit.models.enums import Access, ChannelCategory

__all__ = ["fallback_target", "is_visible"]

logger = logging.getLogger("roomkit.event_router")


def fallback_target(
    binding: ChannelBinding,
    context: RoomContext,
    channels: Mapping[str, Channel],
    already_reached: set[str],
) -> tuple[ChannelBinding, Channel] | None:
    """Return the binding's ``fallback_channel_id`` target if it can take the event.

    It must be a transport channel attached to the room with any access but NONE (so a
    WRITE_ONLY binding can serve as a fallback only) that the broadcast did not reach.
    """
    fallback_id = binding.metadata.get("fallback_channel_id")
    if not isinstance(fallback_id, str) or fallback_id in already_reached:
        return None
    target = context.get_binding(fallback_id)
    channel = channels.get(fallback_id)
    if (
        target is None
        or channel is None
        or target.access == Access.NONE
        or target.category != ChannelCategory.TRANSPORT
    ):
        logger.warning("fallback channel %r of %r is unusable", fallback_id, binding.channel_id)
        return None
    return target, channel


def is_visible(visibility: str, binding: ChannelBinding) -> bool:
    """Return whether an event with ``visibility`` may reach the bound channel.

    ``all`` reaches everyone, ``none`` no one, ``transport`` / ``intelligence`` a
    category, anything else is a comma-separated list of channel ids.
    """
    if visibility == "all":
        return True
    if visibility == "none":
        return False
    if visibility == "transport":
        return binding.category == ChannelCategory.TRANSPORT
    if visibility == "intelligence":
        return binding.category == ChannelCategory.INTELLIGENCE
    return binding.channel_id in {part.strip() for part in visibility.split(",")}
