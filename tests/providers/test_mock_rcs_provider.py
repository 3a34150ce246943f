"""MockRCSProvider: capability checks and SMS fallback."""

from __future__ import annotations

from roomkit.models import RoomEvent
from roomkit.providers.rcs import RCS_UNAVAILABLE, MockRCSProvider

CAPABLE = "+15551110000"
LEGACY = "+15552220000"


async def test_every_number_supports_rcs_by_default() -> None:
    provider = MockRCSProvider()

    assert await provider.check_capability(LEGACY) is True


async def test_capability_follows_the_configured_numbers() -> None:
    provider = MockRCSProvider(rcs_capable={CAPABLE})

    assert await provider.check_capability(CAPABLE) is True
    assert await provider.check_capability(LEGACY) is False
    assert provider.capability_checks == [CAPABLE, LEGACY]


async def test_capable_number_is_sent_over_rcs(event: RoomEvent) -> None:
    provider = MockRCSProvider(rcs_capable=[CAPABLE])

    result = await provider.send(event, to=CAPABLE)

    assert result.success
    assert result.metadata == {"fallback": False}
    assert provider.calls[0].options == {"fallback": True}


async def test_number_without_rcs_falls_back_to_sms(event: RoomEvent) -> None:
    provider = MockRCSProvider(rcs_capable=[CAPABLE])

    result = await provider.send(event, to=LEGACY, fallback=True)

    assert result.success
    assert result.metadata == {"fallback": True}


async def test_number_without_rcs_and_no_fallback_fails(event: RoomEvent) -> None:
    provider = MockRCSProvider(rcs_capable=[CAPABLE])

    result = await provider.send(event, to=LEGACY, fallback=False)

    assert not result.success
    assert result.error == RCS_UNAVAILABLE == "rcs_unavailable"
    assert result.metadata["retryable"] is False
    assert provider.calls[0].options == {"fallback": False}


async def test_configured_failure_wins_over_capability(event: RoomEvent) -> None:
    provider = MockRCSProvider(error="quota")

    result = await provider.send(event, to=CAPABLE)

    assert (result.success, result.error) == (False, "quota")
