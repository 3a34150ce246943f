"""VoiceMeUp SMS/MMS with RoomKit, offline.

A customer texts a photo. VoiceMeUp delivers one MMS as two webhooks (the text, then the
media); ``parse_voicemeup_webhook`` buffers the first and merges the second into one
inbound message. The room's AI answers, and the answer goes back to the customer
through ``VoiceMeUpSMSProvider``. A fake VoiceMeUp API (``httpx.MockTransport``) stands
in for the real one, so nothing leaves the machine.
"""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qsl

import httpx

from roomkit import (
    AIChannel,
    Channel,
    ChannelCategory,
    CompositeContent,
    HookExecution,
    HookTrigger,
    InboundMessage,
    MockAIProvider,
    RoomContext,
    RoomEvent,
    RoomKit,
    SMSChannel,
)
from roomkit.providers.voicemeup import (
    VoiceMeUpConfig,
    VoiceMeUpSMSProvider,
    configure_voicemeup_mms,
    parse_voicemeup_webhook,
)

CUSTOMER = "+14185550111"
OUR_NUMBER = "+15145550100"

WEBHOOKS = [
    {  # first part: the text, announcing a JPEG
        "message_uid": "vmu-1001",
        "source_number": CUSTOMER,
        "destination_number": OUR_NUMBER,
        "message": "My parcel arrived like this",
        "message_type": "mms",
        "attachment_mime_type": "image/jpeg",
    },
    {  # second part: the media itself
        "message_uid": "vmu-1002",
        "source_number": CUSTOMER,
        "destination_number": OUR_NUMBER,
        "message": "",
        "message_type": "mms",
        "attachment": "https://media.example.com/mms/parcel.jpg",
        "attachment_mime_type": "image/jpeg",
    },
]


def fake_voicemeup(sent: list[dict[str, str]]) -> httpx.AsyncClient:
    """An HTTP client whose 'VoiceMeUp' records each send and accepts it."""

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(dict(parse_qsl(request.content.decode())))
        return httpx.Response(200, json={"response_status": "success", "message_uid": "vmu-out-1"})

    return httpx.AsyncClient(transport=httpx.MockTransport(handle))


async def main() -> None:
    """Feed the two webhooks in and print what RoomKit did."""
    sent: list[dict[str, str]] = []
    ai = MockAIProvider(["Sorry about that! A replacement ships today."])
    async with fake_voicemeup(sent) as http, RoomKit() as kit:
        config = VoiceMeUpConfig(username="demo", auth_token="demo-token", from_number=OUR_NUMBER)
        provider = VoiceMeUpSMSProvider(config, http_client=http)
        kit.register_channel(SMSChannel("sms-voicemeup", provider=provider))
        kit.register_channel(AIChannel("ai", provider=ai, system_prompt="Be kind and brief."))

        @kit.hook(HookTrigger.ON_ROOM_CREATED, execution=HookExecution.ASYNC, name="add_ai")
        async def add_ai(event: RoomEvent, ctx: RoomContext | None) -> None:
            await kit.attach_channel(event.room_id, "ai", category=ChannelCategory.INTELLIGENCE)

        async def orphan(message: InboundMessage) -> None:
            await kit.process_inbound(message)  # a part whose sibling never came

        configure_voicemeup_mms(timeout_seconds=5.0, on_timeout=orphan)

        for number, payload in enumerate(WEBHOOKS, start=1):
            message = parse_voicemeup_webhook(payload, channel_id="sms-voicemeup")
            if message is None:
                print(f"webhook {number}: buffered, waiting for the other MMS part")
                continue
            print(f"webhook {number}: merged MMS from {message.sender_id}")
            event = (await kit.process_inbound(message)).event
            if event is None:
                continue
            content = event.content
            parts = content.parts if isinstance(content, CompositeContent) else [content]
            print(f"  room {event.room_id} stored a {event.source.channel_type.value} event:")
            print(f"  text {Channel.extract_text(event)!r}, parts {[p.type for p in parts]}")

        for form in sent:
            print(f"sent to VoiceMeUp: to={form['destination_number']} text={form['message']!r}")


if __name__ == "__main__":
    asyncio.run(main())
