"""DeliveryMixin: what vendors report about the messages RoomKit sent."""

from __future__ import annotations

import logging

from roomkit.core._helpers import HelpersMixin
from roomkit.models._util import replace
from roomkit.models.delivery import DeliveryStatus
from roomkit.models.enums import EventStatus, HookTrigger
from roomkit.models.event import RoomEvent

__all__ = ["DeliveryMixin"]

logger = logging.getLogger("roomkit.delivery")

FAILED_STATUSES = frozenset(
    {"failed", "undelivered", "rejected", "expired", "delivery_failed", "sending_failed"}
)
"""Vendor status words that mean the message will not arrive."""


class DeliveryMixin(HelpersMixin):
    """Records delivery-status reports on the events they concern and notifies handlers."""

    async def process_delivery_status(self, status: DeliveryStatus) -> None:
        """Record a vendor's status report on the event it concerns and notify handlers."""
        event = await self._store.find_event_by_provider_message_id(status.message_id)
        context = None
        if event is not None:
            await self._store.update_event(_with_status(event, status))
            context = await self._build_context(event.room_id)
        await self._emit(
            "delivery_status",
            room_id=event.room_id if event else None,
            event_id=event.id if event else None,
            data={
                "provider": status.provider,
                "message_id": status.message_id,
                "status": status.status,
                "recorded": event is not None,
            },
        )
        await self._run_async_hooks(HookTrigger.ON_DELIVERY_STATUS, status, context)
        for handler in list(self._delivery_handlers):
            try:
                await handler(status)
            except Exception:
                logger.exception("delivery status handler %r failed", handler)


def _with_status(event: RoomEvent, status: DeliveryStatus) -> RoomEvent:
    """Return ``event`` with the matching delivery result updated from ``status``."""
    results = {cid: dict(r) for cid, r in event.delivery_results.items()}
    failed = status.status.lower() in FAILED_STATUSES
    for result in results.values():
        if result.get("provider_message_id") != status.message_id:
            continue
        result["provider_status"] = status.status
        result["status_reported_at"] = status.timestamp
        if failed:
            result["status"] = EventStatus.FAILED.value
            result["error"] = status.error_message or status.error_code or status.status
    all_failed = all(r.get("status") == EventStatus.FAILED.value for r in results.values())
    new_status = EventStatus.FAILED if failed and all_failed else event.status
    return replace(event, delivery_results=results, status=new_status)
