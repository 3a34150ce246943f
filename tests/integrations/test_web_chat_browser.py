"""examples/web_chat.py in headless Chromium, driven over the DevTools protocol.

Loads the page, types a message, waits for the assistant's typing indicator and answer,
and saves a screenshot under the test's temporary directory. Needs Debian's
``chromium`` package: without it the test skips, unless ``ROOMKIT_REQUIRE_SERVICES=1``
(then it fails). Waits are event-driven (DevTools events, DOM mutation observers),
each bounded so a broken page fails instead of hanging.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.integrations.conftest import serve
from tests.integrations.web_chat_support import load_web_chat

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
DEVTOOLS_URL = re.compile(r"DevTools listening on (ws://\S+)")
WAIT = 30.0


def chromium_path() -> str:
    """The Chromium binary, or skip (fail under ROOMKIT_REQUIRE_SERVICES=1)."""
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    reason = "headless Chromium is not installed (Debian package 'chromium')"
    if os.environ.get("ROOMKIT_REQUIRE_SERVICES") == "1":
        pytest.fail(reason + " and ROOMKIT_REQUIRE_SERVICES=1")
    pytest.skip(reason)


class DevTools:
    """A minimal Chrome DevTools Protocol client: commands and awaited events."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket
        self._ids = 0
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._waiters: list[tuple[str, str | None, asyncio.Future[dict[str, Any]]]] = []
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for raw in self.socket:
                self._dispatch(json.loads(raw))
        except ConnectionClosed:
            pass
        finally:  # a command whose answer can no longer come fails instead of hanging
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(ConnectionError("the DevTools connection closed"))
            self._pending.clear()

    def _dispatch(self, message: dict[str, Any]) -> None:
        if "id" in message:
            future = self._pending.pop(message["id"])
            if "error" in message:
                future.set_exception(RuntimeError(str(message["error"])))
            else:
                future.set_result(message.get("result", {}))
            return
        for waiter in list(self._waiters):
            method, session, future = waiter
            if message.get("method") == method and session in (None, message.get("sessionId")):
                self._waiters.remove(waiter)
                future.set_result(message.get("params", {}))

    async def call(self, method: str, session: str | None = None, **params: Any) -> Any:
        """Send a command and return its result."""
        self._ids += 1
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[self._ids] = future
        command: dict[str, Any] = {"id": self._ids, "method": method, "params": params}
        if session is not None:
            command["sessionId"] = session
        await self.socket.send(json.dumps(command))
        return await asyncio.wait_for(future, WAIT)

    def expect(self, method: str, session: str | None = None) -> asyncio.Future[dict[str, Any]]:
        """A future resolved by the next ``method`` event (register before triggering it)."""
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiters.append((method, session, future))
        return future

    async def evaluate(self, session: str, expression: str) -> Any:
        """Evaluate JavaScript in the page, awaiting a returned promise."""
        result = await self.call(
            "Runtime.evaluate",
            session,
            expression=expression,
            awaitPromise=True,
            returnByValue=True,
        )
        if "exceptionDetails" in result:
            raise AssertionError(result["exceptionDetails"])
        return result["result"].get("value")

    async def close(self) -> None:
        """Stop reading events."""
        self._reader.cancel()
        with suppress(asyncio.CancelledError):
            await self._reader


@asynccontextmanager
async def chromium(binary: str, profile: Path) -> AsyncIterator[DevTools]:
    """Run headless Chromium and yield a DevTools client connected to it."""
    arguments = [
        "--headless=new",
        "--disable-gpu",
        "--no-first-run",
        "--no-default-browser-check",
        "--remote-debugging-address=127.0.0.1",
        "--remote-debugging-port=0",
        f"--user-data-dir={profile}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        arguments.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox
    process = await asyncio.create_subprocess_exec(
        binary,
        *arguments,
        "about:blank",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        url = await asyncio.wait_for(_devtools_url(process), WAIT)
        async with connect(url, max_size=None) as socket:
            devtools = DevTools(socket)
            try:
                yield devtools
            finally:
                with suppress(Exception):
                    await devtools.call("Browser.close")
                await devtools.close()
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()


async def _devtools_url(process: asyncio.subprocess.Process) -> str:
    assert process.stderr is not None
    while line := await process.stderr.readline():
        match = DEVTOOLS_URL.search(line.decode(errors="replace"))
        if match:
            return match.group(1)
    raise AssertionError("Chromium exited before opening its DevTools endpoint")


def _when(condition: str) -> str:
    """JavaScript resolving once ``condition`` holds (checked on every DOM mutation)."""
    return f"""new Promise((resolve) => {{
        const ok = () => {{
            try {{ return Boolean({condition}); }} catch (e) {{ return false; }}
        }};
        if (ok()) return resolve(true);
        const observer = new MutationObserver(() => {{
            if (ok()) {{ observer.disconnect(); resolve(true); }}
        }});
        observer.observe(document.documentElement,
            {{subtree: true, childList: true, attributes: true, characterData: true}});
    }})"""


WATCH_TYPING = """(() => {
    window.sawTyping = [];
    const typing = document.getElementById("typing");
    new MutationObserver(() => window.sawTyping.push(typing.textContent))
        .observe(typing, {subtree: true, childList: true, characterData: true});
    return true;
})()"""


async def test_the_chat_page_in_headless_chromium(tmp_path: Path) -> None:
    binary = chromium_path()
    web_chat = load_web_chat()
    kit, app = await web_chat.build_app(delay=0.3)
    async with kit, serve(app) as base_url, chromium(binary, tmp_path / "profile") as devtools:
        target = await devtools.call("Target.createTarget", url="about:blank")
        attached = await devtools.call(
            "Target.attachToTarget", targetId=target["targetId"], flatten=True
        )
        session = attached["sessionId"]
        await devtools.call("Page.enable", session)
        loaded = devtools.expect("Page.loadEventFired", session)
        await devtools.call("Page.navigate", session, url=base_url + "/")
        await asyncio.wait_for(loaded, WAIT)

        ready = "!document.getElementById('send').disabled"
        assert await asyncio.wait_for(devtools.evaluate(session, _when(ready)), WAIT)
        await devtools.evaluate(session, WATCH_TYPING)
        await devtools.evaluate(session, "document.getElementById('text').focus()")
        await devtools.call("Input.insertText", session, text="Hello, bot!")
        await devtools.evaluate(session, "document.getElementById('send').click()")

        reply = json.dumps(web_chat.REPLIES[0])
        answered = (
            "[...document.querySelectorAll('.them .body')]"
            f".some((node) => node.textContent === {reply})"
        )
        assert await asyncio.wait_for(devtools.evaluate(session, _when(answered)), WAIT)
        mine = await devtools.evaluate(
            session, "[...document.querySelectorAll('.me .body')].map((n) => n.textContent)"
        )
        typing_seen = await devtools.evaluate(session, "window.sawTyping")
        shot = await devtools.call("Page.captureScreenshot", session, format="png")

    assert mine == ["Hello, bot!"]
    assert "assistant is typing…" in typing_seen
    screenshot = tmp_path / "web_chat.png"
    screenshot.write_bytes(base64.b64decode(shot["data"]))
    assert screenshot.read_bytes().startswith(b"\x89PNG")
    timeline = [e for e in await kit.get_timeline("lobby") if e.type == "message"]
    assert [e.content.body for e in timeline] == ["Hello, bot!", web_chat.REPLIES[0]]  # type: ignore[union-attr]
