"""A voice assistant served over FastRTC, entirely offline: speak to it, it speaks back.

A FastAPI app mounts :class:`~roomkit.voice.backends.fastrtc.FastRTCVoiceBackend` at
``/fastrtc``. Every client that connects gets its own room with a (mock) AI assistant.
Its speech is cut into utterances by fastrtc's ``ReplyOnPause`` running the bundled
Silero model, transcribed by PocketSphinx, answered by the mock AI and spoken back
with eSpeak NG. The client protocol is fastrtc's WebSocket one: send
``{"event": "start", "websocket_id": "<id>"}`` and then
``{"event": "media", "media": {"payload": <base64 μ-law at 48 kHz>}}`` messages; you
get μ-law media back at 24 kHz and ``{"type": "transcription", ...}`` messages.

Needs the ``fastrtc`` and ``voice-local`` extras: ``pip install 'roomkit[fastrtc,voice-local]'``.

* ``python examples/fastrtc_voice.py`` serves it on http://127.0.0.1:8000
  (or ``uvicorn --factory examples.fastrtc_voice:create_app``);
* ``python examples/fastrtc_voice.py --check`` serves it on a free loopback port, sends
  one spoken question over the WebSocket, and prints what came back.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import math
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI
from websockets.asyncio.client import ClientConnection, connect

from roomkit import AIChannel, MockAIProvider, RoomKit
from roomkit.channels.voice import VoiceChannel
from roomkit.voice import VoiceSession
from roomkit.voice.backends.fastrtc import FastRTCVoiceBackend, mount_fastrtc_voice
from roomkit.voice.codecs import level_dbfs, mulaw_decode, mulaw_encode, resample_pcm16
from roomkit.voice.stt.pocketsphinx import PocketSphinxSTTProvider
from roomkit.voice.tts.espeak import EspeakTTSProvider

QUESTION = "how is the weather tomorrow"
ANSWER = "Tomorrow will be sunny and warm. Enjoy your day!"
CLIENT_RATE = 48000
"""The rate the client sends (fastrtc's default input rate)."""
REPLY_RATE = 24000
"""The rate the client hears (fastrtc's default output rate)."""


def build_app() -> tuple[FastAPI, VoiceChannel]:
    """The FastAPI app and its voice channel (the kit starts with the app)."""
    kit = RoomKit()
    backend = FastRTCVoiceBackend(input_sample_rate=CLIENT_RATE, output_sample_rate=REPLY_RATE)
    voice = VoiceChannel(
        "voice", backend=backend, stt=PocketSphinxSTTProvider(), tts=EspeakTTSProvider()
    )
    kit.register_channel(voice)
    kit.register_channel(AIChannel("assistant", provider=MockAIProvider([ANSWER])))

    async def new_caller(webrtc_id: str) -> VoiceSession:
        """Each connection: a fresh room with the assistant, and a voice session in it."""
        room = await kit.create_room()
        await kit.attach_channel(room.id, "assistant")
        return await kit.connect_voice(room.id, webrtc_id, "voice", {"webrtc_id": webrtc_id})

    backend.on_client_disconnected(kit.disconnect_voice)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with kit:
            yield

    app = FastAPI(lifespan=lifespan)
    mount_fastrtc_voice(app, backend, path="/fastrtc", session_factory=new_caller)
    return app, voice


def create_app() -> FastAPI:
    """The app alone, for ``uvicorn --factory``."""
    return build_app()[0]


async def microphone(text: str) -> bytes:
    """What a caller's microphone would send: speech between silences, at CLIENT_RATE."""
    tts = EspeakTTSProvider(rate=150)  # a clear caller (PocketSphinx hears it best)
    speech = b"".join([chunk.data async for chunk in tts.synthesize_stream(text)])
    silence = b"\x00\x00" * (CLIENT_RATE // 2)  # half a second
    return silence + resample_pcm16(speech, tts.sample_rate, CLIENT_RATE) + silence * 3


async def send_speech(ws: ClientConnection, pcm: bytes) -> None:
    """Send PCM as fastrtc media messages of 20 ms of μ-law each."""
    frame = 2 * CLIENT_RATE // 50
    for start in range(0, len(pcm), frame):
        payload = base64.b64encode(mulaw_encode(pcm[start : start + frame])).decode()
        await ws.send(json.dumps({"event": "media", "media": {"payload": payload}}))


async def converse(url: str, voice: VoiceChannel, question: str) -> tuple[list[str], bytes]:
    """Ask ``question`` aloud; return the transcript lines and the reply audio heard."""
    lines: list[str] = []
    heard = bytearray()
    async with connect(url) as ws:
        await ws.send(json.dumps({"event": "start", "websocket_id": "check"}))
        await send_speech(ws, await microphone(question))
        async with asyncio.timeout(60):
            while not any(line.startswith("assistant") for line in lines):
                heard += await receive(ws, lines)
            await voice.wait_idle()  # the reply was played in full
            await ws.send(json.dumps({"event": "ping"}))
            while (chunk := await receive(ws, lines)) != b"pong":
                heard += chunk
    return lines, mulaw_decode(bytes(heard))


async def receive(ws: ClientConnection, lines: list[str]) -> bytes:
    """Read one message: return its audio (μ-law), note a transcript, ``b"pong"`` for a pong."""
    message = json.loads(await ws.recv())
    if message.get("event") == "media":
        return base64.b64decode(message["media"]["payload"])
    if message.get("event") == "pong":
        return b"pong"
    if message.get("type") == "transcription":
        data = message["data"]
        lines.append(f"{data['role']:>9}: {data['text']}")
    return b""


async def check() -> None:
    """Serve the app on a free loopback port, hold one exchange and print it."""
    app, voice = build_app()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()  # the client can connect now; uvicorn accepts once the kit is up
    sock.setblocking(False)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", ws="websockets-sansio"))
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        url = f"ws://127.0.0.1:{sock.getsockname()[1]}/fastrtc/websocket/offer"
        lines, reply = await converse(url, voice, QUESTION)
    finally:
        server.should_exit = True
        await serving
        sock.close()
    for line in lines:
        print(line)
    level = level_dbfs(reply)
    loudness = "silence" if math.isinf(level) else f"{level:.0f} dBFS"
    print(f"    audio: {len(reply) / 2 / REPLY_RATE:.1f} s of speech received ({loudness})")


def main() -> None:
    """Serve the app, or run the loopback check with ``--check``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="talk to it once and exit")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    if args.check:
        asyncio.run(check())
    else:
        uvicorn.run(create_app(), host=args.host, port=args.port)


if __name__ == "__main__":
    main()
