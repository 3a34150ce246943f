"""TransportChannel: inbound events, recipient and default resolution, delivery errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from roomkit.channels import TransportChannel
from roomkit.errors import ConfigurationError, ProviderError
from roomkit.models import (
    ChannelBinding,
    ChannelCapabilities,
    ChannelDirection,
    ChannelMediaType,
    ChannelType,
    CompositeContent,
    EventType,
    InboundMessage,
    LocationContent,
    MediaContent,
    ProviderResult,
    RoomContext,
    RoomEvent,
    TextContent,
)
from roomkit.providers.base import TransportProvider
from roomkit.providers.sms import MockSMSProvider

Build = Callable[..., Any]

PHOTO = MediaContent(url="https://example.com/cat.jpg", mime_type="image/jpeg")


def sms_channel(provider: TransportProvider | None = None, **kwargs: Any) -> TransportChannel:
    return TransportChannel(
        "sms-1",
        ChannelType.SMS,
        provider=provider,
        recipient_key="phone_number",
        **kwargs,
    )


def test_instance_configuration_overrides_class_defaults() -> None:
    channel = TransportChannel("push-1", ChannelType.PUSH, direction=ChannelDirection.OUTBOUND)
    other = TransportChannel("mail-1", ChannelType.EMAIL)

    assert channel.channel_type is ChannelType.PUSH
    assert channel.direction is ChannelDirection.OUTBOUND
    assert other.channel_type is ChannelType.EMAIL
    assert other.direction is ChannelDirection.BIDIRECTIONAL
    assert channel.info["channel_type"] == "push"


def test_capabilities_are_copies_of_the_configured_ones() -> None:
    configured = ChannelCapabilities(media_types=[ChannelMediaType.TEXT], max_length=10)
    channel = TransportChannel("x", ChannelType.SMS, capabilities=configured)

    handed_out = channel.capabilities()
    handed_out.max_length = 99
    configured.max_length = 50

    assert channel.capabilities().max_length == 10


def test_capabilities_default_to_text_only() -> None:
    channel = TransportChannel("x", ChannelType.WEBHOOK)

    assert channel.capabilities().media_types == [ChannelMediaType.TEXT]


async def test_handle_inbound_builds_an_inbound_event(
    make_message: Build, context: RoomContext
) -> None:
    channel = sms_channel(MockSMSProvider())
    message: InboundMessage = make_message(
        external_id="ext-9",
        thread_id="thr-1",
        idempotency_key="idem-1",
        metadata={"k": "v"},
        event_type=EventType.REACTION,
    )

    event = await channel.handle_inbound(message, context)

    assert event.room_id == context.room.id
    assert event.type is EventType.REACTION
    assert event.content == message.content
    assert event.idempotency_key == "idem-1"
    assert event.metadata == {"k": "v"}
    assert event.source.channel_id == "sms-1"
    assert event.source.channel_type is ChannelType.SMS
    assert event.source.direction is ChannelDirection.INBOUND
    assert event.source.participant_id == message.sender_id
    assert event.source.external_id == "ext-9"
    assert event.source.provider == "MockSMSProvider"
    assert event.channel_data.external_id == "ext-9"
    assert event.channel_data.thread_id == "thr-1"


async def test_handle_inbound_without_provider_names_no_provider(
    make_message: Build, context: RoomContext
) -> None:
    event = await sms_channel().handle_inbound(make_message(), context)

    assert event.source.provider is None


@pytest.mark.parametrize(
    "content",
    [
        PHOTO,
        CompositeContent(parts=[TextContent(body="look"), PHOTO]),
        CompositeContent(parts=[CompositeContent(parts=[PHOTO])]),
    ],
    ids=["media", "composite", "nested-composite"],
)
async def test_sms_carrying_media_is_marked_mms(
    content: Any, make_message: Build, context: RoomContext
) -> None:
    event = await sms_channel().handle_inbound(make_message(content=content), context)

    assert event.source.channel_type is ChannelType.MMS


@pytest.mark.parametrize(
    "content",
    [
        TextContent(body="plain"),
        CompositeContent(parts=[TextContent(body="a"), LocationContent(latitude=1, longitude=2)]),
    ],
    ids=["text", "composite-without-media"],
)
async def test_sms_without_media_stays_sms(
    content: Any, make_message: Build, context: RoomContext
) -> None:
    event = await sms_channel().handle_inbound(make_message(content=content), context)

    assert event.source.channel_type is ChannelType.SMS


async def test_media_on_a_non_sms_channel_keeps_its_type(
    make_message: Build, context: RoomContext
) -> None:
    channel = TransportChannel("wa", ChannelType.WHATSAPP)

    event = await channel.handle_inbound(make_message(content=PHOTO), context)

    assert event.source.channel_type is ChannelType.WHATSAPP


async def test_deliver_sends_to_the_recipient_in_binding_metadata(
    make_event: Build, make_binding: Build, context: RoomContext
) -> None:
    provider = MockSMSProvider()
    channel = sms_channel(provider)
    event: RoomEvent = make_event("ping")
    binding: ChannelBinding = make_binding(metadata={"phone_number": "+15553334444"})

    output = await channel.deliver(event, binding, context)

    assert [(c.to, c.event.id) for c in provider.calls] == [("+15553334444", event.id)]
    assert output.provider_result is not None
    assert output.provider_result.success
    assert output.provider_result.provider_message_id == "mock-sms-1"


async def test_missing_recipient_raises_a_configuration_error_naming_key_and_channel(
    make_event: Build, make_binding: Build, context: RoomContext
) -> None:
    provider = MockSMSProvider()

    with pytest.raises(ConfigurationError, match=r"'sms-1'.*'phone_number'"):
        await sms_channel(provider).deliver(make_event(), make_binding(), context)

    assert provider.calls == []


async def test_empty_recipient_counts_as_missing(
    make_event: Build, make_binding: Build, context: RoomContext
) -> None:
    binding = make_binding(metadata={"phone_number": ""})

    with pytest.raises(ConfigurationError):
        await sms_channel(MockSMSProvider()).deliver(make_event(), binding, context)


async def test_deliver_without_provider_raises_configuration_error(
    make_event: Build, make_binding: Build, context: RoomContext
) -> None:
    binding = make_binding(metadata={"phone_number": "+1555"})

    with pytest.raises(ConfigurationError, match="no provider"):
        await sms_channel().deliver(make_event(), binding, context)


@pytest.mark.parametrize(
    ("defaults", "metadata", "expected"),
    [
        ({"from_": "+1999"}, {}, {"from_": "+1999"}),
        ({"from_": None}, {"from_": "+1888"}, {"from_": "+1888"}),
        ({"from_": None}, {}, {}),
        ({"from_": "+1999"}, {"from_": "+1888"}, {"from_": "+1999"}),
        ({"from_": None, "priority": "high"}, {}, {"priority": "high"}),
    ],
    ids=["fixed", "from-binding", "omitted", "fixed-wins", "mixed"],
)
def test_defaults_resolution(
    defaults: dict[str, Any],
    metadata: dict[str, Any],
    expected: dict[str, Any],
    make_binding: Build,
) -> None:
    channel = sms_channel(defaults=defaults)

    assert channel.resolve_options(make_binding(metadata=metadata)) == expected


async def test_resolved_defaults_are_passed_to_the_provider(
    make_event: Build, make_binding: Build, context: RoomContext
) -> None:
    provider = MockSMSProvider(from_number="+1000")
    channel = sms_channel(provider, defaults={"from_": None, "priority": "high"})
    binding = make_binding(metadata={"phone_number": "+1555", "from_": "+1777"})

    await channel.deliver(make_event(), binding, context)

    assert provider.calls[0].from_ == "+1777"
    assert provider.calls[0].options == {"priority": "high"}


@pytest.mark.parametrize("retryable", [True, False])
async def test_unsuccessful_send_raises_provider_error(
    retryable: bool, make_event: Build, make_binding: Build, context: RoomContext
) -> None:
    provider = MockSMSProvider(error="carrier rejected", retryable=retryable)
    binding = make_binding(metadata={"phone_number": "+1555"})

    with pytest.raises(ProviderError) as caught:
        await sms_channel(provider).deliver(make_event(), binding, context)

    assert str(caught.value) == "carrier rejected"
    assert caught.value.code == "delivery_failed"
    assert caught.value.retryable is retryable
    assert caught.value.provider == "MockSMSProvider"


async def test_unsuccessful_send_without_error_text_still_explains(
    make_event: Build, make_binding: Build, context: RoomContext
) -> None:
    class SilentFailure(TransportProvider):
        async def send(self, event: RoomEvent, to: str, **options: Any) -> ProviderResult:
            return ProviderResult(success=False)

    binding = make_binding(metadata={"phone_number": "+1555"})

    with pytest.raises(ProviderError, match="unsuccessful send") as caught:
        await sms_channel(SilentFailure()).deliver(make_event(), binding, context)

    assert caught.value.retryable is False


async def test_provider_exceptions_propagate_unchanged(
    make_event: Build, make_binding: Build, context: RoomContext
) -> None:
    boom = ProviderError("timeout", code="timeout", retryable=True)
    binding = make_binding(metadata={"phone_number": "+1555"})

    with pytest.raises(ProviderError) as caught:
        await sms_channel(MockSMSProvider(fail_with=boom)).deliver(make_event(), binding, context)

    assert caught.value is boom


def test_binding_metadata_for_remembers_the_sender(make_message: Build) -> None:
    channel = TransportChannel("mail", ChannelType.EMAIL, recipient_key="email_address")

    metadata = channel.binding_metadata_for(make_message(sender_id="a@example.com"))

    assert metadata == {"email_address": "a@example.com"}


async def test_close_closes_the_provider() -> None:
    closed: list[bool] = []

    class ClosingProvider(MockSMSProvider):
        async def close(self) -> None:
            closed.append(True)

    await sms_channel(ClosingProvider()).close()
    await sms_channel().close()

    assert closed == [True]
