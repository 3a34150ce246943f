"""A speech-to-speech call that runs offline: a WebSocket caller talks to a scripted model.

The caller is a ``websockets`` client on loopback streaming PCM16 audio to a
``RealtimeVoiceChannel`` through ``WebSocketRealtimeTransport``. The model is the
``MockRealtimeProvider``, scripted below the way a vendor behaves: it hears the caller,
transcribes them, calls a tool, answers with audio and a transcript. A supervisor on a
WebSocket channel sees the transcripts and slips the model a hint, which an
``ON_REALTIME_TEXT_INJECTED`` hook labels. At the end the room's timeline is printed.

Needs the ``websocket`` extra: ``pip install 'roomkit[websocket]'``.
Run it with ``uv run python examples/realtime_voice.py``.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection, serve

from roomkit import (
    HookResult,
    HookTrigger,
    InboundMessage,
    RoomContext,
    RoomEvent,
    RoomKit,
    TextContent,
    WebSocketChannel,
)
from roomkit.channels import RealtimeVoiceChannel
from roomkit.models import AITool, EventType
from roomkit.models.framework_event import FrameworkEvent
from roomkit.voice.realtime import MockRealtimeProvider, RealtimeSession
from roomkit.voice.realtime.ws_transport import WebSocketRealtimeTransport

QUESTION = "What is the weather in Paris tomorrow?"
ANSWER = "Tomorrow in Paris it will be sunny, 22 degrees."
WEATHER = AITool(
    name="get_weather",
    description="The forecast of a city",
    parameters={"type": "object", "properties": {"city": {"type": "string"}}},
)


async def get_weather(
    session: RealtimeSession, name: str, arguments: dict[str, Any]
) -> dict[str, Any]:
    """The tool the model calls: a canned forecast."""
    return {"city": arguments["city"], "forecast": "sunny", "celsius": 22}


async def model_hears(provider: MockRealtimeProvider, session: RealtimeSession) -> None:
    """What a speech-to-speech vendor reports while the caller asks their question."""
    await provider.simulate_speech_start(session)
    await provider.simulate_speech_end(session)
    await provider.simulate_transcription(session, QUESTION)


async def model_answers(provider: MockRealtimeProvider, session: RealtimeSession) -> None:
    """What the vendor does to answer: call the tool, then speak."""
    await provider.simulate_response_start(session)
    await provider.simulate_tool_call(session, "get_weather", {"city": "Paris"})
    await provider.wait_for_call("submit_tool_result")
    for _ in range(5):
        await provider.simulate_audio(session, b"\x10\x00" * 2400)  # 5 x 100 ms at 24 kHz
    await provider.simulate_transcription(session, ANSWER, role="assistant")
    await provider.simulate_response_end(session)


async def caller(url: str) -> tuple[int, list[str]]:
    """The phone: ask the question, listen to the answer, hang up when the model is done."""
    audio, messages = 0, []
    async with connect(url) as ws:
        messages.append(json.loads(await ws.recv())["type"])  # session_started
        await ws.send(b"\x20\x00" * 1600)  # 100 ms of "speech" at 16 kHz
        async for frame in ws:
            if isinstance(frame, bytes):
                audio += len(frame)
                continue
            message = json.loads(frame)
            messages.append(message["type"])
            if message == {"type": "speaking", "speaking": False}:
                break
    return audio, messages


async def main() -> None:
    """Hold one call and print what the caller got and what the room recorded."""
    provider = MockRealtimeProvider()
    transport = WebSocketRealtimeTransport()
    phone = RealtimeVoiceChannel(
        "phone",
        provider=provider,
        transport=transport,
        system_prompt="You are a friendly weather line.",
        tools=[WEATHER],
        tool_handler=get_weather,
    )
    seen_by_supervisor: list[str] = []
    ended = asyncio.Event()

    async def supervisor_screen(connection_id: str, event: RoomEvent) -> None:
        seen_by_supervisor.append(phone.extract_text(event))

    async with RoomKit() as kit:
        kit.register_channel(phone)
        kit.register_channel(WebSocketChannel("supervisor"))
        room = await kit.create_room()
        await kit.attach_channel(room.id, "supervisor")
        await kit.connect_websocket("supervisor", "desk", supervisor_screen)

        @kit.hook(HookTrigger.ON_REALTIME_TEXT_INJECTED, channel_ids=["supervisor"])
        async def label(event: RoomEvent, ctx: RoomContext) -> HookResult:
            text = f"[supervisor] {phone.extract_text(event)}"
            return HookResult.modify(event.model_copy(update={"content": TextContent(body=text)}))

        @kit.on("realtime_session_ended")
        async def on_ended(event: FrameworkEvent) -> None:
            ended.set()

        async def answer_call(connection: ServerConnection) -> None:
            session = await phone.start_session(room.id, "caller", connection)
            await transport.wait_closed(session)

        async with serve(answer_call, "127.0.0.1", 0) as server:
            port = next(iter(server.sockets)).getsockname()[1]
            call = asyncio.create_task(caller(f"ws://127.0.0.1:{port}"))
            await provider.wait_for_call("send_audio")
            (session,) = phone.sessions(room.id)
            await model_hears(provider, session)
            await phone.wait_idle()  # the question reached the room (and the supervisor)
            hint = InboundMessage(
                channel_id="supervisor",
                sender_id="lead",
                content=TextContent(body="Mention the umbrella offer."),
            )
            await kit.process_inbound(hint, room_id=room.id)
            await model_answers(provider, session)
            audio, messages = await call
            await ended.wait()
            await phone.wait_idle()

        print(f"caller heard {audio / 2 / 24000:.1f} s of audio and: {', '.join(messages)}")
        print(f"model was given: {provider.injected_texts(session)[0][0]}")
        print(f"tool result: {provider.tool_results(session).popitem()[1]}")
        print(f"supervisor saw: {' | '.join(seen_by_supervisor)}")
        print("timeline:")
        for event in await kit.get_timeline(room.id):
            if event.type is EventType.MESSAGE:
                who = event.source.participant_id or "model"
                print(f"  [{event.source.channel_id}] {who}: {phone.extract_text(event)}")


if __name__ == "__main__":
    asyncio.run(main())
