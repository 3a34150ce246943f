"""A browser chat with an AI assistant: one HTML page over RoomKit's WebSocket endpoint.

Run ``python examples/web_chat.py`` and open http://127.0.0.1:8000. The assistant is
``MockAIProvider`` (no API key needed); swap in a real AI provider to talk to a model.
While it "thinks", the page shows a typing indicator; open a second tab to see each
other's typing too. The page is plain HTML and JavaScript: no build step.

The API runs without authentication here because it only listens on 127.0.0.1; pass
``auth=BearerAuth(...)`` to ``create_app`` before exposing it anywhere else.
"""

from __future__ import annotations

import argparse
import asyncio

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from roomkit import (
    AIChannel,
    AIContext,
    AIResponse,
    ChannelCategory,
    HookExecution,
    HookResult,
    HookTrigger,
    MockAIProvider,
    RoomContext,
    RoomEvent,
    RoomKit,
    WebSocketChannel,
)
from roomkit.integrations.asgi import create_app

ROOM_ID = "lobby"
WEB_CHANNEL = "web"
ASSISTANT = "assistant"
REPLIES = [
    "Hi! I'm a mock assistant. Ask me anything.",
    "Good question. In a real deployment an AI provider would answer it.",
    "RoomKit sent your message through its pipeline and stored it in the room.",
]


class ThinkingMockAI(MockAIProvider):
    """The mock AI, pausing before each answer so the typing indicator can be seen."""

    def __init__(self, replies: list[str], delay: float) -> None:
        super().__init__(replies)
        self.delay = delay

    async def generate(self, context: AIContext) -> AIResponse:
        """Wait ``delay`` seconds, then answer the next canned reply."""
        if self.delay:
            await asyncio.sleep(self.delay)
        return await super().generate(context)


async def build_app(delay: float = 0.8) -> tuple[RoomKit, Starlette]:
    """Build the kit (room ``lobby``: web users plus the assistant) and its web app."""
    kit = RoomKit()
    kit.register_channel(WebSocketChannel(WEB_CHANNEL))
    kit.register_channel(AIChannel(ASSISTANT, provider=ThinkingMockAI(REPLIES, delay)))
    await kit.create_room(room_id=ROOM_ID)
    await kit.attach_channel(ROOM_ID, WEB_CHANNEL)
    await kit.attach_channel(ROOM_ID, ASSISTANT, category=ChannelCategory.INTELLIGENCE)

    @kit.hook(HookTrigger.BEFORE_BROADCAST, name="assistant_typing")
    async def assistant_typing(event: RoomEvent, context: RoomContext) -> HookResult:
        if event.source.channel_id == WEB_CHANNEL:
            await kit.publish_typing(event.room_id, ASSISTANT, True)
        return HookResult.allow()

    @kit.hook(HookTrigger.AFTER_BROADCAST, execution=HookExecution.ASYNC, name="done_typing")
    async def done_typing(event: RoomEvent, context: RoomContext) -> None:
        if event.source.channel_id == WEB_CHANNEL:
            await kit.publish_typing(event.room_id, ASSISTANT, False)

    async def page(request: Request) -> HTMLResponse:
        return HTMLResponse(PAGE)

    app = create_app(kit, allow_anonymous=True, extra_routes=[Route("/", page)])
    return kit, app


async def serve(host: str, port: int, delay: float) -> None:
    """Serve the chat until interrupted."""
    kit, app = await build_app(delay)
    async with kit:
        print(f"Open http://{host}:{port} in a browser (Ctrl+C to stop).")
        await uvicorn.Server(uvicorn.Config(app, host=host, port=port)).serve()


PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>RoomKit web chat</title>
<style>
  body { font: 15px/1.4 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; }
  #log { border: 1px solid #ccc; border-radius: 8px; height: 24rem; overflow-y: auto;
         padding: .5rem; }
  .msg { margin: .3rem 0; padding: .4rem .6rem; border-radius: 6px; }
  .me { background: #dbeafe; text-align: right; }
  .them { background: #f3f4f6; }
  .who { font-size: 12px; color: #555; }
  #typing { height: 1.4rem; color: #666; font-style: italic; }
  form { display: flex; gap: .5rem; }
  #text { flex: 1; padding: .4rem; }
</style>
</head>
<body>
<h1>RoomKit web chat</h1>
<div id="status">connecting…</div>
<div id="log" aria-live="polite"></div>
<div id="typing"></div>
<form id="form"><input id="text" autocomplete="off" placeholder="Say something">
<button id="send" type="submit" disabled>Send</button></form>
<script>
const ROOM = "lobby";
const me = "guest-" + Math.random().toString(36).slice(2, 7);
const log = document.getElementById("log");
const typing = document.getElementById("typing");
const text = document.getElementById("text");
const typers = new Set();
const scheme = location.protocol === "https:" ? "wss" : "ws";
const ws = new WebSocket(`${scheme}://${location.host}/ws/web?room_id=${ROOM}`);
let typingSent = false;

function add(who, body, mine) {
  const div = document.createElement("div");
  div.className = "msg " + (mine ? "me" : "them");
  const name = document.createElement("div");
  name.className = "who";
  name.textContent = who;
  const content = document.createElement("div");
  content.className = "body";
  content.textContent = body;
  div.append(name, content);
  log.append(div);
  log.scrollTop = log.scrollHeight;
}
function showTyping() {
  typing.textContent = typers.size ? [...typers].join(", ") + " is typing…" : "";
}
function sendTyping(active) {
  if (active === typingSent) return;
  typingSent = active;
  ws.send(JSON.stringify({type: "typing", room_id: ROOM, sender_id: me, is_typing: active}));
}
ws.onopen = () => {
  document.getElementById("status").textContent = "connected as " + me;
  document.getElementById("send").disabled = false;
};
ws.onclose = () => { document.getElementById("status").textContent = "disconnected"; };
ws.onmessage = (message) => {
  const frame = JSON.parse(message.data);
  if (frame.type === "event" && frame.event.type === "message") {
    const who = frame.event.source.participant_id || frame.event.source.channel_id;
    typers.delete(who);
    showTyping();
    add(who, frame.event.content.body || "", false);
  } else if (frame.type === "ephemeral" && frame.event.user_id !== me) {
    if (frame.event.type === "typing_start") typers.add(frame.event.user_id);
    if (frame.event.type === "typing_stop") typers.delete(frame.event.user_id);
    showTyping();
  } else if (frame.type === "error") {
    add("error", frame.message, false);
  }
};
text.addEventListener("input", () => sendTyping(text.value.length > 0));
document.getElementById("form").addEventListener("submit", (e) => {
  e.preventDefault();
  const body = text.value.trim();
  if (!body) return;
  sendTyping(false);
  ws.send(JSON.stringify({type: "message", room_id: ROOM, sender_id: me, text: body}));
  add(me, body, true);
  text.value = "";
});
</script>
</body>
</html>
"""


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="RoomKit browser chat with a mock AI")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--delay", type=float, default=0.8, help="seconds the AI 'thinks'")
    arguments = parser.parse_args()
    asyncio.run(serve(arguments.host, arguments.port, arguments.delay))
