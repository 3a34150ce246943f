"""AIChannel: context from the latest events, per-room overrides, tools, replies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from roomkit.channels import AIChannel
from roomkit.errors import ConfigurationError
from roomkit.models import (
    AIContext,
    AIResponse,
    AITool,
    AIToolCall,
    ChannelBinding,
    ChannelCategory,
    ChannelDirection,
    ChannelType,
    EventStatus,
    EventType,
    MediaContent,
    Observation,
    RoomContext,
    Task,
    TextContent,
)
from roomkit.providers.ai import AIProvider, MockAIProvider

Build = Callable[..., Any]

AI_ID = "ai-1"

PHOTO = MediaContent(url="https://example.com/cat.png", mime_type="image/png")


@pytest.fixture
def provider() -> MockAIProvider:
    return MockAIProvider(["Sure, happy to help"])


@pytest.fixture
def ai(provider: MockAIProvider) -> AIChannel:
    return AIChannel(AI_ID, provider=provider, system_prompt="Be kind", max_context_events=4)


def from_ai(make_event: Build, text: str, **fields: Any) -> Any:
    return make_event(text, channel_id=AI_ID, channel_type=ChannelType.AI, **fields)


def test_identity_and_info(ai: AIChannel) -> None:
    assert ai.channel_type is ChannelType.AI
    assert ai.category is ChannelCategory.INTELLIGENCE
    assert ai.info["provider"] == "MockAIProvider"
    assert ai.info["model"] == "mock-model"


def test_max_context_events_must_be_positive(provider: MockAIProvider) -> None:
    with pytest.raises(ConfigurationError):
        AIChannel(AI_ID, provider=provider, max_context_events=0)


async def test_reply_is_a_response_event_chained_to_the_trigger(
    ai: AIChannel, make_event: Build, make_context: Build, ai_binding: ChannelBinding
) -> None:
    trigger = make_event("I need help", chain_depth=2, correlation_id="corr-1")

    output = await ai.on_event(trigger, ai_binding, make_context([trigger]))

    assert output.responded
    [reply] = output.response_events
    assert reply.content == TextContent(body="Sure, happy to help")
    assert reply.room_id == trigger.room_id
    assert reply.source.channel_id == AI_ID
    assert reply.source.channel_type is ChannelType.AI
    assert reply.source.direction is ChannelDirection.OUTBOUND
    assert reply.chain_depth == 3
    assert reply.parent_event_id == trigger.id
    assert reply.correlation_id == "corr-1"
    assert "tool_calls" not in reply.metadata


async def test_correlation_defaults_to_the_trigger_id(
    ai: AIChannel, make_event: Build, context: RoomContext, ai_binding: ChannelBinding
) -> None:
    trigger = make_event("hello")

    output = await ai.on_event(trigger, ai_binding, context)

    assert output.response_events[0].correlation_id == trigger.id


async def test_context_uses_the_latest_events_oldest_first(
    ai: AIChannel,
    provider: MockAIProvider,
    make_event: Build,
    make_context: Build,
    ai_binding: ChannelBinding,
) -> None:
    history = [make_event(f"m{i}") for i in range(6)]
    history.insert(3, from_ai(make_event, "a1"))
    trigger = make_event("latest")

    await ai.on_event(trigger, ai_binding, make_context([*history, trigger]))

    [request] = provider.calls
    assert [(m.role, m.content) for m in request.messages] == [
        ("user", "m3"),
        ("user", "m4"),
        ("user", "m5"),
        ("user", "latest"),
    ]


async def test_own_events_become_assistant_turns(
    ai: AIChannel,
    provider: MockAIProvider,
    make_event: Build,
    make_context: Build,
    ai_binding: ChannelBinding,
) -> None:
    history = [make_event("hi"), from_ai(make_event, "hello, how can I help?")]
    trigger = make_event("my order")

    await ai.on_event(trigger, ai_binding, make_context([*history, trigger]))

    assert [m.role for m in provider.calls[0].messages] == ["user", "assistant", "user"]


async def test_trigger_is_last_even_when_missing_from_recent_events(
    ai: AIChannel,
    provider: MockAIProvider,
    make_event: Build,
    make_context: Build,
    ai_binding: ChannelBinding,
) -> None:
    history = [make_event("earlier")]
    trigger = make_event("not stored yet")

    await ai.on_event(trigger, ai_binding, make_context(history))

    messages = provider.calls[0].messages
    assert [m.content for m in messages] == ["earlier", "not stored yet"]
    assert messages[-1].role == "user"


async def test_trigger_moves_to_the_end_when_newer_events_exist(
    ai: AIChannel,
    provider: MockAIProvider,
    make_event: Build,
    make_context: Build,
    ai_binding: ChannelBinding,
) -> None:
    trigger = make_event("question")
    later = make_event("follow-up")

    await ai.on_event(trigger, ai_binding, make_context([trigger, later]))

    assert [m.content for m in provider.calls[0].messages] == ["follow-up", "question"]


async def test_blocked_empty_and_non_message_events_are_left_out(
    ai: AIChannel,
    provider: MockAIProvider,
    make_event: Build,
    make_context: Build,
    ai_binding: ChannelBinding,
) -> None:
    history = [
        make_event("kept"),
        make_event("spam", status=EventStatus.BLOCKED),
        make_event(""),
        make_event("typing...", type=EventType.TYPING),
    ]
    trigger = make_event("question")

    await ai.on_event(trigger, ai_binding, make_context([*history, trigger]))

    assert [m.content for m in provider.calls[0].messages] == ["kept", "question"]


async def test_constructor_settings_are_the_defaults(
    provider: MockAIProvider, make_event: Build, context: RoomContext, ai_binding: ChannelBinding
) -> None:
    channel = AIChannel(AI_ID, provider=provider, system_prompt="Default", temperature=0.2)

    await channel.on_event(make_event(), ai_binding, context)

    request = provider.calls[0]
    assert request.system_prompt == "Default"
    assert request.temperature == 0.2
    assert request.max_tokens == 1024
    assert request.tools == []
    assert request.room is context
    assert request.target_capabilities is None


async def test_binding_metadata_overrides_settings_per_room(
    ai: AIChannel,
    provider: MockAIProvider,
    make_event: Build,
    make_binding: Build,
    context: RoomContext,
) -> None:
    tool = {
        "name": "lookup_order",
        "description": "Find an order",
        "parameters": {"type": "object", "properties": {"id": {"type": "string"}}},
    }
    binding = make_binding(
        AI_ID,
        ChannelType.AI,
        metadata={
            "system_prompt": "You are a legal assistant.",
            "temperature": 0.3,
            "max_tokens": 2048,
            "tools": [tool, AITool(name="ping")],
        },
    )

    await ai.on_event(make_event(), binding, context)

    request = provider.calls[0]
    assert request.system_prompt == "You are a legal assistant."
    assert request.temperature == 0.3
    assert request.max_tokens == 2048
    assert request.tools == [AITool.model_validate(tool), AITool(name="ping")]


async def test_tools_must_be_a_list(
    ai: AIChannel, make_event: Build, make_binding: Build, context: RoomContext
) -> None:
    binding = make_binding(AI_ID, ChannelType.AI, metadata={"tools": {"name": "x"}})

    with pytest.raises(ConfigurationError, match="tools"):
        await ai.on_event(make_event(), binding, context)


async def test_tool_calls_are_put_in_the_reply_metadata(
    make_event: Build, context: RoomContext, ai_binding: ChannelBinding
) -> None:
    call = AIToolCall(id="call-1", name="lookup_order", arguments={"id": "42"})
    channel = AIChannel(AI_ID, provider=MockAIProvider(["Looking"], tool_calls=[call]))

    output = await channel.on_event(make_event(), ai_binding, context)

    assert output.response_events[0].metadata["tool_calls"] == [
        {"id": "call-1", "name": "lookup_order", "arguments": {"id": "42"}}
    ]


async def test_own_events_are_ignored(
    ai: AIChannel,
    provider: MockAIProvider,
    make_event: Build,
    context: RoomContext,
    ai_binding: ChannelBinding,
) -> None:
    output = await ai.on_event(from_ai(make_event, "echo"), ai_binding, context)

    assert not output.responded
    assert provider.calls == []


async def test_non_message_events_are_ignored(
    ai: AIChannel,
    provider: MockAIProvider,
    make_event: Build,
    context: RoomContext,
    ai_binding: ChannelBinding,
) -> None:
    output = await ai.on_event(make_event("x", type=EventType.TYPING), ai_binding, context)

    assert not output.responded
    assert provider.calls == []


async def test_unreadable_trigger_is_not_answered(
    ai: AIChannel,
    provider: MockAIProvider,
    make_event: Build,
    context: RoomContext,
    ai_binding: ChannelBinding,
) -> None:
    output = await ai.on_event(make_event(content=PHOTO), ai_binding, context)

    assert not output.responded
    assert provider.calls == []


async def test_empty_reply_produces_no_event_but_keeps_side_effects(
    make_event: Build, context: RoomContext, ai_binding: ChannelBinding
) -> None:
    class Analyst(AIProvider):
        @property
        def model_name(self) -> str:
            return "analyst"

        async def generate(self, context: AIContext) -> AIResponse:
            room_id = "room-1"
            return AIResponse(
                content="  ",
                tasks=[Task(room_id=room_id, title="Call back")],
                observations=[Observation(room_id=room_id, channel_id=AI_ID, content="upset")],
            )

    output = await AIChannel(AI_ID, provider=Analyst()).on_event(make_event(), ai_binding, context)

    assert not output.responded
    assert [t.title for t in output.tasks] == ["Call back"]
    assert [o.content for o in output.observations] == ["upset"]


async def test_provider_errors_propagate(
    make_event: Build, context: RoomContext, ai_binding: ChannelBinding
) -> None:
    channel = AIChannel(AI_ID, provider=MockAIProvider(fail_with=RuntimeError("quota")))

    with pytest.raises(RuntimeError, match="quota"):
        await channel.on_event(make_event(), ai_binding, context)


async def test_deliver_does_nothing(
    ai: AIChannel,
    provider: MockAIProvider,
    make_event: Build,
    context: RoomContext,
    ai_binding: ChannelBinding,
) -> None:
    output = await ai.deliver(make_event(), ai_binding, context)

    assert output == output.empty()
    assert provider.calls == []


async def test_handle_inbound_builds_an_ai_event(
    ai: AIChannel, make_message: Build, context: RoomContext
) -> None:
    event = await ai.handle_inbound(make_message("injected", channel_id=AI_ID), context)

    assert event.source.channel_id == AI_ID
    assert event.source.channel_type is ChannelType.AI
    assert event.source.direction is ChannelDirection.INBOUND
    assert event.source.provider == "MockAIProvider"
    assert event.content == TextContent(body="injected")


async def test_close_closes_the_provider() -> None:
    closed: list[bool] = []

    class ClosingProvider(MockAIProvider):
        async def close(self) -> None:
            closed.append(True)

    await AIChannel(AI_ID, provider=ClosingProvider()).close()

    assert closed == [True]
