"""The models whose class the spec's Data Models section writes out declare those fields."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from roomkit.models.ai import AIContext, AIResponse, AITool, AIToolCall
from roomkit.models.channel import ChannelBinding, ChannelCapabilities
from roomkit.models.delivery import DeliveryStatus
from roomkit.models.event import RoomEvent
from roomkit.models.room import Room

# Each class's field names as technical.md lists them, in its order.
SPEC_FIELDS: dict[type[BaseModel], str] = {
    Room: """
        id organization_id status created_at updated_at closed_at timers metadata
        event_count latest_index
    """,
    RoomEvent: """
        id room_id type source content status blocked_by visibility index chain_depth
        parent_event_id correlation_id idempotency_key created_at metadata channel_data
        delivery_results
    """,
    ChannelBinding: """
        channel_id room_id channel_type category direction access muted visibility
        participant_id last_read_index attached_at capabilities rate_limit retry_policy
        metadata
    """,
    ChannelCapabilities: """
        media_types max_length supports_threading supports_reactions supports_read_receipts
        supports_typing supports_templates supports_rich_text supports_buttons max_buttons
        supports_cards supports_quick_replies supports_media supported_media_types
        max_media_size_bytes supports_audio supports_video delivery_mode
    """,
    DeliveryStatus: """
        provider message_id status recipient sender error_code error_message timestamp raw
    """,
    AITool: "name description parameters",
    AIToolCall: "id name arguments",
    AIContext: """
        messages system_prompt temperature max_tokens tools room target_capabilities
        target_media_types
    """,
    AIResponse: "content finish_reason usage tool_calls tasks observations",
}


@pytest.mark.parametrize("model", list(SPEC_FIELDS), ids=lambda m: m.__name__)
def test_model_declares_exactly_the_spec_fields(model: type[BaseModel]) -> None:
    """The model has the spec's fields, no more and no fewer, in the spec's order."""
    assert list(model.model_fields) == SPEC_FIELDS[model].split()
