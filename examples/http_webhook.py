"""Generic HTTP webhooks: a chat room mirrored to a CRM over signed JSON posts.

Runs offline: a small HTTP server on 127.0.0.1 (a random free port) plays the CRM. A
browser user's message is posted to it by ``WebhookHTTPProvider`` with the
``X-RoomKit-Signature`` / ``X-RoomKit-Timestamp`` headers, which the CRM checks; the
CRM's agent answers with a signed post that ``parse_http_webhook`` checks before it
enters the room, and then reports the delivery status of the mirrored message.

To post one event to your own endpoint instead, set ``ROOMKIT_WEBHOOK_URL`` (and
``ROOMKIT_WEBHOOK_SECRET`` to sign it), then run ``python examples/http_webhook.py``.
"""

from __future__ import annotations

import asyncio
import json
import os

from pydantic import SecretStr

from roomkit import (
    Channel,
    ChannelType,
    DeliveryStatus,
    EventSource,
    HTTPChannel,
    InboundMessage,
    RoomEvent,
    RoomKit,
    TextContent,
    WebSocketChannel,
)
from roomkit.providers.http import (
    HTTPProviderConfig,
    WebhookHTTPProvider,
    parse_http_webhook,
    signed_headers,
    verify_http_signature,
)

SECRET = "demo-shared-secret"


async def crm_server(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Play the CRM: check the signature of one post and answer its message id."""
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in head[1:] if ": " in line)
    lowered = {k.lower(): v for k, v in headers.items()}
    body = await reader.readexactly(int(lowered.get("content-length", "0")))
    verify_http_signature(SECRET, body, headers)
    posted = json.loads(body)
    text = posted["event"]["content"]["body"]
    print(f"  [CRM] {head[0]} signed OK, for {posted['recipient_id']}: {text!r}")
    answer = json.dumps({"message_id": "crm-17"}).encode()
    writer.write(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
        + f"Content-Length: {len(answer)}\r\n\r\n".encode()
        + answer
    )
    await writer.drain()
    writer.close()


def crm_post(payload: dict[str, object]) -> tuple[dict[str, object], dict[str, str], bytes]:
    """Build a signed post as the CRM would send it to RoomKit."""
    raw = json.dumps(payload).encode()
    return json.loads(raw), signed_headers(SECRET, raw), raw


async def offline_demo() -> None:
    """Mirror a chat to the loopback CRM and take its answer back."""
    server = await asyncio.start_server(crm_server, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    config = HTTPProviderConfig(
        webhook_url=f"http://127.0.0.1:{port}/roomkit", secret=SecretStr(SECRET)
    )
    async with RoomKit() as kit:
        kit.register_channel(WebSocketChannel("chat"))
        kit.register_channel(HTTPChannel("crm", provider=WebhookHTTPProvider(config)))

        @kit.on_delivery_status
        async def show_status(status: DeliveryStatus) -> None:
            print(f"  status of {status.message_id}: {status.status}")

        async def browser(connection_id: str, event: RoomEvent) -> None:
            print(f"  [browser] {Channel.extract_text(event)}")

        room = await kit.create_room(room_id="support-7")
        await kit.attach_channel(room.id, "chat")
        await kit.attach_channel(room.id, "crm", metadata={"recipient_id": "agent-7"})
        await kit.connect_websocket("chat", "browser-1", browser)

        print("user> My parcel arrived damaged.")
        await kit.process_inbound(
            InboundMessage(
                channel_id="chat",
                sender_id="alice",
                content=TextContent(body="My parcel arrived damaged."),
            )
        )

        print("CRM agent answers with a signed post:")
        payload, headers, raw = crm_post(
            {
                "sender_id": "agent-7",
                "message_id": "crm-in-1",
                "text": "Sorry! A new one ships today.",
            }
        )
        meta = parse_http_webhook(payload, headers=headers, secret=SECRET, raw_body=raw)
        await kit.process_webhook(meta, "crm")

        print("CRM reports the mirrored message as read:")
        payload, headers, raw = crm_post({"status": "read", "message_id": "crm-17"})
        await kit.process_webhook(
            parse_http_webhook(payload, headers=headers, secret=SECRET, raw_body=raw), "crm"
        )
    server.close()
    await server.wait_closed()


async def live_post(url: str, secret: str | None) -> None:
    """Post one event to a real endpoint."""
    config = HTTPProviderConfig(webhook_url=url, secret=SecretStr(secret) if secret else None)
    provider = WebhookHTTPProvider(config)
    event = RoomEvent(
        room_id="live",
        source=EventSource(channel_id="example", channel_type=ChannelType.SYSTEM),
        content=TextContent(body="Hello from RoomKit!"),
    )
    result = await provider.send(event, "example-recipient")
    print("posted:" if result.success else "failed:", result.provider_message_id or result.error)
    await provider.close()


def main() -> None:
    """Post to the endpoint named in the environment, else run the loopback demo."""
    url = os.environ.get("ROOMKIT_WEBHOOK_URL")
    if url:
        asyncio.run(live_post(url, os.environ.get("ROOMKIT_WEBHOOK_SECRET")))
        return
    asyncio.run(offline_demo())
    print(
        "\n(offline demo; set ROOMKIT_WEBHOOK_URL, and ROOMKIT_WEBHOOK_SECRET, to post for real)"
    )


if __name__ == "__main__":
    main()
