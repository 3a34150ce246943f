"""Errors a vendor reports inside an already started stream."""

from __future__ import annotations

import pytest
from ai_loopback import LoopbackServer
from ai_vendors import Anthropic

from roomkit.errors import ErrorCode, ProviderError
from roomkit.models import AIContext, AIMessage


async def test_an_anthropic_error_event_ends_the_stream_with_a_provider_error(
    server: LoopbackServer,
) -> None:
    vendor = Anthropic()
    server.queue(vendor.stream("stream_error"))
    provider = vendor.provider(server.url)
    received: list[str] = []

    with pytest.raises(ProviderError) as caught:
        async for delta in provider.generate_stream(
            AIContext(messages=[AIMessage(role="user", content="Hi")])
        ):
            received.append(delta)
    await provider.close()

    assert received == []
    error = caught.value
    assert (error.code, error.retryable, error.status_code) == (ErrorCode.OVERLOADED, True, None)
    assert "Overloaded" in str(error)
