"""STTProvider defaults and the scripted MockSTTProvider."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from roomkit.models.content import AudioContent
from roomkit.voice import AudioChunk, MockSTTProvider, STTProvider, TranscriptionResult


class EchoLengthSTT(STTProvider):
    """Transcribes a chunk as the number of bytes it holds."""

    def __init__(self) -> None:
        self.seen: list[AudioContent | AudioChunk] = []

    async def transcribe(self, audio: AudioContent | AudioChunk) -> str:
        self.seen.append(audio)
        return str(len(audio.data)) if isinstance(audio, AudioChunk) else audio.url


async def _stream(*chunks: AudioChunk) -> AsyncIterator[AudioChunk]:
    for chunk in chunks:
        yield chunk


async def _collect(results: AsyncIterator[TranscriptionResult]) -> list[TranscriptionResult]:
    return [result async for result in results]


async def test_default_stream_transcribes_once_and_yields_one_final_result() -> None:
    stt = EchoLengthSTT()
    results = await _collect(
        stt.transcribe_stream(_stream(AudioChunk(data=b"ab"), AudioChunk(data=b"cde")))
    )
    assert results == [TranscriptionResult(text="5", is_final=True)]
    assert stt.seen == [AudioChunk(data=b"abcde", is_final=True)]


async def test_default_stream_yields_nothing_for_no_audio() -> None:
    stt = EchoLengthSTT()
    assert await _collect(stt.transcribe_stream(_stream())) == []
    assert stt.seen == []


async def test_default_stream_rejects_mixed_formats() -> None:
    stt = EchoLengthSTT()
    stream = _stream(AudioChunk(data=b"a"), AudioChunk(data=b"b", channels=2))
    with pytest.raises(ValueError, match="differ"):
        await _collect(stt.transcribe_stream(stream))


async def test_provider_name_and_close() -> None:
    stt = EchoLengthSTT()
    assert stt.name == "EchoLengthSTT"
    await stt.close()


def test_transcribe_is_abstract() -> None:
    with pytest.raises(TypeError):
        STTProvider()  # type: ignore[abstract]


async def test_mock_cycles_transcripts_and_records_calls() -> None:
    stt = MockSTTProvider(["one", "two"])
    clip = AudioContent(url="https://example.com/a.wav")
    chunk = AudioChunk(data=b"\x00\x01")
    assert [await stt.transcribe(clip), await stt.transcribe(chunk)] == ["one", "two"]
    assert await stt.transcribe(chunk) == "one"
    assert stt.calls == [clip, chunk, chunk]


async def test_mock_default_transcript() -> None:
    assert await MockSTTProvider().transcribe(AudioChunk(data=b"")) == "Hello"


def test_mock_rejects_empty_transcripts() -> None:
    with pytest.raises(ValueError, match="at least one"):
        MockSTTProvider([])


async def test_mock_stream_without_partials_yields_final_only() -> None:
    stt = MockSTTProvider(["turn the lights on"])
    results = await _collect(stt.transcribe_stream(_stream(AudioChunk(data=b"x"))))
    assert results == [TranscriptionResult(text="turn the lights on", is_final=True)]
    assert stt.calls == [AudioChunk(data=b"x", is_final=True)]


async def test_mock_stream_with_partials_grows_word_by_word() -> None:
    stt = MockSTTProvider(["turn the lights"], partials=True)
    stream = _stream(AudioChunk(data=b"x"), AudioChunk(data=b"y"))
    results = await _collect(stt.transcribe_stream(stream))
    assert [(r.text, r.is_final) for r in results] == [
        ("turn", False),
        ("turn the", False),
        ("turn the lights", True),
    ]


async def test_mock_stream_of_nothing_yields_nothing() -> None:
    stt = MockSTTProvider(partials=True)
    assert await _collect(stt.transcribe_stream(_stream())) == []
    assert stt.calls == []


async def test_mock_reset_restarts_cycle() -> None:
    stt = MockSTTProvider(["a", "b"])
    await stt.transcribe(AudioChunk(data=b""))
    stt.reset()
    assert stt.calls == []
    assert await stt.transcribe(AudioChunk(data=b"")) == "a"
