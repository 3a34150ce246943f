"""Speech-to-text providers."""

from __future__ import annotations

from roomkit.voice.stt.base import STTProvider
from roomkit.voice.stt.mock import MockSTTProvider

__all__ = ["MockSTTProvider", "STTProvider"]
