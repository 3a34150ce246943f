"""SMS providers: the SMSProvider contract, an in-memory mock and SMS utilities."""

from __future__ import annotations

from roomkit.providers.sms.base import SMSProvider
from roomkit.providers.sms.mock import MockSMSProvider
from roomkit.providers.sms.segments import SegmentInfo, count_segments
from roomkit.providers.sms.utils import extract_sms_meta, normalize_phone

__all__ = [
    "MockSMSProvider",
    "SMSProvider",
    "SegmentInfo",
    "count_segments",
    "extract_sms_meta",
    "normalize_phone",
]
