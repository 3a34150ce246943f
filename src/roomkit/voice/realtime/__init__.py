"""Realtime (speech-to-speech) voice: sessions, the provider and transport contracts, mocks.

Vendor providers and transports live in their own modules (``openai``, ``gemini``,
``ws_transport``, ``fastrtc_transport``) so importing this package needs no extra.
"""

from __future__ import annotations

from roomkit.voice.realtime.base import RealtimeRole, RealtimeSession, RealtimeSessionState
from roomkit.voice.realtime.events import (
    RealtimeAudioCallback,
    RealtimeClientDisconnectedCallback,
    RealtimeErrorCallback,
    RealtimeResponseCallback,
    RealtimeSpeechCallback,
    RealtimeToolCallCallback,
    RealtimeTranscriptionCallback,
)
from roomkit.voice.realtime.mock import (
    MockRealtimeCall,
    MockRealtimeProvider,
    MockRealtimeTransport,
)
from roomkit.voice.realtime.provider import RealtimeVoiceProvider
from roomkit.voice.realtime.transport import RealtimeAudioTransport

__all__ = [
    "MockRealtimeCall",
    "MockRealtimeProvider",
    "MockRealtimeTransport",
    "RealtimeAudioCallback",
    "RealtimeAudioTransport",
    "RealtimeClientDisconnectedCallback",
    "RealtimeErrorCallback",
    "RealtimeResponseCallback",
    "RealtimeRole",
    "RealtimeSession",
    "RealtimeSessionState",
    "RealtimeSpeechCallback",
    "RealtimeToolCallCallback",
    "RealtimeTranscriptionCallback",
    "RealtimeVoiceProvider",
]
