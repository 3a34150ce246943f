"""Channels: the Channel contract, the data-driven transport factories, WebSocket and AI.

Every message transport is a :class:`TransportChannel`; the factory functions below
configure one per medium with its capabilities, the binding-metadata key holding the
recipient address, and the default options handed to the provider.
"""

from __future__ import annotations

from roomkit.channels.ai import AIChannel
from roomkit.channels.base import Channel, content_text
from roomkit.channels.capabilities import (
    EMAIL_CAPABILITIES,
    HTTP_CAPABILITIES,
    MESSENGER_CAPABILITIES,
    RCS_CAPABILITIES,
    SMS_CAPABILITIES,
    WEBSOCKET_CAPABILITIES,
    WHATSAPP_CAPABILITIES,
)
from roomkit.channels.realtime_voice import RealtimeToolHandler, RealtimeVoiceChannel
from roomkit.channels.transport import TransportChannel
from roomkit.channels.voice import VoiceChannel
from roomkit.channels.websocket import SendFn, WebSocketChannel
from roomkit.models.enums import ChannelType
from roomkit.providers.email.base import EmailProvider
from roomkit.providers.http.base import HTTPProvider
from roomkit.providers.messenger.base import MessengerProvider
from roomkit.providers.rcs.base import RCSProvider
from roomkit.providers.sms.base import SMSProvider
from roomkit.providers.whatsapp.base import WhatsAppProvider

__all__ = [
    "EMAIL_CAPABILITIES",
    "HTTP_CAPABILITIES",
    "MESSENGER_CAPABILITIES",
    "RCS_CAPABILITIES",
    "SMS_CAPABILITIES",
    "WEBSOCKET_CAPABILITIES",
    "WHATSAPP_CAPABILITIES",
    "AIChannel",
    "Channel",
    "EmailChannel",
    "HTTPChannel",
    "MMSChannel",
    "MessengerChannel",
    "RCSChannel",
    "RealtimeToolHandler",
    "RealtimeVoiceChannel",
    "SMSChannel",
    "SendFn",
    "TransportChannel",
    "VoiceChannel",
    "WebSocketChannel",
    "WhatsAppChannel",
    "content_text",
]


def SMSChannel(  # noqa: N802 - factory named like the channel it builds
    channel_id: str, *, provider: SMSProvider | None = None, from_number: str | None = None
) -> TransportChannel:
    """Build an SMS channel delivering to ``binding.metadata["phone_number"]``."""
    return TransportChannel(
        channel_id,
        ChannelType.SMS,
        provider=provider,
        capabilities=SMS_CAPABILITIES,
        recipient_key="phone_number",
        defaults={"from_": from_number},
    )


def MMSChannel(  # noqa: N802 - factory named like the channel it builds
    channel_id: str, *, provider: SMSProvider | None = None, from_number: str | None = None
) -> TransportChannel:
    """Build an MMS channel delivering to ``binding.metadata["phone_number"]``."""
    return TransportChannel(
        channel_id,
        ChannelType.MMS,
        provider=provider,
        capabilities=SMS_CAPABILITIES,
        recipient_key="phone_number",
        defaults={"from_": from_number},
    )


def RCSChannel(  # noqa: N802 - factory named like the channel it builds
    channel_id: str, *, provider: RCSProvider | None = None
) -> TransportChannel:
    """Build an RCS channel delivering to ``binding.metadata["phone_number"]``."""
    return TransportChannel(
        channel_id,
        ChannelType.RCS,
        provider=provider,
        capabilities=RCS_CAPABILITIES,
        recipient_key="phone_number",
    )


def EmailChannel(  # noqa: N802 - factory named like the channel it builds
    channel_id: str, *, provider: EmailProvider | None = None, from_address: str | None = None
) -> TransportChannel:
    """Build an email channel delivering to ``binding.metadata["email_address"]``.

    ``subject`` and ``email_thread`` (Message-ID / References of the conversation) are
    read from the binding's metadata at delivery time, so replies stay in one thread.
    """
    return TransportChannel(
        channel_id,
        ChannelType.EMAIL,
        provider=provider,
        capabilities=EMAIL_CAPABILITIES,
        recipient_key="email_address",
        defaults={"from_": from_address, "subject": None, "email_thread": None},
    )


def WhatsAppChannel(  # noqa: N802 - factory named like the channel it builds
    channel_id: str, *, provider: WhatsAppProvider | None = None
) -> TransportChannel:
    """Build a WhatsApp channel delivering to ``binding.metadata["phone_number"]``."""
    return TransportChannel(
        channel_id,
        ChannelType.WHATSAPP,
        provider=provider,
        capabilities=WHATSAPP_CAPABILITIES,
        recipient_key="phone_number",
    )


def MessengerChannel(  # noqa: N802 - factory named like the channel it builds
    channel_id: str, *, provider: MessengerProvider | None = None
) -> TransportChannel:
    """Build a Messenger channel delivering to ``binding.metadata["facebook_user_id"]``."""
    return TransportChannel(
        channel_id,
        ChannelType.MESSENGER,
        provider=provider,
        capabilities=MESSENGER_CAPABILITIES,
        recipient_key="facebook_user_id",
    )


def HTTPChannel(  # noqa: N802 - factory named like the channel it builds
    channel_id: str, *, provider: HTTPProvider | None = None
) -> TransportChannel:
    """Build an HTTP webhook channel delivering to ``binding.metadata["recipient_id"]``."""
    return TransportChannel(
        channel_id,
        ChannelType.WEBHOOK,
        provider=provider,
        capabilities=HTTP_CAPABILITIES,
        recipient_key="recipient_id",
    )
