"""RealtimeVoiceChannel: text injected from other channels and tool calls."""

from __future__ import annotations

import json
from typing import Any

import pytest
from realtime_support import ROOM, RealtimeRoom, build_realtime_room

from roomkit import (
    HookResult,
    HookTrigger,
    InboundMessage,
    RoomContext,
    RoomEvent,
    RoomKit,
    TextContent,
)
from roomkit.models import EventType, SystemContent
from roomkit.voice.realtime import RealtimeSession


async def say_on_ws(room: RealtimeRoom, text: str, sender: str = "supervisor") -> None:
    """A message of the WebSocket user, through the inbound pipeline."""
    message = InboundMessage(channel_id="ws", sender_id=sender, content=TextContent(body=text))
    await room.kit.process_inbound(message, room_id=ROOM)


# --- text from other channels ---------------------------------------------------------


async def test_text_from_another_channel_is_given_to_the_model(
    room: RealtimeRoom, session: RealtimeSession
) -> None:
    await say_on_ws(room, "Offer the premium plan.")

    assert room.provider.injected_texts(session) == [("Offer the premium plan.", "user")]
    event_id = (await room.kit.get_timeline(ROOM))[-1].id
    assert room.events_of("realtime_text_injected") == [
        {
            "session_id": session.id,
            "event_id": event_id,
            "source_channel_id": "ws",
            "role": "user",
        }
    ]


async def test_an_injection_hook_rewrites_the_text_and_its_role(
    room: RealtimeRoom, session: RealtimeSession
) -> None:
    seen: list[RoomEvent] = []

    @room.kit.hook(HookTrigger.ON_REALTIME_TEXT_INJECTED, channel_ids=["ws"])
    async def as_supervisor(event: RoomEvent, ctx: RoomContext) -> HookResult:
        seen.append(event)
        text = f"[supervisor] {room.channel.extract_text(event)}"
        metadata = {**event.metadata, "realtime_role": "assistant"}
        return HookResult.modify(
            event.model_copy(update={"content": TextContent(body=text), "metadata": metadata})
        )

    await say_on_ws(room, "Be nicer.")

    assert room.provider.injected_texts(session) == [("[supervisor] Be nicer.", "assistant")]
    assert seen[0].metadata["realtime_session_id"] == session.id
    assert seen[0].metadata["realtime_role"] == "user"
    stored = (await room.kit.get_timeline(ROOM))[-1]
    assert room.channel.extract_text(stored) == "Be nicer."  # the room keeps the original


async def test_an_injection_hook_blocks_the_text(
    room: RealtimeRoom, session: RealtimeSession
) -> None:
    @room.kit.hook(HookTrigger.ON_REALTIME_TEXT_INJECTED)
    async def keep_secret(event: RoomEvent, ctx: RoomContext) -> HookResult:
        if "secret" in room.channel.extract_text(event):
            return HookResult.block("not for the model")
        return HookResult.allow()

    await say_on_ws(room, "the secret is 42")
    await say_on_ws(room, "hello")

    assert room.provider.injected_texts(session) == [("hello", "user")]
    assert len(room.events_of("realtime_text_injected")) == 1


async def test_a_hook_that_empties_the_text_injects_nothing(
    room: RealtimeRoom, session: RealtimeSession
) -> None:
    @room.kit.hook(HookTrigger.ON_REALTIME_TEXT_INJECTED)
    async def empty(event: RoomEvent, ctx: RoomContext) -> HookResult:
        return HookResult.modify(event.model_copy(update={"content": TextContent(body=" ")}))

    await say_on_ws(room, "hello")

    assert room.provider.injected_texts(session) == []


async def test_only_text_messages_of_the_sessions_room_are_injected(
    kit: RoomKit,
) -> None:
    room = await build_realtime_room(kit)
    session = await room.start()
    await kit.create_room(room_id="room-2")
    await kit.attach_channel("room-2", "ws")
    await kit.attach_channel("room-2", "voice")
    other = await room.channel.start_session("room-2", "other-caller", "conn-2")

    await say_on_ws(room, "for room one")
    await say_on_ws(room, "   ")
    await kit.send_event(ROOM, "ws", SystemContent(body="joined"), event_type=EventType.SYSTEM)

    assert room.provider.injected_texts(session) == [("for room one", "user")]
    assert room.provider.injected_texts(other) == []


async def test_every_session_of_the_room_receives_the_text(
    room: RealtimeRoom, session: RealtimeSession
) -> None:
    second = await room.start("second-caller", "conn-2")

    await say_on_ws(room, "Hello both")

    assert room.provider.injected_texts(session) == [("Hello both", "user")]
    assert room.provider.injected_texts(second) == [("Hello both", "user")]


async def test_a_failing_injection_is_logged_and_delivery_goes_on(
    room: RealtimeRoom, session: RealtimeSession, caplog: pytest.LogCaptureFixture
) -> None:
    room.provider.sessions.clear()  # inject_text now raises NotFoundError

    await say_on_ws(room, "Hello")

    assert "injecting text" in caplog.text
    assert room.events_of("realtime_text_injected") == []
    assert room.inbox.texts == []


# --- tool calls -----------------------------------------------------------------------


async def weather(
    session: RealtimeSession, name: str, arguments: dict[str, Any]
) -> dict[str, Any]:
    """A tool handler answering with a dict."""
    return {"city": arguments["city"], "sky": "sunny", "participant": session.participant_id}


async def test_a_tool_call_is_answered_by_the_handler(kit: RoomKit) -> None:
    room = await build_realtime_room(kit, tool_handler=weather)
    session = await room.start()

    call_id = await room.provider.simulate_tool_call(session, "get_weather", {"city": "Paris"})
    await room.channel.wait_idle()

    result = json.loads(room.provider.tool_results(session)[call_id])
    assert result == {"city": "Paris", "sky": "sunny", "participant": "caller"}
    assert room.events_of("realtime_tool_call") == [
        {
            "session_id": session.id,
            "call_id": call_id,
            "name": "get_weather",
            "answered_by": "handler",
            "is_error": False,
        }
    ]


async def test_a_string_result_is_passed_as_is(kit: RoomKit) -> None:
    async def plain(session: RealtimeSession, name: str, arguments: dict[str, Any]) -> str:
        return "It is sunny."

    room = await build_realtime_room(kit, tool_handler=plain)
    session = await room.start()

    call_id = await room.provider.simulate_tool_call(session, "get_weather", call_id="c-1")
    await room.channel.wait_idle()

    assert call_id == "c-1"
    assert room.provider.tool_results(session) == {"c-1": "It is sunny."}


async def test_a_hook_answers_the_call_before_the_handler(kit: RoomKit) -> None:
    handled: list[str] = []

    async def handler(session: RealtimeSession, name: str, arguments: dict[str, Any]) -> str:
        handled.append(name)
        return "from the handler"

    room = await build_realtime_room(kit, tool_handler=handler)
    seen: list[RoomEvent] = []

    @kit.hook(HookTrigger.ON_REALTIME_TOOL_CALL, channel_ids=["voice"])
    async def answer_time(event: RoomEvent, ctx: RoomContext) -> HookResult | None:
        seen.append(event)
        if event.metadata["tool_name"] != "get_time":
            return None
        metadata = {**event.metadata, "tool_result": {"time": "12:00"}}
        return HookResult.modify(event.model_copy(update={"metadata": metadata}))

    session = await room.start()
    time_call = await room.provider.simulate_tool_call(session, "get_time", {"tz": "UTC"})
    other_call = await room.provider.simulate_tool_call(session, "get_weather")
    await room.channel.wait_idle()

    results = room.provider.tool_results(session)
    assert json.loads(results[time_call]) == {"time": "12:00"}
    assert results[other_call] == "from the handler"
    assert handled == ["get_weather"]
    call = seen[0]
    assert call.type is EventType.SYSTEM and call.room_id == ROOM
    assert isinstance(call.content, SystemContent) and call.content.code == "realtime_tool_call"
    assert call.metadata["tool_arguments"] == {"tz": "UTC"}
    assert call.metadata["realtime_session_id"] == session.id
    answered = {e["name"]: e["answered_by"] for e in room.events_of("realtime_tool_call")}
    assert answered == {"get_time": "hook", "get_weather": "handler"}
    assert await room.messages() == []  # tool calls are not stored in the room


async def test_a_hook_may_rewrite_the_arguments_for_the_handler(kit: RoomKit) -> None:
    room = await build_realtime_room(kit, tool_handler=weather)

    @kit.hook(HookTrigger.ON_REALTIME_TOOL_CALL)
    async def default_city(event: RoomEvent, ctx: RoomContext) -> HookResult:
        metadata = {**event.metadata, "tool_arguments": {"city": "Montreal"}}
        return HookResult.modify(event.model_copy(update={"metadata": metadata}))

    session = await room.start()
    call_id = await room.provider.simulate_tool_call(session, "get_weather", {})
    await room.channel.wait_idle()

    assert json.loads(room.provider.tool_results(session)[call_id])["city"] == "Montreal"


async def test_a_hook_may_refuse_a_call(kit: RoomKit) -> None:
    room = await build_realtime_room(kit, tool_handler=weather)

    @kit.hook(HookTrigger.ON_REALTIME_TOOL_CALL)
    async def no_payments(event: RoomEvent, ctx: RoomContext) -> HookResult:
        return HookResult.block("payments need a human")

    session = await room.start()
    call_id = await room.provider.simulate_tool_call(session, "pay", {"amount": 10})
    await room.channel.wait_idle()

    result = json.loads(room.provider.tool_results(session)[call_id])
    assert result == {"error": "tool call refused: payments need a human"}
    assert room.events_of("realtime_tool_call")[0]["answered_by"] == "blocked"


async def test_a_failing_handler_gives_the_model_an_error(
    kit: RoomKit, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(session: RealtimeSession, name: str, arguments: dict[str, Any]) -> str:
        raise LookupError("no such order")

    room = await build_realtime_room(kit, tool_handler=broken)
    session = await room.start()

    call_id = await room.provider.simulate_tool_call(session, "lookup_order", {"id": 7})
    await room.channel.wait_idle()

    result = json.loads(room.provider.tool_results(session)[call_id])
    assert result == {"error": "LookupError: no such order"}
    event = room.events_of("realtime_tool_call")[0]
    assert event["is_error"] is True and event["answered_by"] == "handler"
    assert "LookupError" in caplog.text
    assert room.channel.sessions() == [session]  # the session goes on


async def test_a_failing_hook_is_skipped_and_reported(kit: RoomKit) -> None:
    room = await build_realtime_room(kit, tool_handler=weather)
    errors: list[Any] = []

    @kit.hook(HookTrigger.ON_REALTIME_TOOL_CALL)
    async def buggy(event: RoomEvent, ctx: RoomContext) -> HookResult:
        raise RuntimeError("hook bug")

    @kit.hook(HookTrigger.ON_ERROR)
    async def on_error(event: RoomEvent, ctx: RoomContext, error: Any) -> None:
        errors.append(error)

    session = await room.start()
    call_id = await room.provider.simulate_tool_call(session, "get_weather", {"city": "Oslo"})
    await room.channel.wait_idle()

    assert json.loads(room.provider.tool_results(session)[call_id])["city"] == "Oslo"
    assert [e.hook_name for e in errors] == ["buggy"]


async def test_a_call_without_handler_gets_an_error_result(
    room: RealtimeRoom, session: RealtimeSession
) -> None:
    call_id = await room.provider.simulate_tool_call(session, "get_weather")
    await room.channel.wait_idle()

    result = json.loads(room.provider.tool_results(session)[call_id])
    assert result == {"error": "no handler for tool 'get_weather'"}
    assert room.events_of("realtime_tool_call")[0]["answered_by"] == "unhandled"


async def test_a_result_for_an_ended_session_is_dropped(kit: RoomKit) -> None:
    room = await build_realtime_room(kit)
    session = await room.start()

    async def end_then_answer(s: RealtimeSession, name: str, arguments: dict[str, Any]) -> str:
        await room.channel.end_session(s)
        return "too late"

    room.channel.tool_handler = end_then_answer
    await room.provider.simulate_tool_call(session, "get_weather")
    await room.channel.wait_idle()

    assert room.provider.calls_of("submit_tool_result") == []
    assert room.events_of("realtime_tool_call") == []


async def test_a_failing_submission_is_logged(
    room: RealtimeRoom, session: RealtimeSession, caplog: pytest.LogCaptureFixture
) -> None:
    room.provider.sessions.clear()  # submit_tool_result now raises NotFoundError

    await room.provider.simulate_tool_call(session, "get_weather")
    await room.channel.wait_idle()

    assert "submitting a tool result" in caplog.text
    assert room.events_of("realtime_tool_call")[0]["answered_by"] == "unhandled"
