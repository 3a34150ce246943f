"""The providers ``roomkit`` exports lazily: their modules import optional dependencies.

Each is importable by name (``from roomkit import TwilioSMSProvider``) and imported on
first use, but left out of ``roomkit.__all__`` so that ``from roomkit import *`` works on
an install without extras.
"""

from __future__ import annotations

__all__ = ["LAZY_EXPORTS"]

LAZY_EXPORTS: dict[str, str] = {
    "AnthropicAIProvider": "roomkit.providers.anthropic",
    "DeepgramConfig": "roomkit.voice.stt.deepgram",
    "DeepgramSTTProvider": "roomkit.voice.stt.deepgram",
    "ElasticEmailProvider": "roomkit.providers.elasticemail",
    "ElevenLabsConfig": "roomkit.voice.tts.elevenlabs",
    "ElevenLabsTTSProvider": "roomkit.voice.tts.elevenlabs",
    "EspeakTTSProvider": "roomkit.voice.tts.espeak",
    "FacebookMessengerProvider": "roomkit.providers.messenger",
    "FastRTCRealtimeTransport": "roomkit.voice.realtime.fastrtc_transport",
    "FastRTCVoiceBackend": "roomkit.voice.backends.fastrtc",
    "GeminiAIProvider": "roomkit.providers.gemini",
    "GeminiLiveProvider": "roomkit.providers.gemini",
    "LocalVAD": "roomkit.voice.vad",
    "MistralAIProvider": "roomkit.providers.mistral",
    "OpenAIAIProvider": "roomkit.providers.openai",
    "OpenAIRealtimeProvider": "roomkit.providers.openai",
    "PocketSphinxSTTProvider": "roomkit.voice.stt.pocketsphinx",
    "PostgresStore": "roomkit.store.postgres",
    "RedisLockManager": "roomkit.scale.locks",
    "RedisRealtime": "roomkit.scale.realtime",
    "SQLiteStore": "roomkit.store.sqlite",
    "SendGridProvider": "roomkit.providers.sendgrid",
    "SinchSMSProvider": "roomkit.providers.sinch",
    "SpeechEnded": "roomkit.voice.vad",
    "SpeechStarted": "roomkit.voice.vad",
    "TelnyxRCSProvider": "roomkit.providers.telnyx",
    "TelnyxSMSProvider": "roomkit.providers.telnyx",
    "TelnyxSignatureVerifier": "roomkit.providers.telnyx",
    "TwilioContentBuilder": "roomkit.providers.twilio",
    "TwilioRCSProvider": "roomkit.providers.twilio",
    "TwilioSMSProvider": "roomkit.providers.twilio",
    "VADEvent": "roomkit.voice.vad",
    "VoiceMeUpSMSProvider": "roomkit.providers.voicemeup",
    "WebSocketRealtimeTransport": "roomkit.voice.realtime.ws_transport",
    "WebhookHTTPProvider": "roomkit.providers.http",
    "WhatsAppCloudProvider": "roomkit.providers.whatsapp",
    "mount_fastrtc_realtime": "roomkit.voice.realtime.fastrtc_transport",
    "mount_fastrtc_voice": "roomkit.voice.backends.fastrtc",
}
"""Each lazily exported name and the module defining it."""
