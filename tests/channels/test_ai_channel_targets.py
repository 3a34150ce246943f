"""AIChannel tells the model what the room's transports can carry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from roomkit.channels import AIChannel
from roomkit.channels._ai_targets import merge_capabilities
from roomkit.channels.capabilities import (
    EMAIL_CAPABILITIES,
    SMS_CAPABILITIES,
    WEBSOCKET_CAPABILITIES,
    WHATSAPP_CAPABILITIES,
)
from roomkit.models import (
    Access,
    ChannelBinding,
    ChannelCapabilities,
    ChannelCategory,
    ChannelDirection,
    ChannelMediaType,
    ChannelType,
)
from roomkit.providers.ai import MockAIProvider

Build = Callable[..., Any]

AI_ID = "ai-1"


def transport(channel_id: str, capabilities: ChannelCapabilities, **fields: Any) -> ChannelBinding:
    return ChannelBinding(
        channel_id=channel_id,
        room_id="room-1",
        channel_type=ChannelType.SMS,
        capabilities=capabilities,
        **fields,
    )


async def test_the_most_restrictive_transport_sets_the_targets(
    make_event: Build, make_context: Build, ai_binding: ChannelBinding
) -> None:
    provider = MockAIProvider()
    bindings = [
        ai_binding,
        transport("sms-1", SMS_CAPABILITIES),
        transport("ws-1", WEBSOCKET_CAPABILITIES),
    ]

    await AIChannel(AI_ID, provider=provider, system_prompt="Be kind").on_event(
        make_event(), ai_binding, make_context(bindings=bindings)
    )

    request = provider.calls[0]
    targets = request.target_capabilities
    assert targets is not None
    assert targets.max_length == 1600
    assert not targets.supports_rich_text
    assert targets.supports_media and targets.supports_read_receipts
    assert not targets.supports_typing
    assert request.target_media_types == [ChannelMediaType.TEXT, ChannelMediaType.MEDIA]
    assert request.system_prompt == "Be kind"  # the providers add the note on the wire


async def test_channels_that_do_not_receive_the_reply_are_ignored(
    make_event: Build, make_context: Build, ai_binding: ChannelBinding
) -> None:
    provider = MockAIProvider()
    bindings = [
        ai_binding,
        transport("email-1", EMAIL_CAPABILITIES),
        transport("sms-1", SMS_CAPABILITIES, access=Access.WRITE_ONLY),
        transport("sms-2", SMS_CAPABILITIES, direction=ChannelDirection.INBOUND),
        transport("bot-2", SMS_CAPABILITIES, category=ChannelCategory.INTELLIGENCE),
    ]

    await AIChannel(AI_ID, provider=provider).on_event(
        make_event(), ai_binding, make_context(bindings=bindings)
    )

    assert provider.calls[0].target_capabilities == merge_capabilities([EMAIL_CAPABILITIES])


def test_merging_keeps_what_every_channel_has() -> None:
    merged = merge_capabilities([WHATSAPP_CAPABILITIES, SMS_CAPABILITIES, EMAIL_CAPABILITIES])

    assert merged.media_types == [ChannelMediaType.TEXT, ChannelMediaType.MEDIA]
    assert merged.max_length == 1600
    assert merged.max_buttons == 3
    assert merged.supports_media
    assert not merged.supports_buttons
    assert not merged.supports_rich_text


def test_merging_one_channel_changes_nothing() -> None:
    assert merge_capabilities([WHATSAPP_CAPABILITIES]) == WHATSAPP_CAPABILITIES


def test_supported_media_types_are_intersected() -> None:
    images = ChannelCapabilities(supported_media_types=["image/png", "image/jpeg"])
    pngs = ChannelCapabilities(supported_media_types=["image/png"], max_media_size_bytes=10)

    merged = merge_capabilities([images, pngs])

    assert merged.supported_media_types == ["image/png"]
    assert merged.max_media_size_bytes == 10


def test_merging_equal_channels_gives_an_independent_copy() -> None:
    websocket = WEBSOCKET_CAPABILITIES.model_copy(deep=True)

    merged = merge_capabilities([websocket, websocket.model_copy(deep=True)])
    merged.media_types.append(ChannelMediaType.AUDIO)

    assert merged is not websocket
    assert websocket == WEBSOCKET_CAPABILITIES
    assert type(merged) is ChannelCapabilities


def test_repeated_capabilities_merge_as_one() -> None:
    repeated = [SMS_CAPABILITIES, EMAIL_CAPABILITIES, SMS_CAPABILITIES, EMAIL_CAPABILITIES]

    assert merge_capabilities(repeated) == merge_capabilities(
        [SMS_CAPABILITIES, EMAIL_CAPABILITIES]
    )


def test_equal_capabilities_of_a_subclass_still_merge_to_the_base_model() -> None:
    class Custom(ChannelCapabilities):
        pass

    custom = Custom(max_length=10)

    merged = merge_capabilities([custom, Custom(max_length=10)])

    assert type(merged) is ChannelCapabilities
    assert merged.max_length == 10
