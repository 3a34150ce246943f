"""Ready-made :class:`~roomkit.integrations.WebhookVerifier` adapters, one per vendor.

Each adapter calls the signature check and the parser of its vendor package; give one
per channel to ``create_app(kit, webhook_verifiers={...})``. Verifiers needing an
optional package (Telnyx: pynacl; SendGrid events: cryptography) import it when built.
"""

from __future__ import annotations

from roomkit.integrations.verifiers.email import (
    ElasticEmailWebhookVerifier,
    SendGridEventWebhookVerifier,
    SendGridInboundWebhookVerifier,
)
from roomkit.integrations.verifiers.meta import MessengerWebhookVerifier, WhatsAppWebhookVerifier
from roomkit.integrations.verifiers.sms import (
    SinchWebhookVerifier,
    TelnyxWebhookVerifier,
    TwilioWebhookVerifier,
    VoiceMeUpWebhookVerifier,
)

__all__ = [
    "ElasticEmailWebhookVerifier",
    "MessengerWebhookVerifier",
    "SendGridEventWebhookVerifier",
    "SendGridInboundWebhookVerifier",
    "SinchWebhookVerifier",
    "TelnyxWebhookVerifier",
    "TwilioWebhookVerifier",
    "VoiceMeUpWebhookVerifier",
    "WhatsAppWebhookVerifier",
]
