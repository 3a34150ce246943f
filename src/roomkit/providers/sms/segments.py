"""How many SMS segments a text needs, and in which encoding.

A text made only of GSM-7 characters travels as 7-bit septets: 160 fit in one SMS, 153
per segment once it must be split (the rest of each segment holds the concatenation
header). Characters of the GSM-7 extension table (``€``, ``[``, ``{``...) take two
septets and are never split across segments. Any other character forces UCS-2: 70
UTF-16 code units in one SMS, 67 per segment, a surrogate pair never split.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

__all__ = ["GSM7_BASIC", "GSM7_EXTENSION", "SegmentInfo", "count_segments"]

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
"""Characters of the GSM 03.38 default alphabet (one septet each)."""

GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")
"""Characters of the GSM 03.38 extension table (escape + character: two septets)."""

_LIMITS = {"GSM-7": (160, 153), "UCS-2": (70, 67)}


class SegmentInfo(BaseModel):
    """How a text would be sent as SMS."""

    model_config = ConfigDict(frozen=True)

    encoding: Literal["GSM-7", "UCS-2"]
    segments: int
    """SMS parts needed (0 for an empty text)."""
    characters: int
    """Characters in the text (Unicode code points)."""
    units: int
    """Encoded length: septets for GSM-7, UTF-16 code units for UCS-2."""


def count_segments(text: str) -> SegmentInfo:
    """Return the encoding and number of segments ``text`` needs as an SMS."""
    if all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text):
        sizes = [2 if c in GSM7_EXTENSION else 1 for c in text]
        encoding: Literal["GSM-7", "UCS-2"] = "GSM-7"
    else:
        sizes = [2 if ord(c) > 0xFFFF else 1 for c in text]
        encoding = "UCS-2"
    single, multi = _LIMITS[encoding]
    units = sum(sizes)
    if units == 0:
        segments = 0
    elif units <= single:
        segments = 1
    else:
        segments = _pack(sizes, multi)
    return SegmentInfo(encoding=encoding, segments=segments, characters=len(text), units=units)


def _pack(sizes: list[int], capacity: int) -> int:
    """Count segments when characters of ``sizes`` units fill segments of ``capacity``."""
    segments, used = 1, 0
    for size in sizes:
        if used + size > capacity:
            segments += 1
            used = 0
        used += size
    return segments
