"""Facebook Messenger: a signed webhook comes in, an AI bot answers through the Send API.

Runs offline by default: an ``httpx.MockTransport`` stands in for Meta's Graph API and
the webhooks are built and signed here with a demo app secret. The trace shows the
subscription handshake, the signature check, the inbound message, the bot's reply as
sent to the Graph API, and the delivery receipt recorded on the reply.

To send one real message instead, set ``MESSENGER_PAGE_TOKEN`` (a page access token)
and ``MESSENGER_RECIPIENT_ID`` (the page-scoped id of someone who messaged the page in
the last 24 hours), then run ``python examples/facebook_messenger.py``.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
from typing import Any

import httpx
from pydantic import SecretStr

from roomkit import (
    AIChannel,
    Channel,
    ChannelCategory,
    ChannelType,
    DeliveryStatus,
    EventSource,
    EventType,
    MessengerChannel,
    MockAIProvider,
    RichContent,
    RoomEvent,
    RoomKit,
)
from roomkit.providers.messenger import (
    FacebookMessengerProvider,
    MessengerConfig,
    parse_messenger_webhook,
)

APP_SECRET = "demo-app-secret"
PAGE_ID = "107220451234567"
USER_PSID = "6854215141321"


def fake_graph_api(request: httpx.Request) -> httpx.Response:
    """Answer like the Send API and print what was sent."""
    body = json.loads(request.content)
    print(f"  -> Graph API {request.method} {request.url.path}: {json.dumps(body['message'])}")
    return httpx.Response(200, json={"recipient_id": USER_PSID, "message_id": "m_reply_1"})


def signed(payload: dict[str, Any]) -> tuple[bytes, str]:
    """Return a webhook body and its X-Hub-Signature-256 header, as Meta would send them."""
    body = json.dumps(payload).encode()
    return body, "sha256=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()


def page_webhook(item: dict[str, Any]) -> dict[str, Any]:
    """Wrap one messaging item in a page webhook."""
    sender_recipient = {"sender": {"id": USER_PSID}, "recipient": {"id": PAGE_ID}}
    return {"object": "page", "entry": [{"id": PAGE_ID, "messaging": [sender_recipient | item]}]}


async def offline_demo() -> None:
    """Run the whole exchange against the fake Graph API."""
    config = MessengerConfig(
        page_access_token=SecretStr("demo-page-token"),
        app_secret=SecretStr(APP_SECRET),
        verify_token=SecretStr("demo-verify-token"),
    )
    client = httpx.AsyncClient(transport=httpx.MockTransport(fake_graph_api))
    provider = FacebookMessengerProvider(config, http_client=client)
    bot = MockAIProvider(["Your order #1042 ships tomorrow. Anything else?"])

    async with RoomKit() as kit:
        kit.register_channel(MessengerChannel("messenger", provider=provider))
        kit.register_channel(AIChannel("bot", provider=bot))
        room = await kit.create_room(room_id="fb-support")
        await kit.attach_channel(room.id, "messenger", metadata={"facebook_user_id": USER_PSID})
        await kit.attach_channel(room.id, "bot", category=ChannelCategory.INTELLIGENCE)

        @kit.on_delivery_status
        async def show_status(status: DeliveryStatus) -> None:
            print(f"  status of {status.message_id}: {status.status}")

        params = {"hub.mode": "subscribe", "hub.verify_token": "demo-verify-token"}
        challenge = provider.verify_challenge({**params, "hub.challenge": "8841"})
        print(f"GET handshake answered with hub.challenge={challenge}")

        text = {"message": {"mid": "m_in_1", "text": "Where is my order?"}}
        body, signature = signed(page_webhook({"timestamp": 1714644903987, **text}))
        provider.verify_signature(body, signature)
        print("POST webhook: X-Hub-Signature-256 checks out")
        for meta in parse_messenger_webhook(body):
            print(f"user {meta.sender} wrote: {meta.body}")
            await kit.process_webhook(meta, "messenger")

        receipt = {"delivery": {"mids": ["m_reply_1"], "watermark": 1714644999000}}
        body, signature = signed(page_webhook(receipt))
        provider.verify_signature(body, signature)
        print("POST webhook: delivery receipt")
        for meta in parse_messenger_webhook(body):
            await kit.process_webhook(meta, "messenger")

        print("Timeline:")
        for event in await kit.get_timeline(room.id):
            if event.type is not EventType.MESSAGE:
                continue
            result = event.delivery_results.get("messenger", {})
            note = f" [delivery: {result.get('provider_status')}]" if result else ""
            text = Channel.extract_text(event)
            print(f"  #{event.index} {event.source.channel_id}: {text}{note}")
    await client.aclose()


async def live_send(token: str, recipient: str) -> None:
    """Send one message with buttons through the real Graph API."""
    provider = FacebookMessengerProvider(MessengerConfig(page_access_token=SecretStr(token)))
    content = RichContent(
        body="Hello from RoomKit!",
        buttons=[{"title": "RoomKit", "url": "https://github.com/roomkit-live/roomkit"}],
    )
    event = RoomEvent(
        room_id="live",
        source=EventSource(channel_id="example", channel_type=ChannelType.SYSTEM),
        content=content,
    )
    result = await provider.send(event, recipient)
    print("sent:" if result.success else "failed:", result.provider_message_id or result.error)
    await provider.close()


def main() -> None:
    """Run the live send when the environment names a page and a user, else the demo."""
    token = os.environ.get("MESSENGER_PAGE_TOKEN")
    recipient = os.environ.get("MESSENGER_RECIPIENT_ID")
    if token and recipient:
        asyncio.run(live_send(token, recipient))
        return
    asyncio.run(offline_demo())
    print("\n(offline demo; set MESSENGER_PAGE_TOKEN and MESSENGER_RECIPIENT_ID to send for real)")


if __name__ == "__main__":
    main()
