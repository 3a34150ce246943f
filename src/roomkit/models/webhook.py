"""A vendor webhook reduced to what RoomKit needs: an inbound message or a status report."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from roomkit.models.content import CompositeContent, EventContent, MediaContent, TextContent
from roomkit.models.delivery import DeliveryStatus, InboundMessage

__all__ = ["WebhookKind", "WebhookMeta"]

WebhookKind = Literal["inbound", "status", "other"]


class WebhookMeta(BaseModel):
    """Normalised metadata of one vendor webhook (see ``extract_sms_meta``)."""

    provider: str
    kind: WebhookKind = "inbound"
    sender: str = ""
    recipient: str = ""
    body: str = ""
    message_id: str | None = None
    """The vendor's id of the message (inbound) or of the message reported on (status)."""
    media_urls: list[str] = Field(default_factory=list)
    media_types: list[str] = Field(default_factory=list)
    status: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    timestamp: str | None = None
    thread_id: str | None = None
    """Conversation thread the message belongs to (e.g. an email thread's root Message-ID)."""
    raw: dict[str, Any] = Field(default_factory=dict)

    @property
    def is_inbound(self) -> bool:
        """Whether the webhook carries a message sent to us."""
        return self.kind == "inbound"

    @property
    def is_status(self) -> bool:
        """Whether the webhook reports on a message we sent."""
        return self.kind == "status"

    def content(self) -> EventContent:
        """The message content: text, one media item, or both as a composite."""
        media: list[EventContent] = [
            MediaContent(
                url=url,
                mime_type=self.media_types[i] if i < len(self.media_types) else "",
                caption=None,
            )
            for i, url in enumerate(self.media_urls)
        ]
        if not media:
            return TextContent(body=self.body)
        if not self.body and len(media) == 1:
            return media[0]
        parts: list[EventContent] = [TextContent(body=self.body)] if self.body else []
        return CompositeContent(parts=[*parts, *media])

    def to_inbound(self, channel_id: str) -> InboundMessage:
        """Build the inbound message for ``channel_id`` (idempotent on the vendor's id)."""
        if not self.is_inbound:
            raise ValueError(f"a {self.kind!r} webhook carries no inbound message")
        key = f"{self.provider}:{self.message_id}" if self.message_id else None
        return InboundMessage(
            channel_id=channel_id,
            sender_id=self.sender,
            content=self.content(),
            external_id=self.message_id,
            thread_id=self.thread_id,
            idempotency_key=key,
            metadata={"provider": self.provider, "recipient": self.recipient},
        )

    def to_status(self) -> DeliveryStatus:
        """Build the delivery-status report."""
        if not self.is_status or self.message_id is None or self.status is None:
            raise ValueError("only a status webhook with a message id and status converts")
        return DeliveryStatus(
            provider=self.provider,
            message_id=self.message_id,
            status=self.status,
            recipient=self.recipient,
            sender=self.sender,
            error_code=self.error_code,
            error_message=self.error_message,
            timestamp=self.timestamp,
            raw=self.raw,
        )
