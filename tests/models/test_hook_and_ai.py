"""HookResult and InjectedEvent, identity results, and the AI request/response models."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from roomkit.models.ai import AIContext, AIMessage, AIResponse, AITextPart, AITool, AIToolCall
from roomkit.models.enums import ChannelMediaType, IdentificationStatus
from roomkit.models.hook import HookResult, InjectedEvent
from roomkit.models.identity import Identity, IdentityHookResult, IdentityResult
from roomkit.models.task import Observation, Task
from tests.factories import make_event


def _side_effects() -> dict[str, Any]:
    """Return one injected event, task and observation, as keyword arguments."""
    return {
        "injected_events": [InjectedEvent(event=make_event(body="notice"))],
        "tasks": [Task(room_id="room-1", title="Review")],
        "observations": [Observation(room_id="room-1", channel_id="ai-1", content="flag")],
    }


def test_hook_result_default_is_allow_with_nothing_attached() -> None:
    """A bare HookResult lets the event through and carries no side effects."""
    result = HookResult()
    assert result.action == "allow"
    assert result.event is None
    assert result.reason is None
    assert (result.injected_events, result.tasks, result.observations) == ([], [], [])


def test_hook_result_allow() -> None:
    """allow() sets action "allow" and leaves event and reason empty."""
    result = HookResult.allow()
    assert result.action == "allow"
    assert result.event is None
    assert result.reason is None
    assert (result.injected_events, result.tasks, result.observations) == ([], [], [])


def test_hook_result_block_keeps_its_reason() -> None:
    """block(reason) sets action "block", records the reason and no replacement event."""
    result = HookResult.block("Message contains inappropriate language")
    assert result.action == "block"
    assert result.reason == "Message contains inappropriate language"
    assert result.event is None


def test_hook_result_block_reason_is_optional() -> None:
    """block() without a reason is still a block."""
    result = HookResult.block()
    assert result.action == "block"
    assert result.reason is None


def test_hook_result_modify_carries_the_new_event() -> None:
    """modify(event) sets action "modify" and the replacement event."""
    replacement = make_event(body="[redacted]")
    result = HookResult.modify(replacement)
    assert result.action == "modify"
    assert result.event == replacement
    assert result.reason is None


@pytest.mark.parametrize(
    "build",
    [
        lambda kw: HookResult.allow(**kw),
        lambda kw: HookResult.block("pii", **kw),
        lambda kw: HookResult.modify(make_event(), **kw),
    ],
    ids=["allow", "block", "modify"],
)
def test_hook_result_constructors_carry_side_effects(build: Any) -> None:
    """Each constructor passes injected events, tasks and observations through."""
    side_effects = _side_effects()
    result = build(side_effects)
    assert result.injected_events == side_effects["injected_events"]
    assert result.tasks == side_effects["tasks"]
    assert result.observations == side_effects["observations"]


def test_hook_result_constructors_do_not_share_lists() -> None:
    """Side-effect lists are fresh per result."""
    first, second = HookResult.allow(), HookResult.allow()
    first.tasks.append(Task(room_id="r", title="t"))
    assert second.tasks == []


def test_hook_result_refuses_unknown_action() -> None:
    """action is one of allow, block, modify."""
    with pytest.raises(ValidationError):
        HookResult.model_validate({"action": "drop"})


def test_injected_event_targets_default_to_broadcast() -> None:
    """Without target channels an injected event is delivered like any event."""
    injected = InjectedEvent(event=make_event())
    assert injected.target_channel_ids is None
    targeted = InjectedEvent(event=make_event(), target_channel_ids=["sms-1"])
    assert targeted.target_channel_ids == ["sms-1"]


def test_identity_defaults() -> None:
    """An identity needs only an id; addresses and metadata start empty."""
    identity = Identity(id="id-1")
    assert identity.display_name is None
    assert identity.organization_id is None
    assert identity.channel_addresses == {}
    assert identity.metadata == {}


def test_identity_result_defaults() -> None:
    """A resolver result needs a status; the rest is optional."""
    result = IdentityResult(status=IdentificationStatus.UNKNOWN)
    assert result.identity is None
    assert result.candidates == []
    assert result.address is None
    assert result.channel_type is None


@pytest.mark.parametrize(
    ("result", "status"),
    [
        (IdentityHookResult.resolved(Identity(id="id-1")), IdentificationStatus.IDENTIFIED),
        (IdentityHookResult.pending(display_name="Ana"), IdentificationStatus.PENDING),
        (
            IdentityHookResult.challenge(injected_events=[], reason="verify"),
            IdentificationStatus.CHALLENGE_SENT,
        ),
        (IdentityHookResult.reject("unknown sender"), IdentificationStatus.REJECTED),
    ],
    ids=["resolved", "pending", "challenge", "reject"],
)
def test_identity_hook_result_constructors_set_status(
    result: IdentityHookResult, status: IdentificationStatus
) -> None:
    """resolved/pending/challenge/reject map onto the identification statuses."""
    assert result.status == status


def test_identity_hook_result_constructor_fields() -> None:
    """Each constructor keeps what it was given."""
    identity = Identity(id="id-1")
    assert IdentityHookResult.resolved(identity).identity == identity
    pending = IdentityHookResult.pending(display_name="Ana", candidates=[identity])
    assert (pending.display_name, pending.candidates) == ("Ana", [identity])
    injected = [InjectedEvent(event=make_event(body="Who are you?"))]
    challenge = IdentityHookResult.challenge(injected_events=injected, reason="verify")
    assert (challenge.injected_events, challenge.reason) == (injected, "verify")
    assert IdentityHookResult.reject("spam").reason == "spam"


def test_ai_context_defaults() -> None:
    """An empty context: no messages or tools, text target, 0.7 / 1024 sampling."""
    context = AIContext()
    assert context.messages == []
    assert context.system_prompt is None
    assert context.temperature == 0.7  # features.md AIChannel example, rfc configs
    assert context.max_tokens == 1024  # the provider configs' max_tokens
    assert context.tools == []
    assert context.room is None
    assert context.target_capabilities is None
    assert context.target_media_types == [ChannelMediaType.TEXT]


def test_ai_response_defaults() -> None:
    """An empty response: no text, no usage, no tool calls or side effects."""
    response = AIResponse()
    assert response.content == ""
    assert response.finish_reason is None
    assert response.usage == {}
    assert (response.tool_calls, response.tasks, response.observations) == ([], [], [])


def test_ai_tool_and_tool_call_defaults() -> None:
    """A tool needs a name; a tool call needs an id and a name."""
    tool = AITool(name="search")
    assert tool.description == ""
    assert tool.parameters == {"type": "object"}
    call = AIToolCall(id="call-1", name="search")
    assert call.arguments == {}


def test_ai_message_defaults_and_parts() -> None:
    """A message takes text or typed parts; tool fields start empty."""
    message = AIMessage(role="user", content="hi")
    assert (message.name, message.tool_call_id, message.is_error) == (None, None, False)
    assert message.tool_calls == []
    parts = AIMessage.model_validate(
        {"role": "user", "content": [{"type": "text", "text": "look"}]}
    )
    assert parts.content == [AITextPart(text="look")]


def test_ai_message_refuses_unknown_role() -> None:
    """role is one of system, user, assistant, tool."""
    with pytest.raises(ValidationError):
        AIMessage.model_validate({"role": "narrator", "content": "x"})
