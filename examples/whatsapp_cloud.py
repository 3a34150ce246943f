"""WhatsApp Cloud API: a signed webhook comes in, the bot answers with buttons and a template.

Runs offline by default: an ``httpx.MockTransport`` stands in for Meta's Graph API and the
webhooks are built and signed here with a demo app secret. The trace shows the
subscription handshake, the signature check, the inbound message, each Cloud API request
the provider makes (an interactive reply with buttons, then an approved template), and the
delivery status recorded on the reply.

To send one real template message instead, set ``WHATSAPP_TOKEN``,
``WHATSAPP_PHONE_NUMBER_ID`` and ``WHATSAPP_TO`` (a number that opted in), then run
``python examples/whatsapp_cloud.py``.
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
    MockAIProvider,
    RichContent,
    RoomEvent,
    RoomKit,
    TemplateContent,
    WhatsAppChannel,
)
from roomkit.providers.whatsapp import (
    WhatsAppCloudConfig,
    WhatsAppCloudProvider,
    parse_whatsapp_webhook,
)

APP_SECRET = "demo-app-secret"
PHONE_NUMBER_ID = "106540352242922"
CUSTOMER = "+16505551234"
SENT = [0]


def fake_cloud_api(request: httpx.Request) -> httpx.Response:
    """Answer like the Cloud API messages endpoint and print what was sent."""
    body = json.loads(request.content)
    kind = body["type"]
    print(f"  -> Cloud API POST {request.url.path} ({kind}): {json.dumps(body[kind])[:110]}")
    SENT[0] += 1
    message_id = f"wamid.OUT{SENT[0]}"
    return httpx.Response(
        200,
        json={
            "messaging_product": "whatsapp",
            "contacts": [{"input": body["to"], "wa_id": body["to"].lstrip("+")}],
            "messages": [{"id": message_id}],
        },
    )


def signed(value: dict[str, Any]) -> tuple[bytes, str]:
    """A Cloud API webhook carrying ``value``, with its X-Hub-Signature-256 header."""
    payload = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": value}]}],
    }
    body = json.dumps(payload).encode()
    return body, "sha256=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()


def metadata() -> dict[str, Any]:
    """The ``value.metadata`` block of webhooks sent to our business number."""
    return {"display_phone_number": "15550783881", "phone_number_id": PHONE_NUMBER_ID}


async def offline_demo() -> None:
    """Run the whole exchange against the fake Cloud API."""
    config = WhatsAppCloudConfig(
        access_token=SecretStr("demo-token"),
        phone_number_id=PHONE_NUMBER_ID,
        app_secret=SecretStr(APP_SECRET),
        verify_token=SecretStr("demo-verify-token"),
    )
    client = httpx.AsyncClient(transport=httpx.MockTransport(fake_cloud_api))
    provider = WhatsAppCloudProvider(config, http_client=client)
    bot = MockAIProvider(["Yes! It also comes in blue and green."])

    async with RoomKit() as kit:
        kit.register_channel(WhatsAppChannel("whatsapp", provider=provider))
        kit.register_channel(AIChannel("bot", provider=bot))
        room = await kit.create_room(room_id="wa-support")
        await kit.attach_channel(room.id, "whatsapp", metadata={"phone_number": CUSTOMER})
        await kit.attach_channel(room.id, "bot", category=ChannelCategory.INTELLIGENCE)

        @kit.on_delivery_status
        async def show_status(status: DeliveryStatus) -> None:
            print(f"  status of {status.message_id}: {status.status}")

        params = {"hub.mode": "subscribe", "hub.verify_token": "demo-verify-token"}
        challenge = provider.verify_challenge({**params, "hub.challenge": "1158201444"})
        print(f"GET handshake answered with hub.challenge={challenge}")

        message = {
            "from": CUSTOMER.lstrip("+"),
            "id": "wamid.IN1",
            "timestamp": "1714644904",
            "type": "text",
            "text": {"body": "Does it come in another color?"},
        }
        body, signature = signed(
            {"messaging_product": "whatsapp", "metadata": metadata(), "messages": [message]}
        )
        provider.verify_signature(body, signature)
        print("POST webhook: X-Hub-Signature-256 checks out")
        for meta in parse_whatsapp_webhook(body):
            print(f"customer {meta.sender} wrote: {meta.body}")
            await kit.process_webhook(meta, "whatsapp")

        print("An agent follows up with quick-reply buttons, then an approved template:")
        for content in (
            RichContent(
                body="Which one should we reserve?",
                buttons=[{"id": "blue", "title": "Blue"}, {"id": "green", "title": "Green"}],
            ),
            TemplateContent(
                template_id="order_update",
                language="en_US",
                parameters={"1": "#1042", "2": "tomorrow"},
            ),
        ):
            event = RoomEvent(
                room_id=room.id,
                content=content,
                source=EventSource(channel_id="agent", channel_type=ChannelType.WEBSOCKET),
            )
            result = await provider.send(event, to=CUSTOMER)
            print(f"  sent {content.type} as {result.provider_message_id}")

        status = {
            "id": "wamid.OUT1",
            "status": "read",
            "timestamp": "1714644950",
            "recipient_id": CUSTOMER.lstrip("+"),
        }
        body, signature = signed(
            {"messaging_product": "whatsapp", "metadata": metadata(), "statuses": [status]}
        )
        provider.verify_signature(body, signature)
        print("POST webhook: status update")
        for meta in parse_whatsapp_webhook(body):
            await kit.process_webhook(meta, "whatsapp")

        print("Timeline:")
        for event in await kit.get_timeline(room.id):
            if event.type is not EventType.MESSAGE:
                continue
            result = event.delivery_results.get("whatsapp", {})
            note = f" [delivery: {result.get('provider_status')}]" if result else ""
            print(
                f"  #{event.index} {event.source.channel_id}: {Channel.extract_text(event)}{note}"
            )
    await client.aclose()


async def live_template() -> None:
    """Send one approved template to a real number (needs the WHATSAPP_* variables)."""
    config = WhatsAppCloudConfig(
        access_token=SecretStr(os.environ["WHATSAPP_TOKEN"]),
        phone_number_id=os.environ["WHATSAPP_PHONE_NUMBER_ID"],
    )
    provider = WhatsAppCloudProvider(config)
    event = RoomEvent(
        room_id="live",
        source=EventSource(channel_id="agent", channel_type=ChannelType.WEBSOCKET),
        content=TemplateContent(template_id="hello_world", language="en_US"),
    )
    result = await provider.send(event, to=os.environ["WHATSAPP_TO"])
    print("sent" if result.success else f"failed: {result.error}", result.provider_message_id)
    await provider.close()


if __name__ == "__main__":
    live = all(
        os.environ.get(k) for k in ("WHATSAPP_TOKEN", "WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_TO")
    )
    asyncio.run(live_template() if live else offline_demo())
