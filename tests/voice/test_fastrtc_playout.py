"""The FastRTC backend's paced, cancellable playout, on its own (no connection)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

pytest.importorskip("fastrtc", reason="needs the fastrtc extra: pip install 'roomkit[fastrtc]'")

from fastrtc_support import tone  # noqa: E402

from roomkit.voice import AudioChunk  # noqa: E402
from roomkit.voice.backends._fastrtc_playout import Playout  # noqa: E402


async def playout_of(written: list[bytes], *, alive: bool = True) -> Playout:
    async def write(frame: bytes) -> bool:
        written.append(frame)
        return alive

    async def clear() -> None:
        written.append(b"clear")

    return Playout(write, sample_rate=8000, clear=clear, lead_ms=1000)


async def test_playout_mixes_stereo_and_switches_rates_without_losing_audio() -> None:
    written: list[bytes] = []
    playout = await playout_of(written)

    async def chunks() -> AsyncIterator[AudioChunk]:
        yield AudioChunk(data=tone(100, rate=8000), sample_rate=8000, channels=2)  # 50 ms
        yield AudioChunk(data=tone(50, rate=16000), sample_rate=16000)

    await playout.play(chunks())

    assert abs(sum(len(f) for f in written) - 2 * 8000 * 100 // 1000) <= 4
    assert all(len(f) == 320 for f in written[:-1])  # 20 ms frames


@pytest.mark.parametrize(
    "chunk",
    [
        AudioChunk(data=b"\xff" * 80, sample_rate=8000, format="mulaw"),
        AudioChunk(data=b"\x00" * 120, sample_rate=8000, channels=3),
    ],
)
async def test_playout_refuses_audio_it_cannot_play(chunk: AudioChunk) -> None:
    playout = await playout_of([])

    async def one() -> AsyncIterator[AudioChunk]:
        yield chunk

    with pytest.raises(ValueError, match="FastRTC playback needs"):
        await playout.play(one())


async def test_playout_stops_when_the_connection_is_gone() -> None:
    written: list[bytes] = []
    playout = await playout_of(written, alive=False)

    async def one() -> AsyncIterator[AudioChunk]:
        yield AudioChunk(data=tone(200, rate=8000), sample_rate=8000)

    await playout.play(one())

    assert len(written) == 1
    assert not playout.playing


async def test_cancelling_the_caller_of_play_is_not_swallowed() -> None:
    playout = await playout_of([])
    gate = asyncio.Event()

    async def stalled() -> AsyncIterator[AudioChunk]:
        await gate.wait()
        yield AudioChunk(data=b"", sample_rate=8000)

    task = asyncio.create_task(playout.play(stalled()))
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
