"""AIChannel retries transient provider failures and gives up on the others."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from roomkit.channels import AIChannel
from roomkit.channels.ai import DEFAULT_AI_RETRY_POLICY
from roomkit.core.retry import get_attempts
from roomkit.errors import ErrorCode, ProviderError
from roomkit.models import AIContext, AIResponse, ChannelBinding, RetryPolicy, RoomContext
from roomkit.providers.ai import MockAIProvider

Build = Callable[..., Any]

AI_ID = "ai-1"
NO_WAIT = RetryPolicy(max_retries=2, base_delay_seconds=0)


def overloaded() -> ProviderError:
    return ProviderError("busy", code=ErrorCode.OVERLOADED, retryable=True, provider="x")


class Flaky(MockAIProvider):
    """Raises the queued errors first, then answers like the mock."""

    def __init__(self, *errors: Exception) -> None:
        super().__init__(["Back online"])
        self.errors = list(errors)

    async def generate(self, context: AIContext) -> AIResponse:
        if self.errors:
            self.calls.append(context)
            raise self.errors.pop(0)
        return await super().generate(context)


async def test_transient_failures_are_retried(
    make_event: Build, context: RoomContext, ai_binding: ChannelBinding
) -> None:
    provider = Flaky(overloaded(), overloaded())
    channel = AIChannel(AI_ID, provider=provider, retry_policy=NO_WAIT)

    output = await channel.on_event(make_event(), ai_binding, context)

    assert len(provider.calls) == 3
    assert output.response_events[0].content.body == "Back online"  # type: ignore[union-attr]


async def test_retries_run_out(
    make_event: Build, context: RoomContext, ai_binding: ChannelBinding
) -> None:
    provider = Flaky(overloaded(), overloaded(), overloaded())
    channel = AIChannel(AI_ID, provider=provider, retry_policy=NO_WAIT)

    with pytest.raises(ProviderError) as caught:
        await channel.on_event(make_event(), ai_binding, context)

    assert get_attempts(caught.value) == 3
    assert len(provider.calls) == 3


@pytest.mark.parametrize(
    "error",
    [
        ProviderError("bad key", code=ErrorCode.AUTHENTICATION, retryable=False),
        TimeoutError("not a provider error"),
    ],
)
async def test_other_failures_are_not_retried(
    error: Exception, make_event: Build, context: RoomContext, ai_binding: ChannelBinding
) -> None:
    provider = Flaky(error)
    channel = AIChannel(AI_ID, provider=provider, retry_policy=NO_WAIT)

    with pytest.raises(type(error)):
        await channel.on_event(make_event(), ai_binding, context)

    assert len(provider.calls) == 1


def test_the_default_policy_is_small() -> None:
    channel = AIChannel(AI_ID, provider=MockAIProvider())

    assert channel.retry_policy == DEFAULT_AI_RETRY_POLICY
    assert DEFAULT_AI_RETRY_POLICY.max_retries == 2
    assert DEFAULT_AI_RETRY_POLICY.max_delay_seconds <= 5
