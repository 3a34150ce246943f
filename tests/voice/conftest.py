"""Helpers shared by the voice tests: chunk streams and connected mock sessions."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from typing import TYPE_CHECKING

import pytest

from roomkit.voice import AudioChunk, MockVoiceBackend, VoiceSession

if TYPE_CHECKING:
    from fastrtc_backend_support import Served


class ChunkStream:
    """An async iterator over fixed chunks that records how it was consumed.

    ``started`` is set when the first chunk is handed out; with ``hang=True`` the stream
    never ends after its chunks (like a producer still synthesizing) instead of stopping.
    """

    def __init__(self, chunks: Iterable[AudioChunk], *, hang: bool = False) -> None:
        self._chunks = list(chunks)
        self._hang = hang
        self.pulled = 0
        self.closed = False
        self.started = asyncio.Event()

    def __aiter__(self) -> ChunkStream:
        return self

    async def __anext__(self) -> AudioChunk:
        if self.closed:
            raise StopAsyncIteration
        if self.pulled >= len(self._chunks):
            if self._hang:
                await asyncio.Event().wait()
            raise StopAsyncIteration
        self.started.set()
        chunk = self._chunks[self.pulled]
        self.pulled += 1
        return chunk

    async def aclose(self) -> None:
        self.closed = True


@pytest.fixture
def chunk_stream() -> type[ChunkStream]:
    """The :class:`ChunkStream` factory, for tests that feed chunks to a consumer."""
    return ChunkStream


@pytest.fixture
def backend() -> MockVoiceBackend:
    return MockVoiceBackend()


@pytest.fixture
async def session(backend: MockVoiceBackend) -> VoiceSession:
    return await backend.connect("room-1", "alice", "voice-main")


@pytest.fixture
async def served() -> AsyncIterator[Served]:
    """A FastRTCVoiceBackend served on loopback (for the fastrtc test modules)."""
    from fastrtc_backend_support import served_backend  # needs the fastrtc extra

    async with served_backend() as backend:
        yield backend
