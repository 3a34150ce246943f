"""Glue between RoomKit and the outside world: webhooks, an ASGI app and an MCP server.

This package imports nothing optional. The vendor verifiers of
``roomkit.integrations.verifiers`` (re-exported here) import pynacl or cryptography only
when built. The ``asgi`` and ``mcp`` sub-modules do import optional packages:

- ``roomkit.integrations.asgi`` (Starlette; ``pip install 'roomkit[server]'``):
  ``create_app(kit, ...)`` with the REST API, the WebSocket endpoint and webhook routes;
- ``roomkit.integrations.mcp`` (the MCP SDK; ``pip install 'roomkit[mcp]'``):
  ``create_mcp_server(kit)``, also runnable as ``python -m roomkit.integrations.mcp``.
"""

from __future__ import annotations

from roomkit.integrations.verifiers import (
    ElasticEmailWebhookVerifier,
    MessengerWebhookVerifier,
    SendGridEventWebhookVerifier,
    SendGridInboundWebhookVerifier,
    SinchWebhookVerifier,
    TelnyxWebhookVerifier,
    TwilioWebhookVerifier,
    VoiceMeUpWebhookVerifier,
    WhatsAppWebhookVerifier,
)
from roomkit.integrations.webhooks import (
    TWIML_EMPTY_REPLY,
    GenericWebhookVerifier,
    WebhookReply,
    WebhookVerifier,
    hub_challenge,
)

__all__ = [
    "TWIML_EMPTY_REPLY",
    "ElasticEmailWebhookVerifier",
    "GenericWebhookVerifier",
    "MessengerWebhookVerifier",
    "SendGridEventWebhookVerifier",
    "SendGridInboundWebhookVerifier",
    "SinchWebhookVerifier",
    "TelnyxWebhookVerifier",
    "TwilioWebhookVerifier",
    "VoiceMeUpWebhookVerifier",
    "WebhookReply",
    "WebhookVerifier",
    "WhatsAppWebhookVerifier",
    "hub_challenge",
]
