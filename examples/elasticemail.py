"""Elastic Email: an inbound email opens a room, an agent's answer goes out in its thread.

Runs offline by default: an ``httpx.MockTransport`` stands in for the Elastic Email v4
API. The trace shows the inbound email parsed from an inbound-route post, the reply sent
with ``In-Reply-To`` / ``References`` and a ``Re:`` subject (the thread was stored in the
binding metadata with ``email_thread_metadata``), and the delivery notification
recorded on the reply.

The email channel here is a ``TransportChannel`` whose defaults read ``subject`` and
``email_thread`` from the binding metadata, so every reply in the room stays threaded.

To send one real email instead, set ``ELASTICEMAIL_API_KEY``, ``ELASTICEMAIL_FROM`` (a
verified sender) and ``ELASTICEMAIL_TO``, then run ``python examples/elasticemail.py``.
"""

from __future__ import annotations

import asyncio
import json
import os

import httpx
from pydantic import SecretStr

from roomkit import (
    EMAIL_CAPABILITIES,
    Channel,
    ChannelType,
    DeliveryStatus,
    EventSource,
    EventType,
    RichContent,
    RoomEvent,
    RoomKit,
    TextContent,
    TransportChannel,
)
from roomkit.providers.elasticemail import (
    ElasticEmailConfig,
    ElasticEmailProvider,
    parse_elasticemail_inbound,
    parse_elasticemail_notification,
)
from roomkit.providers.email import email_thread_metadata

INBOUND_POST = {
    "From": "Jane Doe <jane.doe@example.org>",
    "To": "support@example.com",
    "Subject": "Order 1042",
    "BodyText": "Hi, my order 1042 has not arrived yet. Can you check?",
    "Headers": {"Message-ID": "<CAF3d9w2@mail.example.org>"},
}


def fake_elastic_email(request: httpx.Request) -> httpx.Response:
    """Answer like the v4 transactional endpoint and print what was sent."""
    content = json.loads(request.content)["Content"]
    headers = content["Headers"]
    print(f"  -> Elastic Email {request.method} {request.url.path}")
    print(f"     From: {content['From']}  Subject: {content['Subject']}")
    print(
        f"     In-Reply-To: {headers.get('In-Reply-To')}  References: {headers.get('References')}"
    )
    print(f"     Body: {content['Body'][0]['Content']!r}")
    return httpx.Response(200, json={"TransactionID": "tx-1", "MessageID": "ee-msg-1"})


async def offline_demo() -> None:
    """Run the exchange against the fake Elastic Email API."""
    config = ElasticEmailConfig(
        api_key=SecretStr("demo-key"), from_email="support@example.com", from_name="Support"
    )
    client = httpx.AsyncClient(transport=httpx.MockTransport(fake_elastic_email))
    email = TransportChannel(
        "email",
        ChannelType.EMAIL,
        provider=ElasticEmailProvider(config, http_client=client),
        capabilities=EMAIL_CAPABILITIES,
        recipient_key="email_address",
        defaults={"from_": None, "subject": None, "email_thread": None},
    )
    async with RoomKit() as kit:
        kit.register_channel(email)

        @kit.on_delivery_status
        async def show_status(status: DeliveryStatus) -> None:
            print(f"  status of {status.message_id}: {status.status}")

        inbound = parse_elasticemail_inbound(INBOUND_POST)
        print(f"email from {inbound.sender}: {inbound.body!r} (thread {inbound.thread_id})")
        result = await kit.process_inbound(inbound.to_inbound("email"))
        if result.event is None:
            raise SystemExit(f"the email was not accepted: {result.reason}")
        room_id = result.event.room_id
        await kit.update_binding_metadata(room_id, "email", email_thread_metadata(inbound))

        print("agent replies:")
        await kit.send_event(
            room_id, "agent", TextContent(body="Hi Jane, it left our warehouse this morning.")
        )

        notification = parse_elasticemail_notification(
            "status=Sent&messageid=ee-msg-1&to=jane.doe%40example.org&transaction=tx-1"
        )
        print("notification received:")
        await kit.process_webhook(notification, "email")

        print("Timeline:")
        for event in await kit.get_timeline(room_id):
            if event.type is EventType.MESSAGE:
                delivery = event.delivery_results.get("email", {})
                note = f" [delivery: {delivery.get('provider_status')}]" if delivery else ""
                text = Channel.extract_text(event)
                print(f"  #{event.index} {event.source.channel_id}: {text}{note}")
    await client.aclose()


async def live_send(api_key: str, sender: str, recipient: str) -> None:
    """Send one HTML email through the real Elastic Email API."""
    provider = ElasticEmailProvider(
        ElasticEmailConfig(api_key=SecretStr(api_key), from_email=sender)
    )
    event = RoomEvent(
        room_id="live",
        source=EventSource(channel_id="example", channel_type=ChannelType.SYSTEM),
        content=RichContent(body="<p>Hello from <b>RoomKit</b>!</p>", format="html"),
    )
    result = await provider.send(event, recipient, subject="RoomKit test")
    print("sent:" if result.success else "failed:", result.provider_message_id or result.error)
    await provider.close()


def main() -> None:
    """Run the live send when the environment names a key and addresses, else the demo."""
    key = os.environ.get("ELASTICEMAIL_API_KEY")
    sender, recipient = os.environ.get("ELASTICEMAIL_FROM"), os.environ.get("ELASTICEMAIL_TO")
    if key and sender and recipient:
        asyncio.run(live_send(key, sender, recipient))
        return
    asyncio.run(offline_demo())
    print(
        "\n(offline demo; set ELASTICEMAIL_API_KEY, ELASTICEMAIL_FROM and ELASTICEMAIL_TO"
        " to send for real)"
    )


if __name__ == "__main__":
    main()
