"""Glue between RoomKit and the outside world: webhooks, an ASGI app and an MCP server.

This package imports nothing optional. Its sub-modules do:

- ``roomkit.integrations.asgi`` (Starlette; ``pip install 'roomkit[server]'``):
  ``create_app(kit, ...)`` with the REST API, the WebSocket endpoint and webhook routes;
- ``roomkit.integrations.mcp`` (the MCP SDK; ``pip install 'roomkit[mcp]'``):
  ``create_mcp_server(kit)``, also runnable as ``python -m roomkit.integrations.mcp``.
"""

from __future__ import annotations

from roomkit.integrations.webhooks import (
    TWIML_EMPTY_REPLY,
    GenericWebhookVerifier,
    WebhookReply,
    WebhookVerifier,
    hub_challenge,
)

__all__ = [
    "TWIML_EMPTY_REPLY",
    "GenericWebhookVerifier",
    "WebhookReply",
    "WebhookVerifier",
    "hub_challenge",
]
