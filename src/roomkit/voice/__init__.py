"""Voice support: sessions, audio chunks, voice events, and the backend/STT/TTS contracts.

Only dependency-free pieces are imported here; vendor integrations live in their own
modules under ``backends``, ``stt`` and ``tts``. The FastRTC integration (heavy: fastrtc
pulls in gradio, aiortc and librosa) is reached through the ``get_fastrtc_*`` loaders,
which import it only when called.
"""

from __future__ import annotations

import typing

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

if typing.TYPE_CHECKING:
    from collections.abc import Callable

    from fastrtc import Stream

    from roomkit.voice.backends.fastrtc import FastRTCVoiceBackend
    from roomkit.voice.realtime.fastrtc_transport import FastRTCRealtimeTransport

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
    "get_fastrtc_backend",
    "get_fastrtc_realtime_transport",
    "get_mount_fastrtc_realtime",
    "get_mount_fastrtc_voice",
    "join_audio_chunks",
]


def get_fastrtc_backend() -> type[FastRTCVoiceBackend]:
    """The FastRTCVoiceBackend class (imports fastrtc; needs ``roomkit[fastrtc]``)."""
    from roomkit.voice.backends.fastrtc import FastRTCVoiceBackend

    return FastRTCVoiceBackend


def get_mount_fastrtc_voice() -> Callable[..., Stream]:
    """The mount_fastrtc_voice function (imports fastrtc; needs ``roomkit[fastrtc]``)."""
    from roomkit.voice.backends.fastrtc import mount_fastrtc_voice

    return mount_fastrtc_voice


def get_fastrtc_realtime_transport() -> type[FastRTCRealtimeTransport]:
    """The FastRTCRealtimeTransport class (imports fastrtc; needs ``roomkit[fastrtc]``)."""
    from roomkit.voice.realtime.fastrtc_transport import FastRTCRealtimeTransport

    return FastRTCRealtimeTransport


def get_mount_fastrtc_realtime() -> Callable[..., Stream]:
    """The mount_fastrtc_realtime function (imports fastrtc; needs ``roomkit[fastrtc]``)."""
    from roomkit.voice.realtime.fastrtc_transport import mount_fastrtc_realtime

    return mount_fastrtc_realtime
