"""Voice transport backends."""

from __future__ import annotations

from roomkit.voice.backends.base import VoiceBackend
from roomkit.voice.backends.mock import MockVoiceBackend, MockVoiceCall

__all__ = ["MockVoiceBackend", "MockVoiceCall", "VoiceBackend"]
