"""VoiceMeUp: the SMS/MMS provider, its config, webhook parsing and MMS aggregation.

The provider needs httpx and is imported on first access, so webhook parsing and MMS
aggregation work without it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from roomkit.providers.voicemeup.config import VOICEMEUP_SEND_PATH, VoiceMeUpConfig
from roomkit.providers.voicemeup.mms import (
    MMSAggregator,
    MMSTimeoutCallback,
    Scheduler,
    TimerHandle,
    configure_voicemeup_mms,
    parse_voicemeup_webhook,
    voicemeup_mms_aggregator,
)
from roomkit.providers.voicemeup.webhook import is_voicemeup_mms_part, voicemeup_webhook_meta

if TYPE_CHECKING:
    from roomkit.providers.voicemeup.sms import VoiceMeUpSMSProvider

__all__ = [
    "VOICEMEUP_SEND_PATH",
    "MMSAggregator",
    "MMSTimeoutCallback",
    "Scheduler",
    "TimerHandle",
    "VoiceMeUpConfig",
    "VoiceMeUpSMSProvider",
    "configure_voicemeup_mms",
    "is_voicemeup_mms_part",
    "parse_voicemeup_webhook",
    "voicemeup_mms_aggregator",
    "voicemeup_webhook_meta",
]


def __getattr__(name: str) -> Any:
    """Import the httpx-backed provider on first access."""
    if name == "VoiceMeUpSMSProvider":
        return importlib.import_module("roomkit.providers.voicemeup.sms").VoiceMeUpSMSProvider
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
