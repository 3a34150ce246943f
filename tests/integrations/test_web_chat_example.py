"""examples/web_chat.py without a browser: the page, then its WebSocket conversation."""

from __future__ import annotations

import json
from typing import Any

import httpx
from websockets.asyncio.client import connect

from tests.integrations.conftest import next_frame, serve
from tests.integrations.web_chat_support import load_web_chat

web_chat = load_web_chat()


def _is_typing(frame: dict[str, Any], kind: str) -> bool:
    return frame["type"] == "ephemeral" and frame["event"]["type"] == kind


async def test_the_page_is_served_and_talks_to_the_websocket_endpoint() -> None:
    kit, app = await web_chat.build_app(delay=0)
    async with kit, serve(app) as base_url, httpx.AsyncClient(base_url=base_url) as client:
        page = await client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "/ws/web?room_id=${ROOM}" in page.text
    assert '"typing"' in page.text


async def test_a_message_gets_the_assistant_typing_then_its_answer() -> None:
    kit, app = await web_chat.build_app(delay=0)
    async with kit, serve(app) as base_url:
        url = "ws" + base_url.removeprefix("http") + "/ws/web?room_id=lobby"
        async with connect(url) as alice, connect(url) as bob:
            for ws in (alice, bob):
                assert (await next_frame(ws))["type"] == "connected"
                assert (await next_frame(ws))["type"] == "joined"
            await alice.send(
                json.dumps({"type": "typing", "room_id": "lobby", "sender_id": "alice"})
            )
            seen_by_bob = await next_frame(bob)
            assert seen_by_bob["event"]["user_id"] == "alice"
            await alice.send(
                json.dumps(
                    {"type": "message", "room_id": "lobby", "sender_id": "alice", "text": "hi"}
                )
            )
            frames = [await next_frame(alice)]
            while not any(_is_typing(f, "typing_stop") for f in frames) or not any(
                f["type"] == "ack" for f in frames
            ):
                frames.append(await next_frame(alice))
    typing = [f["event"] for f in frames if f["type"] == "ephemeral"]
    assert [(e["type"], e["user_id"]) for e in typing if e["user_id"] == "assistant"] == [
        ("typing_start", "assistant"),
        ("typing_stop", "assistant"),
    ]
    (answer,) = [f["event"] for f in frames if f["type"] == "event"]
    assert answer["source"]["channel_id"] == "assistant"
    assert answer["content"]["body"] == web_chat.REPLIES[0]
