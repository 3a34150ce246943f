"""Text-to-speech providers."""

from __future__ import annotations

from roomkit.voice.tts.base import TTSProvider
from roomkit.voice.tts.mock import MockTTSCall, MockTTSProvider

__all__ = ["MockTTSCall", "MockTTSProvider", "TTSProvider"]
