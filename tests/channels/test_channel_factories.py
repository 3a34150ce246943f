"""The transport factory functions configure TransportChannel per medium."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import roomkit.channels as channels
from roomkit.channels import (
    EMAIL_CAPABILITIES,
    HTTP_CAPABILITIES,
    MESSENGER_CAPABILITIES,
    RCS_CAPABILITIES,
    SMS_CAPABILITIES,
    WHATSAPP_CAPABILITIES,
    EmailChannel,
    HTTPChannel,
    MessengerChannel,
    MMSChannel,
    RCSChannel,
    SMSChannel,
    TransportChannel,
    WhatsAppChannel,
)
from roomkit.models import (
    ChannelBinding,
    ChannelCapabilities,
    ChannelMediaType,
    ChannelType,
    EventSource,
    Room,
    RoomContext,
    RoomEvent,
    TextContent,
)
from roomkit.providers._mock import MockSendRecorder
from roomkit.providers.email import MockEmailProvider
from roomkit.providers.http import MockHTTPProvider
from roomkit.providers.messenger import MockMessengerProvider
from roomkit.providers.rcs import MockRCSProvider
from roomkit.providers.sms import MockSMSProvider
from roomkit.providers.whatsapp import MockWhatsAppProvider

Build = Callable[..., Any]

FACTORIES: list[tuple[Callable[..., TransportChannel], ChannelType, ChannelCapabilities, str]] = [
    (SMSChannel, ChannelType.SMS, SMS_CAPABILITIES, "phone_number"),
    (MMSChannel, ChannelType.MMS, SMS_CAPABILITIES, "phone_number"),
    (RCSChannel, ChannelType.RCS, RCS_CAPABILITIES, "phone_number"),
    (EmailChannel, ChannelType.EMAIL, EMAIL_CAPABILITIES, "email_address"),
    (WhatsAppChannel, ChannelType.WHATSAPP, WHATSAPP_CAPABILITIES, "phone_number"),
    (MessengerChannel, ChannelType.MESSENGER, MESSENGER_CAPABILITIES, "facebook_user_id"),
    (HTTPChannel, ChannelType.WEBHOOK, HTTP_CAPABILITIES, "recipient_id"),
]


@pytest.mark.parametrize(
    ("factory", "channel_type", "capabilities", "recipient_key"),
    FACTORIES,
    ids=[f[0].__name__ for f in FACTORIES],
)
def test_factory_configures_type_capabilities_and_recipient_key(
    factory: Callable[..., TransportChannel],
    channel_type: ChannelType,
    capabilities: ChannelCapabilities,
    recipient_key: str,
) -> None:
    channel = factory("ch-1")

    assert isinstance(channel, TransportChannel)
    assert channel.channel_id == "ch-1"
    assert channel.channel_type is channel_type
    assert channel.capabilities() == capabilities
    assert channel.recipient_key == recipient_key
    assert channel.provider is None


def test_capability_constants_match_each_medium() -> None:
    assert SMS_CAPABILITIES.max_length == 1600
    assert ChannelMediaType.MEDIA in SMS_CAPABILITIES.media_types
    assert SMS_CAPABILITIES.supports_read_receipts
    assert RCS_CAPABILITIES.max_length == 3000
    assert RCS_CAPABILITIES.supports_cards and RCS_CAPABILITIES.supports_buttons
    assert ChannelMediaType.LOCATION in RCS_CAPABILITIES.media_types
    assert EMAIL_CAPABILITIES.supports_threading and EMAIL_CAPABILITIES.max_length is None
    assert MESSENGER_CAPABILITIES.max_length == 2000
    assert MESSENGER_CAPABILITIES.max_buttons == 3
    assert WHATSAPP_CAPABILITIES.max_length == 4096
    assert WHATSAPP_CAPABILITIES.supports_typing and WHATSAPP_CAPABILITIES.supports_reactions
    assert HTTP_CAPABILITIES.media_types == [ChannelMediaType.TEXT, ChannelMediaType.RICH]


def test_sms_factory_uses_from_number_as_default_sender() -> None:
    assert SMSChannel("s", from_number="+1555").defaults == {"from_": "+1555"}
    assert MMSChannel("m", from_number="+1666").defaults == {"from_": "+1666"}
    assert EmailChannel("e", from_address="a@b.c").defaults == {
        "from_": "a@b.c",
        "subject": None,
        "email_thread": None,
    }


async def test_sms_sender_falls_back_to_binding_metadata(
    make_event: Build, make_binding: Build, context: RoomContext
) -> None:
    provider = MockSMSProvider(from_number=None)
    channel = SMSChannel("sms-1", provider=provider)
    binding = make_binding(metadata={"phone_number": "+1555", "from_": "+1444"})

    await channel.deliver(make_event(), binding, context)

    assert provider.calls[0].from_ == "+1444"


@pytest.mark.parametrize(
    ("factory", "provider_class", "key", "address"),
    [
        (EmailChannel, MockEmailProvider, "email_address", "a@b.c"),
        (RCSChannel, MockRCSProvider, "phone_number", "+1555"),
        (WhatsAppChannel, MockWhatsAppProvider, "phone_number", "+1666"),
        (MessengerChannel, MockMessengerProvider, "facebook_user_id", "psid-9"),
        (HTTPChannel, MockHTTPProvider, "recipient_id", "user-7"),
    ],
    ids=["email", "rcs", "whatsapp", "messenger", "http"],
)
async def test_each_factory_delivers_through_its_provider(
    factory: Callable[..., TransportChannel],
    provider_class: type[MockSendRecorder],
    key: str,
    address: str,
    make_event: Build,
    make_binding: Build,
    context: RoomContext,
) -> None:
    provider = provider_class()
    channel = factory("ch-1", provider=provider)

    output = await channel.deliver(make_event(), make_binding(metadata={key: address}), context)

    assert output.provider_result is not None and output.provider_result.success
    assert [call.to for call in provider.calls] == [address]


def test_public_names_are_exported() -> None:
    for name in channels.__all__:
        assert hasattr(channels, name), name


async def test_email_channel_passes_subject_and_thread_from_binding_metadata() -> None:
    provider = MockEmailProvider()
    channel = EmailChannel("email", provider=provider, from_address="support@example.com")
    thread = {"message_id": "<root@example.com>", "references": ["<root@example.com>"]}
    binding = ChannelBinding(
        channel_id="email",
        room_id="r",
        channel_type=ChannelType.EMAIL,
        metadata={"email_address": "c@example.com", "subject": "Order 42", "email_thread": thread},
    )
    event = RoomEvent(
        room_id="r",
        source=EventSource(channel_id="agent", channel_type=ChannelType.WEBSOCKET),
        content=TextContent(body="On its way"),
    )

    await channel.deliver(event, binding, RoomContext(room=Room(id="r")))

    [call] = provider.calls
    assert call.to == "c@example.com"
    assert call.options["subject"] == "Order 42"
    assert call.options["email_thread"] == thread
