"""Voice support: sessions, audio chunks, voice events, and the backend/STT/TTS contracts.

Only dependency-free pieces are imported here; vendor integrations live in their own
modules under ``backends``, ``stt`` and ``tts``.
"""

from __future__ import annotations

from roomkit.voice.backends.base import VoiceBackend
from roomkit.voice.backends.mock import MockVoiceBackend, MockVoiceCall
from roomkit.voice.base import (
    AudioChunk,
    BargeInCallback,
    PartialTranscriptionCallback,
    SpeechEndCallback,
    SpeechStartCallback,
    TranscriptionResult,
    VADAudioLevelCallback,
    VADSilenceCallback,
    VoiceCapability,
    VoiceSession,
    VoiceSessionState,
    join_audio_chunks,
)
from roomkit.voice.events import (
    BargeInEvent,
    PartialTranscriptionEvent,
    SpeechEndEvent,
    SpeechStartEvent,
    TTSCancelledEvent,
    TTSCancelReason,
    VADAudioLevelEvent,
    VADSilenceEvent,
)
from roomkit.voice.stt.base import STTProvider
from roomkit.voice.stt.mock import MockSTTProvider
from roomkit.voice.tts.base import TTSProvider
from roomkit.voice.tts.mock import MockTTSCall, MockTTSProvider

__all__ = [
    "AudioChunk",
    "BargeInCallback",
    "BargeInEvent",
    "MockSTTProvider",
    "MockTTSCall",
    "MockTTSProvider",
    "MockVoiceBackend",
    "MockVoiceCall",
    "PartialTranscriptionCallback",
    "PartialTranscriptionEvent",
    "STTProvider",
    "SpeechEndCallback",
    "SpeechEndEvent",
    "SpeechStartCallback",
    "SpeechStartEvent",
    "TTSCancelReason",
    "TTSCancelledEvent",
    "TTSProvider",
    "TranscriptionResult",
    "VADAudioLevelCallback",
    "VADAudioLevelEvent",
    "VADSilenceCallback",
    "VADSilenceEvent",
    "VoiceBackend",
    "VoiceCapability",
    "VoiceSession",
    "VoiceSessionState",
    "join_audio_chunks",
]
