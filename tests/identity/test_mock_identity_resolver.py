"""Behaviour of the identity resolver contract and its scripted mock."""

from __future__ import annotations

import asyncio

import pytest

from roomkit.identity import IdentityResolver, MockIdentityResolver
from roomkit.models import (
    ChannelBinding,
    ChannelType,
    IdentificationStatus,
    Identity,
    IdentityResult,
    InboundMessage,
    Room,
    RoomContext,
    TextContent,
)


def message(sender_id: str, channel_id: str = "sms") -> InboundMessage:
    return InboundMessage(
        channel_id=channel_id, sender_id=sender_id, content=TextContent(body="hi")
    )


@pytest.fixture
def context() -> RoomContext:
    room = Room(id="room-1")
    binding = ChannelBinding(channel_id="sms", room_id=room.id, channel_type=ChannelType.SMS)
    return RoomContext(room=room, bindings=[binding])


ALICE = Identity(id="alice", display_name="Alice")
BOB = Identity(id="bob", display_name="Bob")


async def test_known_sender_is_identified(context: RoomContext) -> None:
    resolver = MockIdentityResolver({"+1555": ALICE})
    result = await resolver.resolve(message("+1555"), context)
    assert result.status is IdentificationStatus.IDENTIFIED
    assert result.identity == ALICE
    assert result.address == "+1555"
    assert result.channel_type == "sms"


async def test_returned_identity_is_a_copy(context: RoomContext) -> None:
    resolver = MockIdentityResolver({"+1555": ALICE})
    result = await resolver.resolve(message("+1555"), context)
    assert result.identity is not None
    result.identity.display_name = "changed"
    again = await resolver.resolve(message("+1555"), context)
    assert again.identity == ALICE


async def test_ambiguous_sender_gets_candidates(context: RoomContext) -> None:
    resolver = MockIdentityResolver(ambiguous={"+1666": [ALICE, BOB]})
    result = await resolver.resolve(message("+1666"), context)
    assert result.status is IdentificationStatus.AMBIGUOUS
    assert result.identity is None
    assert result.candidates == [ALICE, BOB]


async def test_unknown_sender(context: RoomContext) -> None:
    resolver = MockIdentityResolver({"+1555": ALICE})
    result = await resolver.resolve(message("+1777"), context)
    assert result.status is IdentificationStatus.UNKNOWN
    assert result.identity is None
    assert result.candidates == []


async def test_unknown_status_is_configurable(context: RoomContext) -> None:
    resolver = MockIdentityResolver(unknown_status=IdentificationStatus.PENDING)
    result = await resolver.resolve(message("+1777"), context)
    assert result.status is IdentificationStatus.PENDING


async def test_channel_type_is_none_when_channel_not_bound(context: RoomContext) -> None:
    resolver = MockIdentityResolver({"x": ALICE})
    result = await resolver.resolve(message("x", channel_id="elsewhere"), context)
    assert result.status is IdentificationStatus.IDENTIFIED
    assert result.channel_type is None


async def test_calls_are_recorded(context: RoomContext) -> None:
    resolver = MockIdentityResolver()
    first, second = message("a"), message("b")
    await resolver.resolve(first, context)
    await resolver.resolve(second, context)
    assert resolver.calls == [first, second]
    assert resolver.contexts == [context, context]


async def test_fail_with_raises_after_recording(context: RoomContext) -> None:
    resolver = MockIdentityResolver({"a": ALICE}, fail_with=ConnectionError("directory down"))
    with pytest.raises(ConnectionError, match="directory down"):
        await resolver.resolve(message("a"), context)
    assert len(resolver.calls) == 1


async def test_delay_lets_callers_time_out(context: RoomContext) -> None:
    resolver = MockIdentityResolver({"a": ALICE}, delay=3600)
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0):
            await resolver.resolve(message("a"), context)
    assert len(resolver.calls) == 1


def test_identity_resolver_is_abstract() -> None:
    with pytest.raises(TypeError):
        IdentityResolver()  # type: ignore[abstract]


async def test_custom_resolver_subclass(context: RoomContext) -> None:
    class Directory(IdentityResolver):
        async def resolve(self, message: InboundMessage, context: RoomContext) -> IdentityResult:
            return IdentityResult(status=IdentificationStatus.REJECTED, address=message.sender_id)

    result = await Directory().resolve(message("z"), context)
    assert result.status is IdentificationStatus.REJECTED
