"""SMS segment counting: GSM-7 (with its extension table) and UCS-2 limits."""

from __future__ import annotations

import pytest

from roomkit.providers.sms import SegmentInfo, count_segments


@pytest.mark.parametrize(
    ("text", "encoding", "segments", "characters", "units"),
    [
        ("", "GSM-7", 0, 0, 0),
        ("Hello", "GSM-7", 1, 5, 5),
        ("a" * 160, "GSM-7", 1, 160, 160),
        ("a" * 161, "GSM-7", 2, 161, 161),
        ("a" * 306, "GSM-7", 2, 306, 306),
        ("a" * 307, "GSM-7", 3, 307, 307),
        ("€" * 80, "GSM-7", 1, 80, 160),
        ("€" * 81, "GSM-7", 2, 81, 162),
        ("[]{}|~^\\\f€", "GSM-7", 1, 10, 20),
        ("Ça coûte 5£ à Noël? ÉÑÜ", "UCS-2", 1, 23, 23),
        ("àéùì Ç ÆØÅ ¿¡ §", "GSM-7", 1, 15, 15),
        ("Hi 🎉", "UCS-2", 1, 4, 5),
        ("ê" * 70, "UCS-2", 1, 70, 70),
        ("ê" * 71, "UCS-2", 2, 71, 71),
        ("ê" * 134, "UCS-2", 2, 134, 134),
        ("ê" * 135, "UCS-2", 3, 135, 135),
        ("\x1b", "UCS-2", 1, 1, 1),
    ],
)
def test_counts(text: str, encoding: str, segments: int, characters: int, units: int) -> None:
    assert count_segments(text) == SegmentInfo(
        encoding=encoding,  # type: ignore[arg-type]
        segments=segments,
        characters=characters,
        units=units,
    )


def test_an_extension_character_is_never_split_across_segments() -> None:
    # 152 septets then "€" (2 septets): the euro sign moves to the second segment, and
    # 152 more plain characters then overflow into a third.
    text = "a" * 152 + "€" + "a" * 152

    info = count_segments(text)

    assert info.units == 306
    assert info.segments == 3


def test_a_surrogate_pair_is_never_split_across_segments() -> None:
    text = "ê" * 66 + "🎉" + "ê" * 66

    info = count_segments(text)

    assert info.units == 134
    assert info.segments == 3
