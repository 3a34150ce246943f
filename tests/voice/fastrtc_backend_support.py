"""The served FastRTCVoiceBackend the FastRTC backend tests share.

Import after ``pytest.importorskip("fastrtc")``: this module imports fastrtc's
FastAPI mount. :func:`served_backend` mounts a backend on a FastAPI app served on
loopback, with a session factory that queues each session it makes; :class:`Heard`
records what the backend reported to its callbacks.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from fastapi import FastAPI
from fastrtc_support import WAIT_S, FastRTCClient, serve

from roomkit.voice import VoiceSession
from roomkit.voice.backends.fastrtc import FastRTCVoiceBackend, mount_fastrtc_voice

__all__ = ["Heard", "Served", "connected", "listen", "served_backend"]


@dataclass
class Heard:
    """What the backend reported to its callbacks, in order."""

    log: list[tuple[str, VoiceSession]] = field(default_factory=list)
    utterances: list[bytes] = field(default_factory=list)
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    gone: asyncio.Event = field(default_factory=asyncio.Event)
    barged: asyncio.Event = field(default_factory=asyncio.Event)

    def kinds(self) -> list[str]:
        """The kinds of report received, in order."""
        return [kind for kind, _ in self.log]


@dataclass
class Served:
    """A served backend, its base URL, what it reported and the sessions it made."""

    backend: FastRTCVoiceBackend
    url: str
    heard: Heard
    sessions: asyncio.Queue[VoiceSession]

    def endpoint(self, name: str = "websocket/offer") -> str:
        """The URL of one of fastrtc's endpoints."""
        return f"{self.url}/fastrtc/{name}"


def listen(backend: FastRTCVoiceBackend) -> Heard:
    """Register recording callbacks on ``backend``; return the record."""
    heard = Heard()

    async def started(session: VoiceSession) -> None:
        heard.log.append(("start", session))

    async def ended(session: VoiceSession, audio: bytes) -> None:
        heard.log.append(("end", session))
        heard.utterances.append(audio)
        heard.ended.set()

    async def barge_in(session: VoiceSession) -> None:
        heard.log.append(("barge_in", session))
        heard.barged.set()

    async def gone(session: VoiceSession) -> None:
        heard.log.append(("gone", session))
        heard.gone.set()

    backend.on_speech_start(started)
    backend.on_speech_end(ended)
    backend.on_barge_in(barge_in)
    backend.on_client_disconnected(gone)
    return heard


@asynccontextmanager
async def served_backend() -> AsyncIterator[Served]:
    """A backend mounted on a FastAPI app served on loopback, closed afterwards."""
    backend = FastRTCVoiceBackend()
    sessions: asyncio.Queue[VoiceSession] = asyncio.Queue()

    async def session_factory(webrtc_id: str) -> VoiceSession:
        session = await backend.connect("room-1", f"caller-{webrtc_id}", "voice")
        sessions.put_nowait(session)  # bound as soon as this returns, before anyone wakes
        return session

    app = FastAPI()
    mount_fastrtc_voice(app, backend, session_factory=session_factory)
    heard = listen(backend)
    async with serve(app) as url:
        yield Served(backend, url, heard, sessions)
        await backend.close()


async def connected(client: FastRTCClient, served: Served) -> VoiceSession:
    """Wait until the session factory made the client's session; return it."""
    session = await asyncio.wait_for(served.sessions.get(), WAIT_S)
    assert session.metadata["webrtc_id"] == client.client_id
    return session
