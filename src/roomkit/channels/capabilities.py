"""What each built-in channel can carry, as ready-made :class:`ChannelCapabilities`.

The constants are templates: channels hand out copies, so changing the capabilities
of one channel never changes another.
"""

from __future__ import annotations

from roomkit.models.channel import ChannelCapabilities
from roomkit.models.enums import ChannelMediaType

__all__ = [
    "EMAIL_CAPABILITIES",
    "HTTP_CAPABILITIES",
    "MESSENGER_CAPABILITIES",
    "RCS_CAPABILITIES",
    "SMS_CAPABILITIES",
    "WEBSOCKET_CAPABILITIES",
    "WHATSAPP_CAPABILITIES",
]

_TEXT = ChannelMediaType.TEXT
_RICH = ChannelMediaType.RICH
_MEDIA = ChannelMediaType.MEDIA
_LOCATION = ChannelMediaType.LOCATION
_TEMPLATE = ChannelMediaType.TEMPLATE

SMS_CAPABILITIES = ChannelCapabilities(
    media_types=[_TEXT, _MEDIA],
    max_length=1600,
    supports_media=True,
    supports_read_receipts=True,
)
"""SMS (and MMS for attachments): 1600 characters, media, read receipts."""

RCS_CAPABILITIES = ChannelCapabilities(
    media_types=[_TEXT, _RICH, _MEDIA, _LOCATION, _TEMPLATE],
    max_length=3000,
    supports_rich_text=True,
    supports_media=True,
    supports_templates=True,
    supports_buttons=True,
    supports_quick_replies=True,
    supports_cards=True,
    supports_read_receipts=True,
)
"""RCS: rich cards, buttons, quick replies, locations and templates up to 3000 characters."""

EMAIL_CAPABILITIES = ChannelCapabilities(
    media_types=[_TEXT, _RICH, _MEDIA],
    supports_rich_text=True,
    supports_media=True,
    supports_threading=True,
)
"""Email: formatted bodies, attachments and threads, no length limit."""

MESSENGER_CAPABILITIES = ChannelCapabilities(
    media_types=[_TEXT, _RICH, _MEDIA, _TEMPLATE],
    max_length=2000,
    supports_rich_text=True,
    supports_media=True,
    supports_templates=True,
    supports_buttons=True,
    max_buttons=3,
    supports_quick_replies=True,
    supports_read_receipts=True,
)
"""Facebook Messenger: 2000 characters, up to three buttons, quick replies."""

WHATSAPP_CAPABILITIES = ChannelCapabilities(
    media_types=[_TEXT, _RICH, _MEDIA, _LOCATION, _TEMPLATE],
    max_length=4096,
    supports_rich_text=True,
    supports_media=True,
    supports_templates=True,
    supports_buttons=True,
    max_buttons=3,
    supports_quick_replies=True,
    supports_reactions=True,
    supports_read_receipts=True,
    supports_typing=True,
)
"""WhatsApp: 4096 characters, templates, up to three buttons, reactions, typing."""

HTTP_CAPABILITIES = ChannelCapabilities(
    media_types=[_TEXT, _RICH],
    supports_rich_text=True,
)
"""Generic HTTP webhook: text and formatted text."""

WEBSOCKET_CAPABILITIES = ChannelCapabilities(
    media_types=[_TEXT, _RICH, _MEDIA],
    supports_rich_text=True,
    supports_media=True,
    supports_typing=True,
    supports_reactions=True,
    supports_read_receipts=True,
)
"""WebSocket: text, formatted text and media with typing, reactions and read receipts."""
